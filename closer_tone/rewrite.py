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

from closer_tone.mood import SOFTENERS

_DATE_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "tonight",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "eod", "noon",
}  # fmt: skip
_ROLE_NOUNS = {"role", "position", "job", "opening", "post", "spot", "opportunity", "vacancy"}
_GREETING = re.compile(
    r"^\s*((?i:hi|hello|hey|dear|good morning|good afternoon)(?:\s+(?:[A-Z][\w'-]*\.?|(?i:team|all)))?"
    r"(?:\s+[A-Z][\w'-]*){0,2}\s*[,!]\s*)"
)
_UNIT = r"(?:\s?[kK]\b|\s?/\s?(?:hr|hour|h|year|yr)\b|\s(?:an|per|a)\s(?:hour|year|month)\b)"
_AMOUNT = re.compile(rf"[$£€]\s?\d[\d,.]*{_UNIT}?|\d[\d,.]*{_UNIT}")
_TITLES = {"mr", "ms", "mrs", "miss", "dr", "prof", "mr.", "ms.", "mrs.", "dr."}


@dataclass(frozen=True)
class Candidate:
    text: str
    changes: tuple[str, ...]
    kept: int = 0  # how many of the line's names, numbers, dates, role and company it keeps


@dataclass(frozen=True)
class Details:
    """The line's own specifics that a phrasing carries over, each as written in the line."""

    greeting: str = ""
    name: str | None = None
    company: str | None = None
    rival: str | None = None  # the company of another offer, "" when the offer is named without one
    role: str | None = None
    date: str | None = None
    amount: str | None = None
    topic: str | None = None


@cache
def _data() -> dict[str, Any]:
    return json.loads(files("closer_tone").joinpath("rewrites.json").read_text(encoding="utf-8"))


def candidates(sentence: Span, cues: Sequence[Span]) -> list[Candidate]:
    """Rewrite candidates for one flagged sentence, most faithful first, each different from the sentence."""
    found: list[Candidate] = []
    for edited in (_edit(sentence, cues), _as_question(sentence), *_pruned(sentence, cues)):
        if edited:
            found.append(edited)
    details = extract_details(sentence, cues)
    wanted = intents(sentence, cues, details)
    if "thanks" in wanted and wanted[0] != "thanks":
        thanks = _phrasings("thanks", details)[0]
        rest = _phrasings(wanted[0], replace(details, greeting="", name=None))
        found += [Candidate(f"{thanks.text} {other.text}", thanks.changes + other.changes) for other in rest[:1]]
    for intent in wanted:
        found += _phrasings(intent, details)
    content = _key_content(sentence, details)
    unique: dict[str, Candidate] = {}
    for candidate in found:
        kept = sum(item in candidate.text for item in content)
        unique.setdefault(_key(candidate.text), replace(candidate, kept=kept))
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
            gone = list(range(cue.start, cue.end)) if _stands_apart(sentence, cue) else []
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
    marks = [t for t in sentence if not t.is_space]
    if marks and marks[-1].text == "?" and len(marks) > 1 and marks[-2].i in drop:
        drop.add(marks[-1].i)  # the question was the part cut ("..., is that ok?")
    shouting = any(cue.label_.startswith("shouting.") for cue in cues)
    kept = []
    for token in sentence:
        if token.i in drop or _repeated_mark(token):
            continue
        if _shouted(token) and shouting:
            kept.append(token.text.lower() + token.whitespace_)
            if "lowered capitals" not in changes:
                changes.append("lowered capitals")
        else:
            kept.append(token.text_with_ws)
    if any(_repeated_mark(token) for token in sentence):
        changes.append("calmed the punctuation")
    if not changes:
        return None
    text = tidy("".join(kept))
    if len(re.findall(r"[^\W\d_]+", text)) < 3:
        return None
    return Candidate(text, tuple(changes))


