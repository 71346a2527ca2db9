"""Assertive rewrite candidates for a passive or aggressive sentence, built from its parse and its cues.

Two kinds, most faithful first: edits that delete what made the sentence passive or aggressive (hedges,
needless permission, stray apologies, shouting) and keep every other word; then phrasings chosen by what the
sentence is trying to do (thank, ask about timing, state a constraint, follow up...), filled with the line's
own greeting, role, company, day and amount. What to delete and how to phrase is data
(`closer_tone/rewrites.json`). Nothing here decides what is shown: the Analyzer shows a candidate only once
the classifier judges it assertive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib.resources import files
from typing import Any

from spacy.tokens import Span, Token

_DATE_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "tonight",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "eod", "noon",
}  # fmt: skip
_ROLE_NOUNS = {"role", "position", "job", "opening", "post", "spot", "opportunity", "vacancy"}
_GREETING = re.compile(r"^\s*((?:hi|hello|hey|dear|good morning|good afternoon)\b[^,.!?]{0,40}[,!]\s*)", re.I)
_AMOUNT = re.compile(r"[$£€]\s?\d[\d,.]*\s?[kK]?|\d[\d,.]*\s?(?:k|K|/hr|/hour| an hour| per hour| a year)\b")


@dataclass(frozen=True)
class Candidate:
    text: str
    changes: tuple[str, ...]


@dataclass(frozen=True)
class Details:
    """The line's own specifics that a phrasing carries over, each as written in the line."""

    greeting: str = ""
    company: str | None = None
    role: str | None = None
    date: str | None = None
    amount: str | None = None


@cache
def _data() -> dict[str, Any]:
    return json.loads(files("closer_tone").joinpath("rewrites.json").read_text(encoding="utf-8"))


def candidates(sentence: Span, cues: Sequence[Span]) -> list[Candidate]:
    """Rewrite candidates for one flagged sentence, most faithful first, each different from the sentence."""
    found: list[Candidate] = []
    edited = _edit(sentence, cues)
    if edited:
        found.append(edited)
    details = extract_details(sentence)
    wanted = intents(sentence, cues, details)
    if "thanks" in wanted and wanted[0] != "thanks":
        thanks = _phrasings("thanks", details)[0]
        rest = _phrasings(wanted[0], replace(details, greeting=""))
        found += [Candidate(f"{thanks.text} {other.text}", thanks.changes + other.changes) for other in rest[:1]]
    for intent in wanted:
        found += _phrasings(intent, details)
    unique: dict[str, Candidate] = {}
    for candidate in found:
        unique.setdefault(_key(candidate.text), candidate)
    return [c for key, c in unique.items() if key != _key(sentence.text)]


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


# --- edits ---------------------------------------------------------------------------------------------------


def _edit(sentence: Span, cues: Sequence[Span]) -> Candidate | None:
    """Delete what can go (with a comma hanging off it), lower shouted words, calm piled-up marks."""
    data = _data()
    drop: set[int] = set()
    changes: list[str] = []
    for cue in cues:
        family = cue.label_.split(".", 1)[0]
        if _carries_the_sentence(sentence, cue):
            continue
        if cue.label_ in data["delete_span"] or family in data["delete_span"]:
            gone = list(range(cue.start, cue.end))
        elif family in {"hedge", "minimizer"}:
            gone = _hedge_words(cue, data["delete_phrases"])
        else:
            continue
        if not gone:
            continue
        drop.update(gone)
        after = gone[-1] + 1
        if after < sentence.end and cue.doc[after].text == ",":
            drop.add(after)
        contiguous = gone == list(range(gone[0], gone[-1] + 1))
        words = cue.doc[gone[0] : gone[-1] + 1].text if contiguous else " ".join(cue.doc[i].text for i in gone)
        changes.append(f"removed {data['span_names'].get(family, family)} '{words}'")
    kept = []
    for token in sentence:
        if token.i in drop or _repeated_mark(token):
            continue
        if _shouted(token):
            kept.append(token.text.lower() + token.whitespace_)
            if "lowered capitals" not in changes:
                changes.append("lowered capitals")
        else:
            kept.append(token.text_with_ws)
    if any(_repeated_mark(token) for token in sentence):
        changes.append("calmed the punctuation")
    if not changes:
        return None
    text = tidy("".join(kept), question=any(token.text == "?" for token in sentence))
    if len(re.findall(r"[^\W\d_]+", text)) < 3:
        return None
    return Candidate(text, tuple(changes))


def _hedge_words(cue: Span, phrases: list[str]) -> list[int]:
    """The token indices of deletable hedge phrases inside a cue ('just' in 'just wait', all of 'I guess')."""
    tokens = [t.lower_ for t in cue]
    gone: list[int] = []
    for phrase in sorted(phrases, key=len, reverse=True):
        words = phrase.split()
        for start in range(len(tokens) - len(words) + 1):
            if tokens[start : start + len(words)] == words and not set(range(start, start + len(words))) & set(gone):
                gone += [cue.start + start + k for k in range(len(words))]
    return sorted(gone)


def _carries_the_sentence(sentence: Span, cue: Span) -> bool:
    """A cue that is most of its sentence ("Does that make sense?") cannot be cut; the sentence is the cue."""
    words = [t for t in sentence if not t.is_punct]
    return len([t for t in cue if not t.is_punct]) >= 0.6 * max(1, len(words))


def _shouted(token: Token) -> bool:
    return token.is_upper and token.is_alpha and len(token) >= 3


