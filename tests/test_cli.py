"""The `closer-tone` command as a user runs it: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import closer_tone
from closer_tone.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def test_check_prints_the_label_and_confidence() -> None:
    text = "Sorry, I guess that's all, whatever works for you is fine."
    result = runner.invoke(app, ["check", text])
    assert result.exit_code == 0
    analysis = closer_tone.analyze(text)
    assert result.output.splitlines()[0] == f"passive ({analysis.scores['passive']:.2f})"
    assert analysis.label == "passive"


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


def test_evaluate_reports_the_model_beside_both_baselines(tmp_path: Path) -> None:
    result = runner.invoke(app, ["evaluate", "--on", str(ROOT / "data" / "fresh.jsonl"), "--json"])
    assert result.exit_code == 0
    reports = json.loads(result.output)
    systems = {(r["system"], r["unit"]) for r in reports}
    assert {
        ("model", "statement"),
        ("keyword list", "statement"),
        ("tf-idf + logistic regression", "sentence"),
    } <= systems
    model = next(r for r in reports if r["system"] == "model" and r["unit"] == "statement")
    assert model["count"] == sum(1 for _ in (ROOT / "data" / "fresh.jsonl").open())
    assert sum(map(sum, model["confusion"])) == model["count"]
    assert 0 <= model["ece"] <= 1


def test_evaluate_scores_only_held_out_splits() -> None:
    result = runner.invoke(app, ["evaluate", "--split", "train"])
    assert result.exit_code == 2