def _as_question(sentence: Span) -> Candidate | None:
    """'Send me the schedule tonight, I'm busy.' -> 'Could you send me the schedule?'

    An order to the interviewer becomes a request: the command's own clause, asked with 'could you', without
    its urgency ('please', 'right now', 'hurry up and') and without a clause after it that has its own subject.
    """
    doc = sentence.doc
    leading = [t for t in sentence if not t.is_punct and t.lower_ not in SOFTENERS]
    root = leading[0] if leading else sentence.root
    if root.tag_ != "VB" or any(child.dep_ in {"nsubj", "nsubjpass"} for child in root.children):
        return None
    end = sentence.end
    for token in doc[root.i : sentence.end]:
        if token.text in {",", ";", "-", "—"} and any(t.dep_ in {"nsubj", "nsubjpass"} for t in doc[token.i : end]):
            end = token.i
            break
    clause = doc[root.i : end]
    urgent = set(_hedge_words(clause, _data()["urgency_phrases"]))
    words = [t for t in clause if t.i not in urgent and (not t.is_punct or t.text == ",")]
    if len(words) < 2 or words[0].tag_ != "VB":
        return None
    body = "".join(t.text_with_ws for t in words).strip().rstrip(",")
    return Candidate(
        tidy(f"Could you {body[0].lower()}{body[1:]}", question=True), ("turned the order into a request",)
    )


def _pruned(sentence: Span, cues: Sequence[Span]) -> list[Candidate]:
    """Keep the clauses that carry no passive or aggressive cue, alone and followed by a next-step question.

    'I've emailed you three times now, Karen, so I assume you don't care.' keeps 'I've emailed you three
    times now, Karen' and drops the jab.
    """
    rules = sentence.doc.spans["closer_tone"].attrs["rules"] if "closer_tone" in sentence.doc.spans else {}
    flagged = [c for c in cues if rules.get(c.label_, {}).get("tone") not in (None, "assertive")]
    if not flagged:
        return []
    clauses, start = [], sentence.start
    for token in sentence:
        starts_clause = token.i + 1 < sentence.end and token.doc[token.i + 1].dep_ in {"nsubj", "nsubjpass", "expl"}
        if token.text in {",", ";", ":", "—"} or (token.lower_ in {"or", "so", "because"} and starts_clause):
            clauses.append((start, token.i))
            start = token.i + 1
    clauses.append((start, sentence.end))
    kept = [
        (a, b)
        for a, b in clauses
        if b > a and not any(c.start < b and c.end > a for c in flagged) and any(t.is_alpha for t in sentence.doc[a:b])
    ]
    if len(kept) == len(clauses) or not kept:
        return []
    text = ", ".join(sentence.doc[a:b].text.strip(" .!?") for a, b in kept)
    if len(re.findall(r"[^\W\d_]+", text)) < 3:
        return []
    change = ("dropped the part that pushed or undercut",)
    asked = tidy(text, question=False).rstrip(".") + ". What are the next steps from here?"
    asks = kept[-1] == clauses[-1] and sentence.text.rstrip().endswith("?")  # the question clause survived
    return [Candidate(tidy(text, question=asks), change), Candidate(asked, change)]


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


def _stands_apart(sentence: Span, cue: Span) -> bool:
    """A phrase can be cut whole only if punctuation or the sentence's edge bounds it on both sides."""
    doc = sentence.doc
    before = cue.start == sentence.start or doc[cue.start - 1].is_punct
    after = cue.end == sentence.end or doc[cue.end].is_punct
    return before and after


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
    text = re.sub(r"^(?:but|and|so|or)\b[,\s]*", "", text, flags=re.I)
    text = re.sub(r"[,;:]\s*([.!?])", r"\1", text)
    text = re.sub(r"([,;:])(\s*[,;:])+", r"\1", text)
    text = re.sub(r"\bi\b", "I", text)
    text = re.sub(r",(?=[^\W\d_])", ", ", text)
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
    if details.rival is not None:
        ordered.append("constraint")
    if details.amount:
        ordered.append("pay")
    if details.topic and {c.label_.split(".", 1)[0] for c in cues} & {"reassurance", "apology", "self_deprecation"}:
        ordered.append("clarify")
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


def extract_details(sentence: Span, cues: Sequence[Span] = ()) -> Details:
    greeting = _GREETING.match(sentence.text)
    rival = _rival(sentence, cues)
    return Details(
        greeting=greeting.group(1) if greeting else "",
        name=None if greeting else _vocative(sentence),
        company=_company(sentence),
        rival=rival,
        role=_role(sentence),
        date=_date(sentence),
        amount=_amount(sentence),
        topic=_topic(sentence),
    )


