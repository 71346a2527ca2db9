"""Hostile and odd input: whatever text arrives, analysis answers within its contract and loses nothing."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from closer_tone.api import Analyzer
from closer_tone.results import Analysis
from closer_tone.tone import LABELS

NASTY = {
    "zero-width": "Thanks\u200b for\u200d your time\ufeff, when can I\u2060 expect to hear back?",
    "right-to-left": "\u202eThanks for your time\u202c, \u05ea\u05d5\u05d3\u05d4 \u0634\u0643\u0631\u0627, hear back?",
    "control characters": "Sorry\x00 I guess\x07 I'll\x1b[31m just wait\x7f to hear back.",
    "surrogate escapes": "I guess I'll just wait \udcff\udcfe to hear back.",
    "emoji": "Thanks so much!! 🙏🏽😅 I guess I'll just wait to hear back 👩‍💻.",
    "only punctuation": "?!?!... --- ,,, !!!",
    "html": "<p>Thanks for your time.</p><script>alert('x')</script><b>Call me by Friday.</b>",
    "markdown": "**Thanks** for your _time_. [Call me](https://example.invalid) by `Friday`!",
    "smart quotes": "\u201cI\u2019m sorry,\u201d I guess I\u2019ll just wait to hear back \u2018soon\u2019.",
    "100k characters": "I guess I'll just wait to hear back. " * 2800,
    "one huge word": "a" * 5000,
    "newlines only": "\n\r\n\t \u2028\u2029",
    "combining marks": "Tha\u0301nks fo\u0308r your time; whe\u0300n can I expect to hear back?",
    "mixed scripts": "Thank you, спасибо, 谢谢, when can I expect to hear back?",
}


def check_contract(text: str, analysis: Analysis) -> None:
    assert analysis.text == text
    if analysis.label is None:
        assert analysis.reason
        assert not analysis.sentences and not analysis.rewrites
        return
    assert analysis.label in LABELS and analysis.reason is None
    assert math.isclose(sum(analysis.scores.values()), 1.0, abs_tol=1e-6)
    for sentence in analysis.sentences:
        assert sentence.label in LABELS
        assert text[sentence.start : sentence.end] == sentence.text
        assert math.isclose(sum(sentence.scores.values()), 1.0, abs_tol=1e-6)
        for cue in sentence.cues:
            assert text[cue.start : cue.end] == cue.text
            assert sentence.start <= cue.start < cue.end <= sentence.end
        for rewrite in sentence.rewrites:
            assert rewrite.text.strip() and rewrite.text != sentence.text
    json.dumps(analysis.to_dict())


@pytest.mark.parametrize("name", sorted(NASTY))
def test_named_nasty_inputs_keep_the_contract(analyzer: Analyzer, name: str) -> None:
    check_contract(NASTY[name], analyzer.analyze(NASTY[name]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_unicode_text_keeps_the_contract(analyzer: Analyzer, text: str) -> None:
    check_contract(text, analyzer.analyze(text))


WORDS = st.sampled_from(
    "I guess just sorry thanks for your time call me by Friday or else when can expect hear back "
    "the offer ASAP !!! ? , . 😅 \u200b Ms Okafor $85k 9am".split()
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(WORDS, min_size=1, max_size=25).map(" ".join))
def test_closing_like_text_keeps_the_contract(analyzer: Analyzer, text: str) -> None:
    check_contract(text, analyzer.analyze(text))


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["a list"]])
def test_a_non_string_is_a_value_error(analyzer: Analyzer, value: object) -> None:
    with pytest.raises(ValueError, match="closer-tone analyses strings"):
        analyzer.analyze(value)  # type: ignore[arg-type]


def test_the_same_input_always_gives_the_same_output(analyzer: Analyzer) -> None:
    texts = [NASTY[name] for name in sorted(NASTY)] + ["Sorry, I guess I'll just wait to hear back."] * 3
    one_by_one = [analyzer.analyze(text).to_dict() for text in texts]
    assert [a.to_dict() for a in analyzer.pipe(texts)] == one_by_one
    assert [a.to_dict() for a in analyzer.pipe(texts, batch_size=3)] == one_by_one
    assert [a.to_dict() for a in analyzer.pipe(texts, n_process=2)] == one_by_one
    assert [analyzer.analyze(text).to_dict() for text in texts] == one_by_one


GOOD = st.sampled_from(
    [
        "Thank you for your time today.",
        "Sorry, I guess I'll just wait to hear back.",
        "Call me by Friday with your decision.",
        "When can I expect to hear about next steps?",
        "Muchas gracias por la entrevista, quedo atento a su respuesta.",
        "  ",
    ]
)
BAD = st.sampled_from(["{not json", "[1, 2]", '{"other": "x"}', '{"text": 3}', "null"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.one_of(GOOD.map(lambda text: ("good", text)), BAD.map(lambda row: ("bad", row))), max_size=12))
def test_the_scanner_reports_every_readable_statement_exactly_once(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, analyzer: Analyzer, rows: list
) -> None:
    from closer_tone import cli

    monkeypatch.setattr(cli, "_analyzer", lambda *args, **kwargs: analyzer)
    path = tmp_path_factory.mktemp("scan") / "rows.jsonl"
    lines = [json.dumps({"text": value}) if kind == "good" else value for kind, value in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["scan", "--format", "jsonl", str(path)])
    records = [json.loads(line) for line in result.stdout.splitlines()]
    expected = [
        (number, "unreadable" if kind == "bad" else "judged_or_not")
        for number, (kind, value) in enumerate(rows, start=1)
        if kind == "bad" or value.strip()
    ]
    found = [(r["line"], "unreadable" if r["status"] == "unreadable" else "judged_or_not") for r in records]
    assert found == expected
    assert [r["text"] for r in records if r["status"] != "unreadable"] == [
        value for kind, value in rows if kind == "good" and value.strip()
    ]
    assert (result.exit_code == 2) if any(kind == "bad" for kind, _ in rows) else (result.exit_code in (0, 1))
