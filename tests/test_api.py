"""Analyzer: sentence offsets, rule 5 for the statement, scores, and input errors."""

from __future__ import annotations

import math

import pytest

from closer_tone.api import Analyzer, statement_scores
from closer_tone.errors import EmptyTextError
from closer_tone.tone import LABELS


def test_sentences_carry_offsets_into_the_original_text(analyzer: Analyzer) -> None:
    text = "  Thank you for the tour, Priya!  What does onboarding look like for new nurses?"
    analysis = analyzer.analyze(text)
    assert len(analysis.sentences) == 2
    for sentence in analysis.sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_statement_takes_the_most_severe_sentence(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze(
        "Thanks for walking me through the role today. "
        "Sorry, I know I rambled, I'm sure you have better people anyway."
    )
    assert [s.label for s in analysis.sentences] == ["assertive", "passive"]
    assert analysis.label == "passive"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("I guess I'll just wait to hear back, sorry for rambling.", "passive"),
        ("I need an answer by Friday or I'm taking the other offer.", "aggressive"),
        ("What are the next steps, and when should I expect to hear from you?", "assertive"),
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


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_an_error(analyzer: Analyzer, text: str) -> None:
    with pytest.raises(EmptyTextError, match="E201"):
        analyzer.analyze(text)


def test_non_strings_are_a_value_error(analyzer: Analyzer) -> None:
    with pytest.raises(ValueError, match="string"):
        analyzer.analyze(b"bytes")  # type: ignore[arg-type]