def _repeated_mark(token: Token) -> bool:
    """The second and later marks of '!!', '??' or '?!'."""
    if token.text not in {"!", "?"} or token.i == 0:
        return False
    previous = token.doc[token.i - 1]
    return previous.text in {"!", "?"} and not previous.whitespace_


def tidy(text: str, question: bool = False) -> str:
    """Single spaces, no space before punctuation, a capital first letter, one closing mark."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    text = re.sub(r"^[,;:\s]+|[,;:\s]+$", "", text)
    text = re.sub(r"[,;:]\s*([.!?])", r"\1", text)
    text = re.sub(r"([,;:])(\s*[,;:])+", r"\1", text)
    text = re.sub(r"\bi\b", "I", text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".!?":
        text += "?" if question else "."
    return text


# --- intents and phrasings -----------------------------------------------------------------------------------


def intents(sentence: Span, cues: Sequence[Span], details: Details) -> list[str]:
    """What the sentence is trying to do, most likely first: its cues, then its words; next steps always last."""
    data = _data()
    ordered: list[str] = []
    families = {cue.label_.split(".", 1)[0] for cue in cues}
    lemmas = {token.lemma_.lower() for token in sentence}
    if "offer" in lemmas and families & {"ultimatum", "constraint", "deadline", "demand", "pressure"}:
        ordered.append("constraint")
    if details.amount:
        ordered.append("pay")
    for cue in cues:
        intent = data["intent_by_family"].get(cue.label_.split(".", 1)[0])
        if intent and intent not in ordered:
            ordered.append(intent)
    for token in sentence:
        intent = data["intent_by_lemma"].get(token.lemma_.lower())
        if intent and intent not in ordered:
            ordered.append(intent)
    priority = data["intent_priority"]
    ordered = sorted((intent for intent in ordered if intent != "next_step"), key=priority.index)
    return [*ordered[:3], "next_step"]


def extract_details(sentence: Span) -> Details:
    greeting = _GREETING.match(sentence.text)
    amount = _AMOUNT.search(sentence.text)
    return Details(
        greeting=greeting.group(1) if greeting else "",
        company=_company(sentence),
        role=_role(sentence),
        date=_date(sentence),
        amount=amount.group(0) if amount else None,
    )


def _company(sentence: Span) -> str | None:
    """A name after 'at', 'from', 'with' or 'join', or before 'offer' ('the Acme offer')."""
    doc = sentence.doc
    for token in sentence:
        if token.lemma_.lower() == "offer" and token.i - 1 >= sentence.start and doc[token.i - 1].pos_ == "PROPN":
            start = token.i - 1
            while start - 1 >= sentence.start and doc[start - 1].pos_ == "PROPN":
                start -= 1
            return doc[start : token.i].text
    for token in sentence:
        if token.lower_ in {"at", "from", "with", "join", "joining"} and token.i + 1 < sentence.end:
            end = token.i + 1
            while end < sentence.end and doc[end].pos_ == "PROPN":
                end += 1
            if end > token.i + 1:
                return doc[token.i + 1 : end].text
    return None


def _role(sentence: Span) -> str | None:
    """'the night charge nurse position' from 'your night charge nurse position', as long as it names the job."""
    for chunk in sentence.noun_chunks:
        if chunk.root.lemma_.lower() in _ROLE_NOUNS:
            words = [t for t in chunk if t.pos_ not in {"PRON", "DET"}]
            if len(words) > 1:
                return "the " + " ".join(t.text for t in words)
    return None


def _date(sentence: Span) -> str | None:
    """The first day or date named, as written ('Friday', 'the 14th', 'June 3', 'end of the week')."""
    doc = sentence.doc
    for token in sentence:
        if token.lower_ in _DATE_WORDS or re.fullmatch(r"\d{1,2}(st|nd|rd|th)", token.lower_):
            start, end = token.i, token.i + 1
            while start - 1 >= sentence.start and doc[start - 1].lower_ in {"the", "this", "next", "end", "of"}:
                start -= 1
            if end < sentence.end and doc[end].like_num:
                end += 1
            return doc[start:end].text
    return None


def suggestion(intent: str, details: Details) -> str:
    """The first phrasing for an intent, in the line's own context: a line to add to a close that lacks it."""
    return _phrasings(intent, details)[0].text


def _phrasings(intent: str, details: Details) -> list[Candidate]:
    values = {
        "hello": details.greeting,
        "role": details.role or "this role",
        "at": f" at {details.company}" if details.company else "",
        "from": f" from {details.company}" if details.company else "",
        "by": f" by {details.date}" if details.date else "",
        "on": f" on {details.date}" if details.date else "",
        "amount": details.amount or "",
    }
    found = []
    for phrasing in _data()["phrasings"].get(intent, []):
        if phrasing.get("needs") and not values[phrasing["needs"]]:
            continue
        text = phrasing["text"].format(**values)
        if details.greeting:
            rest = text[len(details.greeting) :]
            if rest[:2] != "I " and rest[:2] != "I'":
                text = details.greeting + rest[:1].lower() + rest[1:]
        found.append(Candidate(tidy(text, question=text.rstrip().endswith("?")), (phrasing["change"],)))
    return found


def tidy_statement(text: str) -> str:
    """A rewritten statement with single spaces and a space after each sentence's closing mark."""
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"([.!?])(?=[A-Z])", r"\1 ", text)
    return text.strip()
