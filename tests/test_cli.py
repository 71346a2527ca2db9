"""The `closer-tone` command as a user runs it: output, JSON, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import pty
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import closer_tone
from closer_tone.cli import app
from tests.helpers import user_lexicon

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
COMMAND = str(Path(sys.executable).with_name("closer-tone"))


def colours(output: str) -> set[str]:
    """The colour codes (foreground or background) in terminal output; bold and dim are not colour."""
    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", output):
        found |= {code for code in params.split(";") if code[:1] in "349" and len(code) == 2}
    return found


pytestmark = pytest.mark.usefixtures("cli_reuses_analyzer")


def run_in_terminal(args: list[str], typed: bytes, env: dict[str, str]) -> str:
    """Run the installed command with a pseudo-terminal as its stdin and stdout, typing `typed` into it."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the command
        os.execve(COMMAND, [COMMAND, *args], {**os.environ, "COLUMNS": "200", **env})
    os.write(fd, typed)
    output = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal closes when the command exits
            break
        if not chunk:
            break
        output += chunk
    os.waitpid(pid, 0)
    os.close(fd)
    return output.decode("utf-8", "replace")


def test_check_prints_the_label_and_confidence() -> None:
    text = "Sorry, I guess that's all, whatever works for you is fine."
    result = runner.invoke(app, ["check", text])
    assert result.exit_code == 0
    analysis = closer_tone.analyze(text)
    assert result.output.splitlines()[0].startswith(f"passive ({analysis.scores['passive']:.2f}) █")
    assert analysis.label == "passive"


def test_check_shows_cues_rewrites_and_the_checklist() -> None:
    text = "Sorry, I guess I'll just wait to hear back."
    analysis = closer_tone.analyze(text)
    output = runner.invoke(app, ["check", text]).output
    for cue in analysis.cues:
        if cue.tone != "assertive":
            assert f'"{cue.text}" {cue.tone} cue {cue.rule}: {cue.message}' in output
    for rewrite in analysis.sentences[0].rewrites:
        assert f"try: {rewrite.text}" in output
    for item in analysis.checklist:
        name = item.item.replace("_", " ")
        assert (f'{name}: "{item.sentence}"' if item.present else f'missing {name}: add "{item.suggestion}"') in output


def test_confidence_bar_grows_with_probability() -> None:
    from closer_tone.display import confidence_bar

    assert confidence_bar(1.0) == "█" * 10
    assert confidence_bar(0.0) == "·" * 10
    assert confidence_bar(0.55).startswith("█████▌")
    assert len({confidence_bar(p / 100) for p in range(0, 101)}) > 40


def test_check_reads_standard_input_with_a_dash_or_when_piped() -> None:
    text = "Thank you for your time.\nWhen can I expect to hear about next steps?\n"
    expected = closer_tone.analyze(text).to_dict()
    for args in (["check", "--json", "-"], ["check", "--json"]):
        result = runner.invoke(app, args, input=text)
        assert result.exit_code == 0
        assert json.loads(result.output) == expected


def test_standard_input_that_is_not_utf8_is_a_one_line_error() -> None:
    result = runner.invoke(app, ["check", "-"], input="caf\xe9".encode("latin-1"))
    assert result.exit_code == 2
    assert result.output.strip() == "closer-tone: standard input is not UTF-8 text (invalid byte at offset 3)"


def test_check_hides_the_rules_the_user_disables() -> None:
    text = "Sorry, I guess I'll just wait to hear back."
    shown = json.loads(runner.invoke(app, ["check", "--json", text]).output)
    hidden = json.loads(runner.invoke(app, ["check", "--json", "--disable", "hedge", text]).output)
    assert any(cue["rule"].startswith("hedge.") for cue in shown["cues"])
    assert not any(cue["rule"].startswith("hedge.") for cue in hidden["cues"])
    assert hidden["label"] == shown["label"]


def test_check_reports_an_unknown_rule_prefix_in_one_line() -> None:
    result = runner.invoke(app, ["check", "--disable", "hegde", "Thanks for today."])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "[E301] no cue rule is called 'hegde'" in result.output


