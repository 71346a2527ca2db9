"""Sentence features from the parse: mood, who acts on whom, modals, and how the sentence looks."""

from __future__ import annotations

import pytest
from spacy.language import Language

from closer_tone.parse import load_nlp, sentence_input


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def features(nlp: Language, text: str) -> dict[str, float]:
    doc = nlp(text)
    return sentence_input(doc[:]).features


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("Call me by Friday.", "imperative"),
        ("Please send the offer letter tonight.", "imperative"),
        ("So just make me an offer.", "imperative"),
        ("What are the next steps?", "question"),
        ("so when do i start", "question"),
        ("Could you share the timeline", "question"),
        ("I'd love to hear about the next steps.", "declarative"),
        ("Thank you for your time.", "declarative"),
        ("Is there anything that gives you pause", "question"),
        ("I was wondering about the timeline.", "declarative"),
        ("You need to decide today.", "declarative"),
    ],
)
def test_mood(nlp: Language, text: str, mood: str) -> None:
    found = [name for name in features(nlp, text) if name.startswith("mood.")]
    assert found == [f"mood.{mood}"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You need to decide today.", {"subject.you", "subject.you.modal"}),
        ("You must call me back.", {"subject.you", "subject.you.modal", "object.me"}),
        ("I guess I will wait.", {"subject.i", "modal.will"}),
        ("The team seemed great.", {"subject.other"}),
        ("Send me the contract.", {"subject.none", "object.me"}),
    ],
)
def test_who_acts_on_whom(nlp: Language, text: str, expected: set[str]) -> None:
    names = set(features(nlp, text))
    assert expected <= names
    assert len({name for name in names if name.startswith("subject.") and name != "subject.you.modal"}) == 1


def test_contracted_modals_are_named_in_full(nlp: Language) -> None:
    names = set(features(nlp, "I'd love that, and I'll follow up, but I can't wait forever."))
    assert {"modal.would", "modal.will", "modal.can", "negation"} <= names


def test_shouting_and_punctuation(nlp: Language) -> None:
    loud = features(nlp, "I WANT THIS JOB!!!")
    calm = features(nlp, "I want this job.")
    assert loud["caps.words"] == 3 and loud["punct.repeated"] == 1 and loud["punct.exclamation"] == 3
    assert "caps.words" not in calm and "punct.exclamation" not in calm
    assert loud["caps.share"] > 0.9 > calm.get("caps.share", 0)


def test_cue_families_are_counted_with_their_tone(nlp: Language) -> None:
    found = features(nlp, "Sorry, I guess I'll just wait to hear back.")
    assert found["cue.family.hedge"] >= 2
    assert found["cue.tone.passive"] >= found["cue.family.hedge"]
    assert not any(name.startswith("cue.tone.aggressive") for name in found)


def test_lemmas_fold_inflections(nlp: Language) -> None:
    doc = nlp("She called twice and calls again")
    assert sentence_input(doc[:]).lemmas.split().count("call") == 2
