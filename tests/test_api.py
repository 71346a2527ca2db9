"""Analyzer: sentence offsets, rule 5 for the statement, scores, and input errors."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from closer_tone.api import Analyzer
from closer_tone.tone import LABELS, statement_scores


def test_sentences_carry_offsets_into_the_original_text(analyzer: Analyzer) -> None:
    text = "  Thank you for the tour, Priya!  What does onboarding look like for new nurses?"
    analysis = analyzer.analyze(text)
    assert len(analysis.sentences) == 2
    for sentence in analysis.sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_statement_takes_the_most_severe_sentence(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze(
        "Thanks for walking me through the role today. Sorry, I know I rambled, I'm sure you have better people anyway."
    )
    assert [s.label for s in analysis.sentences] == ["assertive", "passive"]
    assert analysis.label == "passive"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I guess I'll just wait to hear back, sorry for rambling.", "passive"),
        ("I need an answer by Friday or I'm taking the other offer.", "aggressive"),
        ("What are the next steps, and when should I expect to hear from you?", "assertive"),
        ("Thank you so much for today.", "assertive"),  # warm thanks; it once read aggressive from the word "so"
        ("Thanks SO much for ghosting me for three weeks.", "aggressive"),
        ("Thank you so much for even considering someone like me.", "passive"),
        ("Please find attached my references for your review.", "assertive"),  # formal courtesy, not an order
        ("Please confirm by 5 pm today, failing which I will withdraw my application.", "aggressive"),
    ],
)
def test_clear_cases(analyzer: Analyzer, text: str, label: str) -> None:
    assert analyzer.analyze(text).label == label


def test_scores_are_distributions(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("Thanks again. Let me know by Monday, or I'll assume it's a no. Cheers!")
    for scores in [analysis.scores, *(s.scores for s in analysis.sentences)]:
        assert set(scores) == set(LABELS)
        assert math.isclose(sum(scores.values()), 1.0, abs_tol=1e-9)
    assert analysis.to_dict()["label"] == analysis.label


def test_statement_scores_follow_rule_5() -> None:
    calm = {"assertive": 0.9, "passive": 0.08, "aggressive": 0.02}
    pushy = {"assertive": 0.05, "passive": 0.05, "aggressive": 0.9}
    combined = statement_scores([calm, pushy])
    assert combined["aggressive"] >= pushy["aggressive"]
    assert combined["assertive"] <= min(calm["assertive"], pushy["assertive"])
    assert math.isclose(sum(combined.values()), 1.0)
    assert statement_scores([calm]) == pytest.approx(calm)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("?!...", "no words"),
        ("Muchas gracias por la entrevista, quedo atento a su respuesta.", "another language"),
        ("def close(self):\n    return self.offer", "code"),
        ("https://careers.example.com/jobs/123", "web address"),
        ("Thanks for today. " * 200, "characters"),
    ],
)
def test_text_that_is_not_a_closing_line_gets_a_reason_not_a_label(analyzer: Analyzer, text: str, reason: str) -> None:
    analysis = analyzer.analyze(text)
    assert analysis.label is None
    assert reason in (analysis.reason or "")
    assert analysis.text == text
    assert analysis.to_dict()["label"] is None


def test_the_language_identifier_reads_its_model_as_py3langid_does() -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from closer_tone.language import language_identifier

    theirs = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for text in [
        "Muchas gracias por la entrevista, quedo atento a su respuesta.",
        "Merci pour votre temps, j'attends votre retour avec impatience.",
        "Vielen Dank für das Gespräch, ich freue mich auf Ihre Rückmeldung.",
        "Tell HR I want a signed offer by Tuesday and not a day later.",
    ]:
        assert language_identifier().classify(text) == theirs.classify(text)


def test_cues_point_into_the_original_text(analyzer: Analyzer) -> None:
    text = "Thanks for the tour 😊. Sorry, I guess I rambled!!"
    analysis = analyzer.analyze(text)
    assert analysis.cues
    for cue in analysis.cues:
        assert text[cue.start : cue.end] == cue.text
        assert cue.tone in LABELS and cue.message


def test_pipe_keeps_order_and_matches_analyze(analyzer: Analyzer) -> None:
    texts = ["Call me by Friday.", "", "What are the next steps?", "Sorry, I guess that's it."] * 3
    piped = list(analyzer.pipe(texts, batch_size=5))
    assert [a.text for a in piped] == texts
    assert piped == [analyzer.analyze(text) for text in texts]


def test_a_brief_analysis_leaves_out_only_what_a_one_line_report_does_not_show(analyzer: Analyzer) -> None:
    texts = [
        "Sorry, I guess I'll just wait to hear back.",
        "Thanks, Priya! Call me by Friday.",
        "",
        "What's next?",
        "Thank you so much for today. Sorry, I guess I'll just wait. Sorry again for rambling, I hope that was okay.",
        "I guess I'll wait. I guess I'll just wait then. Sorry, I'll wait to hear back I suppose.",
    ]
    full = list(analyzer.pipe(texts))
    brief = list(analyzer.pipe(texts, brief=True, n_process=2))
    assert any(item.suggestion for analysis in full for item in analysis.checklist)
    assert not any(item.suggestion for analysis in brief for item in analysis.checklist)
    assert sum(len(s.rewrites) for a in brief for s in a.sentences) < sum(
        len(s.rewrites) for a in full for s in a.sentences
    )
    for whole, short in zip(full, brief, strict=True):
        assert short.rewrites == whole.rewrites and short.rewrite_note == whole.rewrite_note
        for sentence, kept in zip(whole.sentences, short.sentences, strict=True):
            assert bool(kept.rewrites) == bool(sentence.rewrites)
            assert kept.rewrites == sentence.rewrites[: len(kept.rewrites)]
        items = tuple(replace(item, suggestion=None) for item in whole.checklist)
        assert replace(whole, checklist=items, sentences=short.sentences) == short


def test_non_strings_are_a_value_error(analyzer: Analyzer) -> None:
    with pytest.raises(ValueError, match="string"):
        analyzer.analyze(b"bytes")  # type: ignore[arg-type]


def test_the_package_exports_analyze_without_importing_spacy_up_front() -> None:
    import subprocess
    import sys

    probe = "import closer_tone, sys; print('spacy' in sys.modules, 'sklearn' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "False"]


def test_package_level_analyze_returns_an_analysis() -> None:
    import closer_tone

    analysis = closer_tone.analyze("Could you share what the timeline looks like from here?")
    assert isinstance(analysis, closer_tone.Analysis)
    assert analysis.label == "assertive"


def test_one_analyzer_serves_several_threads(analyzer: Analyzer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [
        "Thanks for today, I'd love to hear about next steps.",
        "Decide by Friday or I walk.",
        "Sorry, I guess that's all I've got.",
        "Ok",
    ] * 10
    expected = [analyzer.analyze(text) for text in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(analyzer.analyze, texts)) == expected


def test_the_statement_label_is_the_most_severe_sentence_label(analyzer: Analyzer) -> None:
    from pathlib import Path

    from closer_tone.corpus import load_statements
    from closer_tone.tone import most_severe

    statements = load_statements(Path(__file__).resolve().parents[1] / "data" / "statements.jsonl")[::40]
    for analysis in analyzer.pipe([s.text for s in statements]):
        assert analysis.label == most_severe(sentence.label for sentence in analysis.sentences)


@pytest.mark.parametrize(
    "text",
    [
        "let me know what you decide",
        "return my call please",
        "Thanks :)",
        "Thank you (again).",
        "Hi [Name], thanks for today!",
        "ok",
        "Best, Keiko",
        "Tick tock, Ms. Ferreira.",
    ],
)
def test_ordinary_closing_lines_are_judged(analyzer: Analyzer, text: str) -> None:
    assert analyzer.analyze(text).label in LABELS


def test_curly_apostrophes_read_like_straight_ones(analyzer: Analyzer) -> None:
    curly = analyzer.analyze("I’ll just wait, I guess. I can’t wait forever though.")
    straight = analyzer.analyze("I'll just wait, I guess. I can't wait forever though.")
    assert [s.label for s in curly.sentences] == [s.label for s in straight.sentences]
    assert [c.rule for c in curly.cues] == [c.rule for c in straight.cues]
    assert any("’" in cue.text for cue in curly.cues), "cues quote the user's own characters"
    for cue in curly.cues:
        assert curly.text[cue.start : cue.end] == cue.text


def test_a_sentence_without_letters_is_not_judged(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze("Thanks for your time. ———")
    assert [s.text for s in analysis.sentences] == ["Thanks for your time."]
    assert analyzer.analyze("Thanks for your time.\n\n\n").sentences[0].text == "Thanks for your time."


def test_disabling_rules_hides_cues_but_keeps_the_verdict(analyzer: Analyzer) -> None:
    text = "Sorry, I guess I'll just wait to hear back."
    quiet = Analyzer(disable=["hedge", "apology.bare_sorry"])
    before, after = analyzer.analyze(text), quiet.analyze(text)
    assert after.scores == before.scores and after.label == before.label
    assert {c.rule for c in before.cues} - {c.rule for c in after.cues} >= {"hedge.i_guess", "apology.bare_sorry"}
    assert not [c for c in after.cues if c.rule.startswith("hedge.")]


def test_a_user_lexicon_adds_cues_with_its_own_message(analyzer: Analyzer, tmp_path) -> None:
    from tests.helpers import user_lexicon

    lexicon = user_lexicon(tmp_path)
    text = "Happy to circle back next week."
    mine = Analyzer(lexicons=[str(lexicon)]).analyze(text)
    assert [(c.text, c.message) for c in mine.cues if c.rule == "mine.circle_back"] == [
        ("circle back", "Say when you will follow up instead.")
    ]
    assert mine.scores == analyzer.analyze(text).scores


def test_an_unknown_rule_to_disable_is_an_error() -> None:
    from closer_tone.errors import LexiconError

    with pytest.raises(LexiconError, match="hedgehog"):
        Analyzer(disable=["hedgehog"])


def test_pipe_wants_an_iterable_of_texts(analyzer: Analyzer) -> None:
    with pytest.raises(ValueError, match="analyze"):
        list(analyzer.pipe("one text"))


def test_pipe_with_several_processes_gives_the_same_analyses_in_order(analyzer: Analyzer) -> None:
    texts = [
        "Thanks for today, Priya. I need an answer by Friday or I'm taking the Acme offer.",
        "",
        "Sorry, I guess I'll just wait to hear back.",
        "What are the next steps in the process?",
        "https://careers.example.com/jobs/123",
        "Send me the schedule tonight, I'm busy.",
        "I’ll just wait, I guess. I can’t wait forever though.",
    ]
    alone = [analysis.to_dict() for analysis in analyzer.pipe(texts, batch_size=2)]
    together = [analysis.to_dict() for analysis in analyzer.pipe(texts, batch_size=2, n_process=2)]
    assert together == alone
    assert [analysis["text"] for analysis in together] == texts


def test_pipe_streams_and_stopping_early_ends_its_processes(analyzer: Analyzer) -> None:
    import multiprocessing

    texts = (f"Thanks for today. Call me by Friday, number {n}." for n in range(10_000))
    piped = analyzer.pipe(texts, batch_size=4, n_process=2)
    assert next(piped).label == "aggressive"
    piped.close()
    assert not multiprocessing.active_children()
    assert sum(1 for _ in texts) > 9_000, "the pipe reads a few batches ahead, not every text"


def test_remembered_rewrite_checks_change_no_analysis(analyzer: Analyzer) -> None:
    text = "Sorry, I guess I'll just wait to hear back. Send me the schedule tonight, I'm busy."
    first = analyzer.analyze(text)
    assert analyzer._verdicts, "the verdicts on the rewrites checked are kept"
    assert analyzer.analyze(text) == first
    analyzer._verdicts.clear()
    assert analyzer.analyze(text) == first
