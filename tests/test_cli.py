"""The `closer-tone` command as a user runs it: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from closer_tone.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def test_check_prints_the_label_and_confidence() -> None:
    result = runner.invoke(app, ["check", "Sorry, I guess that's all, whatever works for you is fine."])
    assert result.exit_code == 0
    label, confidence = result.output.split()[:2]
    assert label == "passive"
    assert 0.0 < float(confidence.strip("()")) <= 1.0


def test_check_lists_sentences_of_a_longer_statement() -> None:
    result = runner.invoke(app, ["check", "Thanks for today. Call me tomorrow with your decision."])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("aggressive")
    assert "Call me tomorrow with your decision." in lines[2]


def test_check_json_is_the_analysis() -> None:
    result = runner.invoke(app, ["check", "--json", "What would success look like in the first 90 days?"])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert payload["label"] == "assertive"
    assert payload["sentences"][0]["start"] == 0


def test_empty_text_is_a_one_line_error() -> None:
    result = runner.invoke(app, ["check", "  "])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "cannot judge this text: the text is empty" in result.output
    assert "Traceback" not in result.output


def test_train_reports_a_bad_corpus_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    result = runner.invoke(app, ["train", "--data", str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "missing field" in result.output
    assert not (tmp_path / "m").exists()