def _rival(sentence: Span, cues: Sequence[Span]) -> str | None:
    """The company of another offer the candidate holds ('' if unnamed), or None when there is none.

    Only 'another/other/competing offer', the other-offer cue, or a named offer beside an ultimatum or a
    deadline count: 'I'd love to get an offer' or 'thanks for the offer' is the offer being asked for.
    """
    families = {cue.label_.split(".", 1)[0] for cue in cues}
    labels = {cue.label_ for cue in cues}
    for token in sentence:
        if token.lemma_.lower() != "offer" or token.pos_ != "NOUN":
            continue
        doc = sentence.doc
        named = [child for child in token.children if child.pos_ == "PROPN"]
        after = token.i + 1  # "offer from Accenture", however the parser attached "from"
        if not named and after + 1 < sentence.end and doc[after].lower_ == "from":
            end = after + 1
            while end < sentence.end and doc[end].pos_ == "PROPN":
                end += 1
            named = list(doc[after + 1 : end])
        company = " ".join(t.text for t in named)
        modifiers = {child.lower_ for child in token.children}
        pressing = bool(families & {"ultimatum", "deadline", "demand", "pressure"})
        if modifiers & {"another", "other", "competing", "second", "rival"} or "constraint.other_offer" in labels:
            return company
        if company and pressing:
            return company
    return None


def _amount(sentence: Span) -> str | None:
    """The first sum named that is not a cut the candidate offers ('20k less', 'a cut of $5k')."""
    for match in _AMOUNT.finditer(sentence.text):
        before = sentence.text[max(0, match.start() - 12) : match.start()].lower()
        after = sentence.text[match.end() : match.end() + 6].lower()
        if not re.search(r"\b(cut|drop)\b", before) and not after.strip().startswith(("less", "lower", "cut")):
            return match.group(0)
    return None


def _vocative(sentence: Span) -> str | None:
    """A name said to the listener, set off by commas: 'Sorry, Ms Okafor, ...' or '..., Priya.'"""
    doc = sentence.doc
    for token in sentence:
        if token.pos_ != "PROPN" and token.lower_ not in _TITLES:
            continue
        start = token.i
        if start > sentence.start and not doc[start - 1].is_punct:
            continue
        end = start
        while end < sentence.end and (doc[end].pos_ == "PROPN" or doc[end].lower_ in _TITLES):
            end += 1
        if (
            end > start
            and (end == sentence.end or doc[end].is_punct)
            and doc[start:end].text.lower() not in _DATE_WORDS
        ):
            return doc[start:end].text
    return None


def _company(sentence: Span) -> str | None:
    """The employer, named after 'at', 'join' or 'joining', or as '<Name>'s' ('Northwind's backend team')."""
    doc = sentence.doc
    for token in sentence:
        if token.lower_ in {"at", "join", "joining"} and token.i + 1 < sentence.end:
            end = token.i + 1
            while end < sentence.end and (doc[end].pos_ == "PROPN" or (doc[end].text == "&" and end > token.i + 1)):
                end += 1
            name = doc[token.i + 1 : end].text
            if end > token.i + 1 and name.lower() not in _DATE_WORDS:
                return name
    for token in sentence:
        if token.pos_ == "PROPN" and token.i + 1 < sentence.end and doc[token.i + 1].text in {"'s", "’s"}:
            return token.text
    return None


def _role(sentence: Span) -> str | None:
    """'the night charge nurse position' from 'your night charge nurse position', as long as it names the job."""
    for chunk in sentence.noun_chunks:
        if chunk.root.lemma_.lower() in _ROLE_NOUNS:
            words = [t for t in chunk if t.pos_ not in {"PRON", "DET"}]
            if chunk[0].lower_ in {"my", "our"} or any(t.lower_ in {"current", "old", "last"} for t in chunk):
                continue
            if len(words) > 1:
                first = chunk[0].lower_
                if first in {"the", "a", "an", "this"}:
                    return first + chunk.text[len(first) :]
                return "the " + " ".join(t.text for t in words)
    return None


