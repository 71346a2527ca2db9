"""Sentence mood from the parse: is it a question, a command, or neither.

Shared by the features (the model's `mood.*`) and by cue rules that only count inside a question.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

SOFTENERS = frozenset({"please", "so", "just", "and", "but", "now", "ok", "okay", "well", "then", "also"})
_WH_WORDS = frozenset({"what", "when", "where", "who", "whom", "which", "why", "how"})


def is_question(sentence: Span) -> bool:
    """A '?' near the end, a wh-word with an auxiliary, or an inverted auxiliary and subject ('could you')."""
    if any(token.text == "?" for token in sentence[-3:]):
        return True
    words = [token for token in sentence if not token.is_punct and not token.is_space and token.lower_ not in SOFTENERS]
    if len(words) < 2:
        return False
    first, second = words[0], words[1]
    if first.lower_ in _WH_WORDS:
        return any(token.pos_ == "AUX" or token.tag_ == "MD" for token in words[1:3])
    inverted = first.tag_ == "MD" or (first.pos_ == "AUX" and first.dep_ in {"aux", "ROOT"})
    return inverted and second.dep_ in {"nsubj", "nsubjpass", "expl"}


def is_imperative(sentence: Span, root: Token) -> bool:
    """A base-form root verb with no subject, first in its sentence but for softeners like 'please' or 'so'."""
    if root.tag_ != "VB" or any(child.dep_ in {"nsubj", "nsubjpass", "expl"} for child in root.children):
        return False
    for token in sentence:
        if token.is_punct or token.is_space:
            continue
        if token.i == root.i:
            return True
        if token.lower_ not in SOFTENERS and token.dep_ not in {"intj", "advmod"}:
            return False
    return False
