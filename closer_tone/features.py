"""Pure functions from a parsed sentence and its cues to a flat, named feature dict.

The names carry meaning a person can read (`mood.imperative`, `subject.you`, `cue.family.deadline`), so the
same dict feeds the classifier, the notebook and explanations. Features describe what the sentence does
(mood, who acts on whom, modality, deference, deadlines) more than which words it uses; the words themselves
reach the model separately, as lemma n-grams.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from spacy.tokens import Span

from closer_tone.mood import is_imperative, is_question


@dataclass(frozen=True)
class SentenceInput:
    """A sentence as the classifier reads it: its text, its lemmas (names and numbers as placeholders), features."""

    text: str
    lemmas: str
    features: dict[str, float]


MODALS = ("can", "could", "will", "would", "shall", "should", "may", "might", "must")
_CONTRACTED_MODALS = {
    "'ll": "will",
    "’ll": "will",
    "'d": "would",
    "’d": "would",
    "ca": "can",
    "wo": "will",
    "sha": "shall",
}


def sentence_features(
    sentence: Span, cues: Sequence[Span], rules: Mapping[str, Mapping[str, object]]
) -> dict[str, float]:
    """Everything the classifier knows about one sentence beyond its lemmas."""
    features: dict[str, float] = {}
    features.update(cue_features(cues, rules))
    features.update(mood_features(sentence))
    features.update(subject_features(sentence))
    features.update(modal_features(sentence))
    features.update(surface_features(sentence))
    return features


def cue_features(cues: Sequence[Span], rules: Mapping[str, Mapping[str, object]]) -> dict[str, float]:
    """Counts per cue family and weighted sums per tone; a family seen twice counts twice."""
    features: dict[str, float] = {}
    for cue in cues:
        rule = rules[cue.label_]
        family = cue.label_.split(".", 1)[0]
        _add(features, f"cue.family.{family}", 1.0)
        _add(features, f"cue.tone.{rule['tone']}", float(rule["weight"]))  # type: ignore[arg-type]
    return features


def mood_features(sentence: Span) -> dict[str, float]:
    """Question, imperative or declarative, from word order in the parse and the final punctuation."""
    root = sentence.root
    if is_question(sentence):
        mood = "question"
    elif is_imperative(sentence, root):
        mood = "imperative"
    elif root.pos_ in {"VERB", "AUX"}:
        mood = "declarative"
    else:
        mood = "fragment"
    features = {f"mood.{mood}": 1.0}
    if any(token.dep_ == "neg" for token in sentence):
        features["negation"] = 1.0
    if any(token.lower_ == "please" for token in sentence):
        features["please"] = 1.0
    return features


def subject_features(sentence: Span) -> dict[str, float]:
    """Who acts, and on whom: the person of the main clause's subject and whether 'me' is acted on."""
    root = sentence.root
    subjects = [child for child in root.children if child.dep_ in {"nsubj", "nsubjpass"}]
    features: dict[str, float] = {}
    person = "none"
    if subjects:
        word = subjects[0].lower_
        person = "i" if word in {"i", "we"} else "you" if word == "you" else "other"
    features[f"subject.{person}"] = 1.0
    if any(token.lower_ == "me" and token.dep_ in {"dobj", "dative", "pobj", "nsubj"} for token in sentence):
        features["object.me"] = 1.0
    obliged = root.lemma_ in {"need", "have", "must"} or any(child.tag_ == "MD" for child in root.children)
    if person == "you" and obliged:
        features["subject.you.modal"] = 1.0
    return features


def modal_features(sentence: Span) -> dict[str, float]:
    features: dict[str, float] = {}
    for token in sentence:
        if token.tag_ == "MD":
            modal = _CONTRACTED_MODALS.get(token.lower_, token.lower_)
            if modal in MODALS:
                features[f"modal.{modal}"] = 1.0
    return features


def surface_features(sentence: Span) -> dict[str, float]:
    """Punctuation, capitals and length: how the sentence looks, kept few and coarse."""
    text = sentence.text
    letters = [char for char in text if char.isalpha()]
    caps_words = [token for token in sentence if token.is_upper and len(token) >= 2 and token.is_alpha]
    words = [token for token in sentence if not token.is_punct and not token.is_space]
    features = {
        "punct.exclamation": float(text.count("!")),
        "punct.question": float(text.count("?")),
        "punct.repeated": float("!!" in text or "??" in text or "?!" in text or "!?" in text),
        "punct.ellipsis": float("..." in text or "…" in text),
        "caps.share": sum(char.isupper() for char in letters) / len(letters) if letters else 0.0,
        "caps.words": float(len(caps_words)),
        "length.log_words": math.log1p(len(words)),
        "lowercase.start": float(bool(letters) and text.lstrip()[:1].islower()),
    }
    return {name: value for name, value in features.items() if value}


def _add(features: dict[str, float], name: str, value: float) -> None:
    features[name] = features.get(name, 0.0) + value