def _topic(sentence: Span) -> str | None:
    """What an answer or explanation was about: the noun phrase after 'about' or 'explained'."""
    for chunk in sentence.noun_chunks:
        head = chunk.root.head
        if chunk.root.dep_ in {"pobj", "dobj"} and head.lemma_.lower() in {"about", "explain", "explanation"}:
            if chunk.root.pos_ != "PRON" and chunk.root.lemma_.lower() not in _ROLE_NOUNS:
                words = chunk.text.split(" ", 1)
                if chunk[0].lower_ in {"my", "your", "our"} and len(words) > 1:
                    return f"the {words[1]}"
                return chunk.text if chunk[0].lower_ in {"the", "a", "an"} else f"the {chunk.text}"
    return None


def _date(sentence: Span) -> str | None:
    """The first day, date or deadline named, as written: 'Friday', 'the 14th', '9am Monday', 'end of day'."""
    doc = sentence.doc
    for token in sentence:
        end_of_day = token.lower_ == "day" and doc[max(sentence.start, token.i - 2) : token.i].text.lower() == "end of"
        if not (end_of_day or token.lower_ in _DATE_WORDS or re.fullmatch(r"\d{1,2}(st|nd|rd|th)", token.lower_)):
            continue
        start, end = token.i, token.i + 1
        while start - 1 >= sentence.start and doc[start - 1].lower_ in {"the", "this", "next", "end", "of"}:
            start -= 1
        if start - 2 >= sentence.start and doc[start - 1].lower_ in {"am", "pm"} and doc[start - 2].like_num:
            start -= 2  # spaCy splits "9am Monday" into "9", "am", "Monday"
        elif start - 1 >= sentence.start and re.fullmatch(r"\d{1,2}(:\d\d)?(am|pm)", doc[start - 1].lower_):
            start -= 1
        if end < sentence.end and doc[end].like_num:
            end += 1
        elif end + 1 < sentence.end and doc[end].lower_ == "at" and doc[end + 1].like_num:
            end += 2
        elif end + 2 <= sentence.end and doc[end].text == "," and doc[end + 1].lower_ in _DATE_WORDS:
            end += 2 + (end + 2 < sentence.end and doc[end + 2].like_num)
        text = doc[start:end].text
        return text.title() if text.isupper() and len(text) > 3 else text
    return None


def suggestion(intent: str, details: Details) -> str:
    """The first phrasing for an intent, in the line's own context: a line to add to a close that lacks it."""
    return _phrasings(intent, details)[0].text


def _on(date: str | None) -> str:
    if not date:
        return ""
    if date.lower() in {"today", "tonight", "tomorrow"}:
        return f" {date}"
    return f" at {date}" if _is_time(date) else f" on {date}"


def _is_time(date: str) -> bool:
    return date.lower() in {"noon", "eod", "midnight", "end of day"} or bool(re.search(r"\d\s?(am|pm)$", date.lower()))


def _phrasings(intent: str, details: Details) -> list[Candidate]:
    values = {
        "hello": details.greeting or (f"{details.name}, " if details.name else ""),
        "known_role": details.role or "",
        "role": details.role or "this role",
        "at": f" at {details.company}" if details.company else "",
        "from": f" from {details.rival}" if details.rival else "",
        "by": f" by {details.date}" if details.date else "",
        "on": _on(details.date),
        "amount": details.amount or "",
        "topic": details.topic or "",
    }
    found = []
    for phrasing in _data()["phrasings"].get(intent, []):
        if phrasing.get("needs") and not values[phrasing["needs"]]:
            continue
        text = phrasing["text"].format(**values)
        hello = values["hello"]
        if hello:
            rest = text[len(hello) :]
            if rest[:2] != "I " and rest[:2] != "I'":
                text = hello + rest[:1].lower() + rest[1:]
        found.append(Candidate(tidy(text, question=text.rstrip().endswith("?")), (phrasing["change"],)))
    return found


def tidy_statement(text: str) -> str:
    """A rewritten statement with single spaces; the spacing between sentences is the candidate's own."""
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _key_content(sentence: Span, details: Details) -> list[str]:
    """The specifics a rewrite should keep: names, numbers, days and dates, the role, the company."""
    found = [t.text for t in sentence if t.pos_ == "PROPN" or any(c.isdigit() for c in t.text)]
    found += [value for value in (details.name, details.company, details.role, details.date, details.amount) if value]
    return list(dict.fromkeys(found))