def test_check_shows_cues_from_the_users_own_lexicon(tmp_path: Path) -> None:
    path = user_lexicon(tmp_path)
    rules = json.loads(path.read_text(encoding="utf-8"))["rules"]
    text = rules[0]["examples"]["flag"][0]
    payload = json.loads(runner.invoke(app, ["check", "--json", "--lexicon", str(path), text]).output)
    assert rules[0]["id"] in {cue["rule"] for cue in payload["cues"]}


def test_project_settings_apply_and_options_override_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.closer-tone]\ndisable = ["hedge"]\n', encoding="utf-8")
    (tmp_path / "scripts").mkdir()
    monkeypatch.chdir(tmp_path / "scripts")
    text = "Sorry, I guess I'll just wait to hear back."
    from_file = json.loads(runner.invoke(app, ["check", "--json", text]).output)
    assert not any(cue["rule"].startswith("hedge.") for cue in from_file["cues"])
    overridden = json.loads(runner.invoke(app, ["check", "--json", "--disable", "apology", text]).output)
    assert any(cue["rule"].startswith("hedge.") for cue in overridden["cues"])
    assert not any(cue["rule"].startswith("apology.") for cue in overridden["cues"])


def test_a_broken_settings_file_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".closer-tone.toml").write_text('disable = ["hedge"]\nfail_on = "passive"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "Thanks for today."])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "[E201]" in result.output and "unknown setting 'fail_on'" in result.output


def test_terminal_output_is_coloured_unless_no_color_is_set() -> None:
    text = "Sorry, I guess I'll just wait to hear back."
    coloured = run_in_terminal(["check", text], b"", {})
    plain = run_in_terminal(["check", text], b"", {"NO_COLOR": "1"})
    assert colours(coloured) and "passive" in coloured
    assert not colours(plain) and "passive" in plain


def test_the_interactive_prompt_judges_each_pasted_line_until_ctrl_d() -> None:
    typed = b"Sorry, I guess I rambled.\nCall me by Friday with your decision.\n\x04"
    output = run_in_terminal(["check"], typed, {"NO_COLOR": "1"})
    assert "Paste a closing line" in output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", output)
    verdicts = re.findall(r"(passive|assertive|aggressive) \(\d\.\d\d\) [█·]", plain)
    assert verdicts[-2:] == ["passive", "aggressive"]


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


def test_an_argument_that_was_not_utf8_is_a_one_line_error() -> None:
    result = runner.invoke(app, ["check", "I guess \udcff maybe"])  # how Python keeps a non-UTF-8 argv byte
    assert result.exit_code == 2
    assert result.output == "closer-tone: the text is not valid UTF-8; check the terminal's encoding\n"


def test_a_model_from_a_path_is_used_only_with_trust_model(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "models", tmp_path / "mine", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    text = "Sorry, I guess I'll just wait to hear back."
    refused = runner.invoke(app, ["check", "--model", str(tmp_path / "mine"), text])
    assert refused.exit_code == 2
    assert refused.output.count("\n") == 1 and "[E104]" in refused.output and "--trust-model" in refused.output
    trusted = runner.invoke(app, ["check", "--json", "--model", str(tmp_path / "mine"), "--trust-model", text])
    assert trusted.exit_code == 0
    assert json.loads(trusted.output) == closer_tone.analyze(text).to_dict()


def test_serve_answers_on_loopback_until_stopped() -> None:
    import socket
    import subprocess
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([COMMAND, "serve", "--port", str(port)], stderr=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not come up"
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
        text = "Sorry, I guess I'll just wait to hear back."
        answer = httpx.post(f"http://127.0.0.1:{port}/v1/analyze", json={"text": text}, timeout=30).json()
        assert answer == closer_tone.analyze(text).to_dict()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_on_a_port_in_use_is_a_one_line_error() -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        result = runner.invoke(app, ["serve", "--port", str(taken.getsockname()[1])])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "cannot listen on 127.0.0.1:" in result.output
