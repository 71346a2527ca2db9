"""`closer-tone scan` run on real files: every statement exactly once, where it was found, in every format."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import closer_tone
from closer_tone import cli
from closer_tone.cli import app
from closer_tone.report import atomic_output
from tests.test_cli import run_in_terminal

runner = CliRunner()
PASSIVE = "Sorry, I guess I'll just wait to hear back."
ASSERTIVE = "Thank you for your time; when can I expect to hear about next steps?"
AGGRESSIVE = "Call me by Friday with your decision or I'm taking the other offer."


pytestmark = pytest.mark.usefixtures("cli_reuses_analyzer")


def jsonl(result_stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in result_stdout.splitlines()]


def test_text_report_gives_place_label_cue_and_rewrite_then_a_summary(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(f"{ASSERTIVE}\n\n  {AGGRESSIVE}\n{PASSIVE}\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", str(script)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    aggressive = closer_tone.analyze(AGGRESSIVE)
    assert lines[0].startswith(f"{script}:1:1: assertive (")
    assert lines[1].startswith(f"{script}:3:3: aggressive ({aggressive.confidence:.2f}) ")
    assert f"-> {aggressive.rewrites[0].text}" in lines[1]
    assert re.search(r'[a-z_]+\.[a-z_]+ "', lines[1])
    assert lines[2].startswith(f"{script}:4:1: passive (")
    assert lines[3].startswith("3 statements in 1 files: 1 assertive, 1 passive, 1 aggressive")


def test_jsonl_is_one_analysis_per_statement_with_its_place(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(f"{PASSIVE}\r\n{ASSERTIVE}\r\n", encoding="utf-8-sig")
    result = runner.invoke(app, ["scan", "--format", "jsonl", str(script)])
    records = jsonl(result.stdout)
    assert [(r["line"], r["column"], r["status"]) for r in records] == [(1, 1, "judged"), (2, 1, "judged")]
    for record, text in zip(records, (PASSIVE, ASSERTIVE), strict=True):
        assert {k: v for k, v in record.items() if k not in {"path", "line", "column", "status"}} == (
            closer_tone.analyze(text).to_dict()
        )
    assert "2 statements in 1 files" in result.stderr


def test_fail_on_sets_the_exit_code(tmp_path: Path) -> None:
    passive, clean = tmp_path / "passive.txt", tmp_path / "clean.txt"
    passive.write_text(PASSIVE + "\n", encoding="utf-8")
    clean.write_text(ASSERTIVE + "\n", encoding="utf-8")
    assert runner.invoke(app, ["scan", str(passive)]).exit_code == 1
    assert runner.invoke(app, ["scan", "--fail-on", "aggressive", str(passive)]).exit_code == 0
    assert runner.invoke(app, ["scan", str(clean)]).exit_code == 0
    assert runner.invoke(app, ["scan", "--fail-on", "assertive", str(clean)]).exit_code == 2


def test_json_and_csv_reports_hold_every_statement(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(f"{PASSIVE}\n{AGGRESSIVE}\n", encoding="utf-8")
    document = json.loads(runner.invoke(app, ["scan", "--format", "json", str(script)]).stdout)
    assert [f["label"] for f in document["findings"]] == ["passive", "aggressive"]
    assert document["summary"]["statements"] == 2 and document["summary"]["labels"]["aggressive"] == 1
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["scan", "--format", "csv", str(script)]).stdout)))
    assert [(r["line"], r["label"], r["text"]) for r in rows] == [
        ("1", "passive", PASSIVE),
        ("2", "aggressive", AGGRESSIVE),
    ]
    assert float(rows[1]["aggressive"]) == pytest.approx(closer_tone.analyze(AGGRESSIVE).scores["aggressive"], abs=1e-4)
    assert rows[1]["rewrite"] == closer_tone.analyze(AGGRESSIVE).rewrites[0].text


def test_hostile_files_are_reported_in_one_line_each_and_the_rest_is_scanned(tmp_path: Path) -> None:
    (tmp_path / "a_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "b_latin1.txt").write_bytes("Merci, c'était très bien.\n".encode("latin-1"))
    (tmp_path / "c_empty.txt").write_bytes(b"")
    (tmp_path / "d_huge.txt").write_text("word " * 420_000 + "\n" + PASSIVE + "\n", encoding="utf-8")
    (tmp_path / "e_fine.txt").write_text(AGGRESSIVE + "\n", encoding="utf-8")
    missing = tmp_path / "nowhere.txt"
    result = runner.invoke(app, ["scan", "--format", "jsonl", str(tmp_path), str(missing)])
    assert result.exit_code == 2
    errors = result.stderr.splitlines()[:-1]
    assert len(errors) == 3
    assert all(line.startswith("closer-tone: ") for line in errors)
    assert any("a_binary.txt" in line for line in errors) and any("b_latin1.txt" in line for line in errors)
    assert any("nowhere.txt" in line for line in errors)
    records = jsonl(result.stdout)
    assert [(Path(str(r["path"])).name, r["line"], r["status"]) for r in records] == [
        ("d_huge.txt", 1, "not_judged"),
        ("d_huge.txt", 2, "judged"),
        ("e_fine.txt", 1, "judged"),
    ]
    assert "Traceback" not in result.output


def test_a_directory_of_every_supported_type_is_read_in_order_exactly_once(tmp_path: Path) -> None:
    import docx

    (tmp_path / "notes.md").write_text(
        f"---\ntitle: close\n---\n# My close\n\n- {PASSIVE}\n- {ASSERTIVE}\n\n```\ncode\n```\n", encoding="utf-8"
    )
    (tmp_path / "lines.csv").write_text(f'id,line\n1,"{AGGRESSIVE}"\n', encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "rows.jsonl").write_text(json.dumps({"said": PASSIVE}) + "\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(PASSIVE + "\n", encoding="utf-8")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG")
    document = docx.Document()
    document.add_paragraph(ASSERTIVE)
    document.save(str(tmp_path / "script.docx"))
    result = runner.invoke(
        app,
        ["scan", "--format", "jsonl", "--column", "line", "--field", "said", "--fail-on", "aggressive", str(tmp_path)],
    )
    records = jsonl(result.stdout)
    found = [(Path(str(r["path"])).relative_to(tmp_path).as_posix(), r["line"], r["text"]) for r in records]
    assert found == [
        ("lines.csv", 2, AGGRESSIVE),
        ("nested/rows.jsonl", 1, PASSIVE),
        ("notes.md", 6, PASSIVE),
        ("notes.md", 7, ASSERTIVE),
        ("script.docx", 1, ASSERTIVE),
    ]
    assert result.exit_code == 1


def test_bad_rows_are_reported_in_place_and_good_rows_all_come_out(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        "\n".join(
            [json.dumps({"text": PASSIVE}), "{not json", json.dumps({"other": 1}), json.dumps({"text": ASSERTIVE})]
        )
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["scan", "--format", "jsonl", str(rows)])
    records = jsonl(result.stdout)
    assert [(r["line"], r["status"]) for r in records] == [
        (1, "judged"),
        (2, "unreadable"),
        (3, "unreadable"),
        (4, "judged"),
    ]
    assert result.exit_code == 2


def test_an_ignore_marker_skips_the_line_but_reports_it(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(f"{PASSIVE}  # closer-tone: ignore\n{AGGRESSIVE}\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", "--format", "jsonl", str(script)])
    records = jsonl(result.stdout)
    assert [(r["line"], r["status"]) for r in records] == [(1, "ignored"), (2, "judged")]
    assert "label" not in records[0]


def test_output_is_written_whole_to_the_file(tmp_path: Path) -> None:
    script, report = tmp_path / "script.txt", tmp_path / "out" / "report.jsonl"
    report.parent.mkdir()
    script.write_text(f"{PASSIVE}\n{ASSERTIVE}\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", "--format", "jsonl", "--output", str(report), str(script)])
    assert result.stdout == ""
    assert [r["text"] for r in jsonl(report.read_text(encoding="utf-8"))] == [PASSIVE, ASSERTIVE]
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.jsonl"]


def test_an_interrupted_report_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("the previous report\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as stream:
        stream.write("half a rep")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_project_settings_choose_format_and_fail_level(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".closer-tone.toml").write_text('format = "jsonl"\nfail-on = "aggressive"\n', encoding="utf-8")
    (tmp_path / "s.txt").write_text(PASSIVE + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["scan", "s.txt"])
    assert result.exit_code == 0
    assert jsonl(result.stdout)[0]["path"] == "s.txt"


def test_parallel_jobs_give_the_same_report(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text("\n".join([PASSIVE, ASSERTIVE, AGGRESSIVE] * 4) + "\n", encoding="utf-8")
    one = runner.invoke(app, ["scan", "--format", "jsonl", str(script)]).stdout
    two = runner.invoke(app, ["scan", "--format", "jsonl", "--jobs", "2", str(script)]).stdout
    assert one == two and len(one.splitlines()) == 12


def test_a_long_scan_on_a_terminal_shows_progress_on_stderr(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(f"{ASSERTIVE}\n" * cli.PROGRESS_FROM, encoding="utf-8")
    output = run_in_terminal(["scan", "--fail-on", "aggressive", str(script)], b"", {"NO_COLOR": "1"})
    assert "scanning" in output
    assert f"{cli.PROGRESS_FROM} statements in 1 files" in output


def test_the_text_report_has_the_same_characters_with_or_without_colour(tmp_path: Path) -> None:
    script = tmp_path / "script.txt"
    script.write_text(f"{PASSIVE}\nThanks\tfor today.\tCall me by Friday.\n{ASSERTIVE}\n", encoding="utf-8")
    plain = runner.invoke(app, ["scan", str(script)]).stdout.splitlines()
    coloured = run_in_terminal(["scan", str(script)], b"", {"NO_COLOR": "", "TERM": "xterm-256color"})
    assert "\x1b[" in coloured, "a terminal gets colour"
    shown = re.sub(r"\x1b\[[0-9;]*m", "", coloured).replace("\r\n", "\n").splitlines()
    assert len(plain) == 4 and "\t" not in "".join(plain)
    assert shown[:3] == plain[:3]


def test_no_path_is_a_usage_error() -> None:
    result = runner.invoke(app, ["scan"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
