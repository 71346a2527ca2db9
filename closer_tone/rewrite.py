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
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

from spacy.tokens import Span, Token

from closer_tone.mood import SOFTENERS
from closer_tone.spans import listed

_DATE_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "tonight",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "eod", "noon",
}  # fmt: skip
_END_OF = {"the", "business", "day", "week", "month", "play", "shift"}  # 'end of business', 'the end of the week'
_MONTHS = {
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"
}  # fmt: skip
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
    who: str | None = None  # someone named in the third person the candidate expects to hear from ('Ms Reyes')
    deadline: str | None = None  # a deadline with its preposition: 'by Thursday night', 'within 48 hours'
    waited: str | None = None  # how long the candidate has waited: 'three weeks'
    fact: str | None = None  # a fact the candidate states about themself: 'I managed 40 people'
    record: str | None = None  # the same as a noun phrase: 'my two years as a nanny'
    skill: str | None = None  # a named tool or skill: 'Unreal Engine'
    met: str | None = None  # the day of the interview being thanked for: 'Tuesday' in 'thanks for Tuesday's interview'
    perk: str | None = None  # a sum named with what it pays for: 'the $3k signing bonus'
    others: str | None = None  # other employers in play, unnamed: 'three other companies'
    courting: str | None = None  # another employer the line says wants the candidate: 'before Deloitte does'
    doubted: str | None = None  # what the candidate doubts they can do, with its preposition: 'on the Saturday stall'
    horizon: str | None = None  # a stretch of time ahead, with its preposition: 'within six months'
    level: str | None = None  # a level or title the line asks for: 'senior' in 'bumping the title to senior'
    floor: str | None = None  # a level the line says the candidate is above: 'overqualified for Associate'
    paid: str | None = None  # what the line asks to be paid for, with no sum: 'Saturday' in 'pay me for Saturday'
    spent: str | None = None  # time the candidate gave to the interview: 'three hours' in 'the three hours I gave you'
    taking: str | None = None  # how long the line says the decision may take: 'another month' in 'take another month'
    moving: str | None = None  # where the job would move the candidate: 'Tulsa' in 'not moving to Tulsa for less'
    least: str | None = None  # pay set by what the candidate earns now: 'at least what I'm making in Austin'
    claimed: str | None = None  # the job the line says the candidate already is: 'you've found your architect'


@cache
def _data() -> dict[str, Any]:
    return json.loads(files("closer_tone").joinpath("rewrites.json").read_text(encoding="utf-8"))


def candidates(sentence: Span, cues: Sequence[Span]) -> list[Candidate]:
    """Rewrite candidates for one flagged sentence, most faithful first, each different from the sentence."""
    sentence = listed(sentence)
    found: list[Candidate] = []
    chunks = list(sentence.noun_chunks)  # walked once: several details and the content count read them
    details = extract_details(sentence, cues, chunks)
    wanted = intents(sentence, cues, details)
    for edited in (_edit(sentence, cues), _own_step(sentence, cues), *_as_question(sentence)):
        if edited:
            found.append(edited)
    if "thanks" in wanted and wanted[0] != "thanks":
        thanks = _phrasings("thanks", details)[0]
        carried = {"role": None} if details.role and details.role in thanks.text else {}
        carried |= {"company": None} if details.company and details.company in thanks.text else {}
        rest = _phrasings(wanted[0], replace(details, greeting="", name=None, **carried))
        found += [Candidate(f"{thanks.text} {other.text}", thanks.changes + other.changes) for other in rest[:1]]
    for intent in wanted:
        found += _phrasings(intent, details)
    found += _pruned(sentence, cues, wanted[0])  # after the phrasings: shown first only when it keeps more
    content = [(item, set(_WORD.findall(item.lower()))) for item in _key_content(sentence, details, chunks)]
    unique: dict[str, Candidate] = {}
    for candidate in found:
        held = set().union(*(words for item, words in content if item in candidate.text))
        kept = len(held - _PLAIN)  # how many of the words of the line's details it keeps
        unique.setdefault(_key(candidate.text), replace(candidate, kept=kept))
    return [c for key, c in unique.items() if key != _key(sentence.text)]


_WORD = re.compile(r"\w+")
_PLAIN = {"the", "a", "an", "by", "on", "at", "of", "in", "my", "your", "role", "for", "to", "this", "i"}


def _own_step(sentence: Span, cues: Sequence[Span]) -> Candidate | None:
    """Leave asked for the candidate's own next step, stated instead: 'Is it okay if I follow up next week?' ->
    'I'd like to follow up next week.' (the candidate's own next step is assertive); the step ends at the end of
    its clause or where another cue begins ('..., or would that be annoying?')."""
    asking = next((c for c in cues if c.label_ == "permission.if_okay" and c.start == sentence.start), None)
    doc = sentence.doc
    if asking is None or asking[-1].lower_ != "if" or asking.end + 2 > sentence.end:
        return None
    subject, verb = doc[asking.end], doc[asking.end + 1]
    if subject.lower_ != "i" or verb.pos_ != "VERB" or verb.head != verb and verb.head.i >= asking.end:
        return None
    stops = [c.start for c in cues if c.start > verb.i] + [t.i for t in doc[verb.i : sentence.end] if t.is_punct]
    end = min([verb.right_edge.i + 1, *stops])
    step = doc[verb.i + 1 : end].text
    phrasing = _data()["own_step"]
    return Candidate(tidy(phrasing["text"].format(step=f"{verb.lemma_} {step}")), (phrasing["change"],))


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


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
            gone = _hedge_words(cue, "delete_phrases")
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


def _as_question(sentence: Span) -> list[Candidate]:
    """'Send me the schedule tonight, I'm busy.' -> 'Could you send me the schedule?'

    An order to the interviewer becomes a request: the command's own clause, asked with 'could you', without
    its urgency ('please', 'right now', 'hurry up and') and without a clause after it that has its own subject
    (after a comma, a dash or 'and': 'Sign me up for the Dallas office and I'll handle the rest').
    When the urgency words named the day ('today', 'tonight'), the request keeps the day, and a second one
    goes without it. A demand put as the candidate's need is asked the same way: 'I'll need you to confirm the
    4-day week in writing before I even consider this.' -> 'Could you confirm the 4-day week in writing?'
    """
    doc = sentence.doc
    leading = [t for t in sentence if not t.is_punct and t.lower_ not in SOFTENERS]
    root = _asked_of_you(sentence) or (leading[0] if leading else sentence.root)
    if root.tag_ != "VB" or any(c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ != "you" for c in root.children):
        return []
    end = sentence.end
    cuts = set(_data()["consequence_words"]) | {"before", "until", "unless"}
    for token in doc[root.i + 1 : sentence.end]:
        own = token.i + 1 < sentence.end and doc[token.i + 1].dep_ in {"nsubj", "nsubjpass", "expl"}
        dash = token.text == "-" and bool(doc[token.i - 1].whitespace_)  # not the '-' of '4-day'
        dated = token.text == "," and _is_date(doc[token.i - 1].text) and doc[token.i + 1].lower_ in _MONTHS
        after = any(t.dep_ in {"nsubj", "nsubjpass"} for t in doc[token.i : end])
        if (token.text in {",", ";", "—"} or dash) and after and not dated:
            end = token.i
            break
        if token.lower_ in cuts and (own or doc[min(token.i + 1, sentence.end - 1)].tag_ == "VB"):
            end = token.i  # '... so I can review it before I accept', '... or forget it'
            break
        if token.lower_ == "and" and own:
            end = token.i  # '... and I'll handle the rest' is the candidate's part, not the request
            break
    clause = doc[root.i : end]
    urgent = set(_hedge_words(clause, "urgency_phrases"))
    days = {t.i for t in clause if t.i in urgent and _is_date(t.text)}
    found = []
    for gone in (urgent - days, urgent) if days else (urgent,):
        words = [t for t in clause if t.i not in gone and t.text not in {".", "!", "?", ";", ":", "...", "…"}]
        if len(words) < 2 or words[0].tag_ != "VB":
            return []
        body = "".join(t.text_with_ws for t in words).strip().rstrip(",")
        text = tidy(f"Could you {body[0].lower()}{body[1:]}", question=True)
        found.append(Candidate(text, ("turned the order into a request",)))
    return found


def _asked_of_you(sentence: Span) -> Token | None:
    """The verb of a demand put as the candidate's own need: 'confirm' in 'I'll need you to confirm ...'."""
    for token in sentence:
        if token.lemma_.lower() not in _words("demand_lemmas"):
            continue
        if not any(c.dep_ == "nsubj" and c.lower_ == "i" for c in token.children):
            continue
        for verb in token.children:
            you = [c for c in verb.children if c.dep_ == "nsubj" and c.lower_ == "you"]
            if verb.dep_ in {"ccomp", "xcomp"} and verb.tag_ == "VB" and you and you[0].i == verb.i - 2:
                return verb
    return None


def _pruned(sentence: Span, cues: Sequence[Span], intent: str = "next_step") -> list[Candidate]:
    """The sentence's own clauses that carry its facts, without the ones that push or undercut, then a question.

    A clause goes when a passive or aggressive cue in it cannot be deleted on its own (hedge words inside a kept
    clause are deleted), when it only defers ('if you needed', 'I guess', 'do you think'), when it comes before a
    'but' that follows such a cue ('Sorry, I don't mean to be pushy, but did you get my references?'), and when
    nothing else went, from the first consequence on ('..., so you'd better not back out now'). What is left is
    offered alone and followed by a question for the line's intent: 'I've emailed you three times now, Karen. Is
    there any update on the timeline?'
    """
    data = _data()
    doc = sentence.doc
    rules = doc.spans["closer_tone"].attrs["rules"] if "closer_tone" in doc.spans else {}
    flagged = [c for c in cues if rules.get(c.label_, {}).get("tone") not in (None, "assertive")]
    deletable: set[int] = set()
    for cue in flagged:
        if cue.label_.split(".", 1)[0] in {"hedge", "minimizer"}:
            deletable.update(_hedge_words(cue, "delete_phrases"))
    stuck = [c for c in flagged if not set(range(c.start, c.end)) <= deletable]
    if any(c.label_.startswith("assumptive.") for c in stuck):
        return []  # what is left of a line that assumes the job still assumes it
    clauses = _clauses(sentence)
    deferrals = tuple(f"{words} " for words in data["deferral_clauses"])

    def keep(a: int, b: int) -> bool:
        words = re.sub(r"[^\w' ]+", " ", doc[a:b].text.lower().replace("’", "'"))
        words = re.sub(r"\s+", " ", words).strip()
        if not words or any(c.start < b and c.end > a for c in stuck) or f"{words} ".startswith(deferrals):
            return False
        tokens = [t for t in doc[a:b] if not t.is_punct]
        named = all(t.pos_ == "PROPN" or t.lower_ in _TITLES for t in tokens)  # a name said to the listener
        closing = tokens[0].lower_ in data["closing_words"]
        listed = tokens[0].lower_ in {"and", "or"} and any(t.pos_ == "NOUN" for t in tokens)  # ', and the weekends'
        return named or closing or listed or any(t.pos_ in {"VERB", "AUX"} for t in tokens)  # not a stray 'Just'

    consequences = set(data["consequence_words"])
    kept = [(a, b, o) for a, b, o in clauses if keep(a, b) and o not in consequences]
    asks = sentence.text.rstrip().endswith("?")
    turn = next(
        (
            i
            for i, (a, b, opener) in enumerate(kept)
            if opener == "but" and (any(c.start < a for c in stuck) or (asks and _asks(doc[a:b], deletable)))
        ),
        0,
    )
    kept = kept[turn:]
    if len(kept) == len(clauses) or not kept:
        return []
    dropped = [(a, b) for a, b, _ in clauses if (a, b) not in {(x, y) for x, y, _ in kept}]
    if not stuck and not _content_tokens(sentence).isdisjoint(i for a, b in dropped for i in range(a, b)):
        return []  # a consequence with the line's own details in it is not cut
    parts = []
    for index, (a, b, _) in enumerate(kept):
        after = kept[index + 1][0] if index + 1 < len(kept) else b
        joined = all(doc[i].is_punct or doc[i].lower_ in {"but", "and"} for i in range(b, after))
        end = after if joined else b  # 'on the 9th, but I can move it' keeps its 'but'
        parts.append(
            "".join(t.text_with_ws for t in doc[a:end] if t.i not in deletable).strip() + ("" if joined else ",")
        )
    words = [t for a, b, _ in kept for t in doc[a:b] if t.i not in deletable and not t.is_punct]
    closing = words and words[0].lower_ in data["closing_words"]
    subjects = {t.head.i for t in words if t.dep_ in {"nsubj", "nsubjpass", "expl"}}  # a verb with its subject
    said = any(t.i in subjects for t in words) or _asks(doc[kept[0][0] : kept[0][1]], deletable)
    if not words or words[0].tag_ == "VB" or not (closing or said):
        return []  # a fragment ('Even next Monday.') or an order (asked as a request elsewhere)
    text = " ".join(parts).strip(" ,.!?")
    text = re.sub(r"^(?:but|and|so|or|because|which)\b[,\s]*", "", text, flags=re.I)
    for said, plain in data["plain_openings"].items():
        text = re.sub(
            rf"^{said}\b", plain, text, flags=re.I
        )  # 'I was going to say I could bring' -> 'I'd be glad to bring'
    if len(re.findall(r"[^\W\d_]+", text)) < 3:
        return []
    change = ("dropped the part that pushed or undercut",)
    if asks and (kept[-1][:2] == clauses[-1][:2] or _asks(doc[kept[0][0] : kept[0][1]], deletable)):
        return [Candidate(tidy(_inverted(text), question=True), change)]
    offers = any(t.lower_ == "i" and t.i + 1 < len(doc) and t.nbor().lower_ in {"can", "could", "'d"} for t in words)
    followed = any(t.lemma_.lower() in data["follow_lemmas"] and t.tag_ in {"VBD", "VBN"} for t in words)
    intent = (
        "follow_up" if followed else "availability" if offers else "next_step" if intent == "availability" else intent
    )
    question = data["follow_questions"].get(intent, data["follow_questions"]["next_step"])
    name = _vocative(sentence)
    if name and text.endswith(f", {name}"):
        text = f"{name}, {text.removesuffix(f', {name}')}"  # 'Karen, I've emailed you three times now; ...'
    asked = f"{tidy(text).rstrip('.')}; {question[0].lower()}{question[1:]}"
    return [Candidate(asked, change), Candidate(tidy(text), change)]


def _asks(clause: Span, deleted: set[int]) -> bool:
    """A clause that opens like a question: 'would it be possible', 'did you get', 'maybe we could talk'."""
    words = [t for t in clause if not t.is_punct and t.i not in deleted and t.lower_ not in {"but", "and", "so"}]
    if not words:
        return False
    if words[0].tag_ in {"MD", "VBZ", "VBD", "VBP"} or words[0].tag_.startswith("W"):
        return True
    return len(words) > 1 and words[0].lower_ in {"we", "i"} and words[1].lower_ in {"could", "can"}


def _inverted(text: str) -> str:
    """'we could talk about it' asked as 'could we talk about it'."""
    return re.sub(r"^(we|I) (could|can)\b", lambda m: f"{m.group(2)} {m.group(1)}", text, flags=re.I)


def _content_tokens(sentence: Span) -> set[int]:
    """Where the line's names and numbers are."""
    return {
        t.i
        for t in sentence
        if (t.pos_ == "PROPN" and t.lower_ != "i")
        or any(c.isdigit() for c in t.text)
        or (t.like_num and t.lower_ != "one")
    }


def _clauses(sentence: Span) -> list[tuple[int, int, str]]:
    """The sentence cut at punctuation and at connectives that open a clause of their own, each with what opened it.

    'and' cuts only before a subject of its own ('... on Monday and nobody called'), so that 'go back and get me'
    stays one order.
    """
    doc = sentence.doc
    connectives = set(_data()["consequence_words"]) | {"but"}
    clauses, start, opener = [], sentence.start, ""
    for token in sentence:
        nxt = doc[token.i + 1] if token.i + 1 < sentence.end else None
        subject = nxt is not None and nxt.dep_ in {"nsubj", "nsubjpass", "expl"}
        own = subject or (nxt is not None and nxt.tag_ in {"VB", "MD", "VBD"})
        if token.lower_ == "which" and token.dep_ == "nsubj" and token.i > start:
            clauses.append((start, token.i, opener))
            start, opener = token.i, "which"
        elif (
            (token.text in {",", ";", ":", "—"} and not _inside_a_date(token))
            or (token.lower_ in connectives and own)
            or (token.lower_ == "and" and subject)
        ):
            clauses.append((start, token.i, opener))
            start = token.i + 1
            opener = token.lower_ if token.is_alpha else (nxt.lower_ if nxt is not None else "")
    clauses.append((start, sentence.end, opener))
    return [(a, b, o) for a, b, o in clauses if b > a]


def _hedge_words(cue: Span, phrases: str) -> list[int]:
    """The token indices of deletable hedge phrases inside a cue ('just' in 'just wait', all of 'I guess');
    `phrases` names the list of them in rewrites.json."""
    tokens = [t.lower_ for t in cue]
    present = set(tokens)
    gone: list[int] = []
    for words in _longest_first(phrases):
        if words[0] not in present:
            continue
        for start in range(len(tokens) - len(words) + 1):
            if tokens[start : start + len(words)] == words and not set(range(start, start + len(words))) & set(gone):
                gone += [cue.start + start + k for k in range(len(words))]
    return sorted(gone)


@cache
def _longest_first(phrases: str) -> list[list[str]]:
    return [phrase.split() for phrase in sorted(_data()[phrases], key=len, reverse=True)]


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
    families = {c.label_.split(".", 1)[0] for c in cues}
    lemmas = {t.lemma_.lower() for t in sentence}
    if details.rival is not None or details.others or details.courting:
        ordered.append("constraint")
    if details.amount or details.perk or details.least:
        ordered.append("pay")
    if details.topic and (
        families & {"reassurance", "apology", "self_deprecation"} or lemmas & {"answer", "explanation"}
    ):
        ordered.append("clarify")
    lacking = any(t.dep_ == "neg" and t.head.lemma_.lower() in _words("skill_heads") | {"sure", "be"} for t in sentence)
    if details.skill and (families & {"apology", "self_deprecation"} or lacking):
        ordered.append("catch_up")
    if details.fact or details.record or details.skill or details.doubted or details.claimed:
        ordered.append("fit")
    if details.waited:
        ordered.append("follow_up")
    if details.level or details.floor:
        ordered.append("level")
    if details.taking:
        ordered.append("timeline")
    if details.who or details.deadline:
        ordered.append("timeline")
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


def extract_details(sentence: Span, cues: Sequence[Span] = (), chunks: Sequence[Span] | None = None) -> Details:
    """The line's own specifics; `chunks` are the sentence's noun chunks when the caller has them already."""
    sentence = listed(sentence)
    chunks = list(sentence.noun_chunks) if chunks is None else chunks
    context = _context(sentence, cues, chunks)
    greeting = _GREETING.match(sentence.text)
    name = None if greeting else _vocative(sentence)
    date, deadline = _date(sentence)
    return replace(
        context,
        greeting=greeting.group(1) if greeting else "",
        name=name,
        date=date,
        amount=_amount(sentence, chunks),
        who=_who(
            sentence, {v for v in (name, context.company, context.rival) if v}, greeting.group(1) if greeting else ""
        ),
        deadline=deadline,
        waited=_waited(sentence),
        perk=_perk(chunks),
        others=_others(chunks),
        courting=_courting(sentence),
        horizon=_horizon(sentence),
        **_level_and_pay(sentence),
    )


def context_details(statement: Span) -> Details:
    """What a line suggested for adding to the statement carries: the details the thanks, fit and next-step
    phrasings read, about half the work of `extract_details`, which ran on every statement a checklist found
    lacking. A line to add goes after any greeting or name, so it carries neither."""
    statement = listed(statement)
    return _context(statement, (), list(statement.noun_chunks))


def _context(sentence: Span, cues: Sequence[Span], chunks: Sequence[Span]) -> Details:
    """The employer (and any rival employer), the role, the interview's day and topic, and the candidate's own
    facts, record, skill, doubts and time given."""
    rival = _rival(sentence, cues)
    fact, record = _fact(sentence, cues)
    occupation, claimed = _occupation(sentence)
    return Details(
        company=None if (found := _company(sentence)) == rival else found,  # the rival is not the employer
        rival=rival,
        role=_calm(_role(sentence, chunks) or occupation),
        claimed=occupation if claimed else None,
        topic=_calm(_topic(sentence, chunks)),
        met=_met(sentence),
        fact=fact,
        record=record,
        skill=_skill(sentence, chunks),
        doubted=_doubted(sentence, chunks),
        **_time_given(sentence),
    )


def _calm(detail: str | None) -> str | None:
    """A role or topic the line shouted, in ordinary case: 'the ACCOUNT MANAGER ROLE' is 'the account manager
    role' in a rewrite, which must not shout; other short words in capitals are taken for acronyms ('HR', 'ICU')."""
    if not detail:
        return detail
    words = detail.split(" ")
    if sum(word.isupper() and len(word) > 1 for word in words) < 2:
        return detail
    shouted = [word.isupper() and (len(word) > 3 or word.lower() in _words("role_nouns")) for word in words]
    return " ".join(word.lower() if loud else word for word, loud in zip(words, shouted, strict=True))


def _met(sentence: Span) -> str | None:
    """The day of the interview itself: 'Friday's interview', 'our chat on Tuesday', 'gave up my Saturday for this
    interview' (not the day the line is sent)."""
    meeting = _words("meeting_lemmas")
    for token in sentence:
        if token.lemma_.lower() in meeting:
            for child in token.children:
                day = next((c for c in child.children if c.dep_ == "pobj"), None) if child.lower_ == "on" else child
                if day is not None and day.dep_ in {"poss", "pobj"} and day.lower_ in _DATE_WORDS:
                    return day.text
        if token.lower_ in _DATE_WORDS and token.dep_ == "dobj":  # the day given for the interview
            for given in token.head.children:
                if given.lower_ == "for" and any(c.lemma_.lower() in meeting for c in given.children):
                    return token.text
    return None


@cache
def _words(key: str) -> frozenset[str]:
    return frozenset(_data()[key])


def _proper_span(token: Token) -> tuple[int, int]:
    """The whole proper name a token is part of, with titles and '&': 'Wells Fargo', 'Ms Duarte', 'Baxter & Cole'."""
    doc, sentence = token.doc, token.sent
    start, end = token.i, token.i + 1

    def part(i: int) -> bool:
        return sentence.start <= i < sentence.end and (doc[i].pos_ == "PROPN" or doc[i].lower_ in _TITLES)

    while part(start - 1) or (doc[start - 1].text == "&" and part(start - 2)):
        start -= 1
    while part(end) or (end < sentence.end and doc[end].text == "&" and part(end + 1)):
        end += 1
    return start, end


def _inside_a_date(comma: Token) -> bool:
    """The comma of 'Wednesday, June 12', 'Thursday, May 8' or 'Friday, the 9th': one date, not two clauses."""
    doc = comma.doc
    if comma.i == 0 or comma.i + 1 >= len(doc) or not _is_date(doc[comma.i - 1].text):
        return False
    rest = [t.lower_ for t in doc[comma.i + 1 : comma.i + 3]]
    if rest[:1] == ["the"]:
        rest = rest[1:]
    day = re.compile(r"\d{1,2}(st|nd|rd|th)?")
    if rest and rest[0] == "may":  # the month, not the modal, when a day follows it
        return len(rest) > 1 and day.fullmatch(rest[1]) is not None
    return bool(rest) and (_is_date(rest[0]) or day.fullmatch(rest[0]) is not None)


def _is_date(text: str) -> bool:
    return text.lower() in _DATE_WORDS or text.lower() in {"today", "yesterday"}


def _rival(sentence: Span, cues: Sequence[Span]) -> str | None:
    """The company of another offer the candidate holds ('' if unnamed), or None when there is none.

    Only 'another/other/competing offer', the other-offer cue, or a named offer beside an ultimatum, a deadline
    or an either/or count: 'I'd love to get an offer' or 'thanks for the offer' is the offer being asked for.
    """
    families = {cue.label_.split(".", 1)[0] for cue in cues}
    labels = {cue.label_ for cue in cues}
    doc = sentence.doc
    for token in sentence:
        if token.lemma_.lower() != "offer" or token.pos_ != "NOUN":
            continue
        named: list[Token] = []
        for child in token.children:
            if child.pos_ == "PROPN" and child.i < token.i and not named:
                start, end = _proper_span(child)
                named = list(doc[start:end])
        after = token.i + 1  # "offer from Accenture", however the parser attached "from"
        if not named and after + 1 < sentence.end and doc[after].lower_ == "from":
            end = after + 1
            while end < sentence.end and doc[end].pos_ == "PROPN":
                end += 1
            named = list(doc[after + 1 : end])
        company = " ".join(t.text for t in named)
        if company and company.split()[0].lower() in _TITLES:
            company = ""
        modifiers = {child.lower_ for child in token.children}
        pressing = bool(families & {"ultimatum", "deadline", "demand", "pressure"})
        either_or = any(t.lower_ == "or" and t.dep_ == "cc" for t in sentence) or _date(sentence)[0] is not None
        if modifiers & {"another", "other", "competing", "second", "rival"} or "constraint.other_offer" in labels:
            return company
        if company and (pressing or either_or):
            return company
    return None


def _others(chunks: Sequence[Span]) -> str | None:
    """Other employers or interviews in play, counted but unnamed: 'three other companies', 'two other interviews'."""
    for chunk in chunks:
        words = [t.lower_ for t in chunk]
        held = chunk.root.head.lemma_.lower() in _words("others_verbs")  # 'I have', not 'I turned down'
        if "other" in words and any(t.like_num for t in chunk) and chunk.root.tag_ == "NNS" and held:
            return " ".join(t.text for t in chunk if t.pos_ not in {"DET", "PRON"} or t.like_num)
    return None


def _courting(sentence: Span) -> str | None:
    """Another employer the line says is after the candidate: 'hire me before Deloitte does', 'let Riverside
    Medical snap me up'. Only a name doing the hiring, so that no offer or talks are made up."""
    hiring = _words("hiring_lemmas")
    if not {t.lemma_.lower() for t in sentence} & hiring:
        return None
    doc = sentence.doc
    for token in sentence:
        if token.pos_ != "PROPN" or token.dep_ != "nsubj" or token.i == sentence.start:
            continue
        verb = token.head
        if verb.lemma_.lower() in hiring or (verb.lemma_ == "do" and verb.head.lemma_.lower() in hiring):
            start, end = _proper_span(token)
            if token.i == end - 1 and doc[start].lower_ not in _TITLES and not _is_date(doc[start:end].text):
                return doc[start:end].text
    return None


def _doubted(sentence: Span, chunks: Sequence[Span]) -> str | None:
    """A named task the candidate doubts they can do: 'I'm not sure I'd pass the 50-pound lift test' gives
    'on the 50-pound lift test'; 'not sure I'd be much use on the Saturday market stall' keeps its 'on'."""
    doubt = next(
        (t for t in sentence if t.lower_ == "sure" and any(c.dep_ == "neg" for c in (*t.children, *t.head.children))),
        None,
    )
    if doubt is None:
        return None
    turn = next((t.i for t in sentence if t.i > doubt.i and t.lower_ == "but"), sentence.end)
    for anchor in _anchor_chunks(chunks):
        if not doubt.i < anchor.start < turn:
            continue
        head = anchor.root.head
        if anchor.root.dep_ == "pobj" and head.lower_ in {"on", "at", "with"}:
            return f"{head.lower_} {anchor.text}"
        if anchor.root.dep_ == "dobj":
            return f"on {anchor.text}"
    return None


def _level_and_pay(sentence: Span) -> dict[str, str]:
    """What a line demands of the job's terms, read from its prepositions in one pass.

    A level: a seniority word ('senior', 'Associate', 'Senior Producer') given as a title or level ('the title of
    Senior Producer', 'bumping the title to senior'), or as what the candidate is above ('overqualified for
    Associate'); 'the title of the book' is none. What the candidate asks to be paid for, when the line names no
    sum: a day or a piece of work ('pay me for Saturday', 'paid for the trial shift'), not the role itself. A place
    the job would take the candidate to ('moving to Tulsa'), and pay set by what they earn now ('for anything less
    than what I'm making in Austin'), which names no sum but is one.
    """
    doc, seniority, titles = sentence.doc, _words("seniority"), _words("level_nouns")
    found: dict[str, str] = {}
    for token in sentence:
        prep = token.head
        if token.dep_ == "pcomp" and prep.lower_ in {"than", "under", "below"}:
            found.setdefault("least", _what_i_earn(token) or "")
        if token.dep_ != "pobj" or prep.lower_ not in {"of", "to", "for"}:
            continue
        if token.pos_ == "PROPN" and prep.lower_ == "to" and prep.head.lemma_.lower() in _words("moving_verbs"):
            start, end = _proper_span(token)
            found.setdefault("moving", doc[start:end].text)
        start = token.i
        while start - 1 > prep.i and doc[start - 1].dep_ in {"compound", "amod"}:
            start -= 1
        words, owner = doc[start : token.i + 1], prep.head
        ranked = any(t.lower_ in seniority for t in words)
        named = owner.lemma_.lower() in titles or any(
            c.dep_ == "dobj" and c.lemma_.lower() in titles for c in owner.children
        )
        if ranked and prep.lower_ in {"of", "to"} and named:
            found.setdefault("level", words.text)
        elif ranked and prep.lower_ == "for" and owner.lower_ in _words("above_words"):
            found.setdefault("floor", words.text)
        elif prep.lower_ == "for" and owner.lemma_.lower() in _words("pay_verbs"):
            if _is_date(token.text) or token.lemma_.lower() in _words("paid_things"):
                found.setdefault("paid", doc[token.left_edge.i : token.i + 1].text)
    return {key: value for key, value in found.items() if value}


def _what_i_earn(verb: Token) -> str | None:
    """'at least what I'm making in Austin' from 'not moving for anything less than what I'm making in Austin'.

    Only as a floor refused ('won't ... for less than', 'for nothing less than'): 'I could come in below what I'm
    making now' offers a cut, and a rewrite does not turn it around.
    """
    what = next((c for c in verb.children if c.tag_ == "WP" and c.dep_ == "dobj"), None)
    if what is None or verb.lemma_.lower() not in _words("earning_verbs") or not _said_by_me(verb):
        return None
    up = [t.lower_ for t in verb.ancestors]
    refused = "for" in up and any(c.dep_ == "neg" for t in list(verb.ancestors)[up.index("for") :] for c in t.children)
    if not (refused or "nothing" in up):
        return None
    doc = verb.doc
    end = next((t.i for t in doc[what.i : verb.right_edge.i + 1] if t.is_punct), verb.right_edge.i + 1)
    return f"at least {doc[what.i : end].text}"


def _time_given(sentence: Span) -> dict[str, str]:
    """Time the line counts as given to the interview, or as the decision's: a neutral fact a jab carries.

    'the three hours I gave you today', 'I drove two hours', 'a waste of a vacation day' give what the candidate
    spent; 'take another month to decide' how long the decision may take. A wait ('I've waited two weeks') and a
    deadline are read elsewhere.
    """
    units = _words("time_units")
    found: dict[str, str] = {}
    for unit in sentence:
        if unit.lemma_.lower() not in units or unit.dep_ not in {"dobj", "pobj"}:
            continue
        counted = [t for t in unit.lefts if t.like_num or t.lower_ in {"a", "an", "another"}]
        if not counted or unit.head.lemma_.lower() in _words("wait_lemmas") - {"take"}:
            continue
        text = sentence.doc[counted[0].i : unit.i + 1].text
        head = unit.head.head if unit.dep_ == "pobj" and unit.head.lower_ == "of" else unit.head
        mine = [unit.head, *unit.children] if unit.dep_ == "dobj" else list(unit.children)
        if unit.i + 2 < sentence.end and sentence.doc[unit.i + 1].lower_ == "i":
            mine.append(sentence.doc[unit.i + 2])  # 'the three hours I gave you', however the parser hung 'gave'
        given = any(
            _said_by_me(verb)
            and verb.lemma_.lower() in _words("giving_verbs")
            and not any(c.dep_ in {"xcomp", "advcl"} and c.tag_ == "VB" for c in verb.children)  # 'I gave you two
            # days to decide' is a wait
            for verb in mine
        )
        short = unit.lemma_.lower() in _words("given_units")  # an afternoon given, not 'five years at Tesco'
        if short and (given or head.lemma_.lower() in _words("spending_nouns")):
            found.setdefault("spent", text)
        elif unit.head.lemma_.lower() == "take" and counted[0].lower_ == "another":
            found.setdefault("taking", text)
    return found


def _said_by_me(verb: Token) -> bool:
    return verb.pos_ == "VERB" and any(c.dep_ == "nsubj" and c.lower_ == "i" for c in verb.children)


def _horizon(sentence: Span) -> str | None:
    """A counted stretch of time ahead: 'within six months', 'in two years' (not 'in the 1990s', not 'for years')."""
    for token in sentence:
        if token.lower_ in {"within", "in"}:
            for unit in token.children:
                if unit.lemma_.lower() in _words("time_units") and any(c.like_num for c in unit.lefts):
                    return sentence.doc[token.i : unit.i + 1].text
    return None


def _amount(sentence: Span, chunks: Sequence[Span]) -> str | None:
    """The sum asked for: not a cut offered ('20k less'), and the listed rate over the one offered 'instead of' it."""
    found = []
    for match in _AMOUNT.finditer(sentence.text):
        before = sentence.text[max(0, match.start() - 16) : match.start()].lower()
        after = sentence.text[match.end() : match.end() + 6].lower()
        if not re.search(r"\b(cut|drop)\b", before) and not after.strip().startswith(("less", "lower", "cut")):
            found.append((match.group(0), "instead of" in before))
    if found:
        return next((text for text, instead in found if instead), found[0][0])
    for chunk in chunks:  # 'a 15% raise': a share means nothing without what it is a share of
        if chunk.root.lemma_.lower() in _words("pay_rises") and any(t.text == "%" for t in chunk):
            return chunk.text
    if not {t.lemma_.lower() for t in sentence} & _words("pay_lemmas"):
        return None
    for token in sentence:  # 'my salary at 88,000', 'closer to 60', 'six figures'
        if token.lower_ == "figures" and any(c.like_num for c in token.children):
            return sentence.doc[token.left_edge.i : token.i + 1].text.removeprefix("a ").removeprefix("the ")
        if token.like_num and token.dep_ == "pobj" and token.head.lower_ in {"at", "to", "of"} and token.is_digit:
            return token.text
        if token.like_num and token.dep_ == "pobj" and re.fullmatch(r"\d[\d,.]*", token.text):
            return token.text
    return None


def _perk(chunks: Sequence[Span]) -> str | None:
    """A sum named with what it pays: 'the $5,000 relocation bonus'."""
    for chunk in chunks:
        match = _AMOUNT.search(chunk.text)
        if (
            match
            and chunk.root.pos_ == "NOUN"
            and not chunk.root.like_num
            and chunk.text.index(match.group(0)) < len(chunk.text) - len(match.group(0))
        ):
            words = chunk.text.split(" ", 1)
            if chunk[0].lower_ in {"the", "a", "my", "your", "any", "that"} and len(words) > 1:
                return f"the {words[1]}"
            return f"the {chunk.text}"
    return None


def _vocative(sentence: Span) -> str | None:
    """A name said to the listener, set off by commas: 'Sorry, Ms Okafor, ...' or '..., Priya.'"""
    doc = sentence.doc
    for token in sentence:
        if token.pos_ != "PROPN" and token.lower_ not in _TITLES:
            continue
        start = token.i
        if start > sentence.start and (not doc[start - 1].is_punct or doc[start - 1].text == "&"):
            continue
        end = start
        while end < sentence.end and (doc[end].pos_ == "PROPN" or doc[end].lower_ in _TITLES):
            end += 1
        if end > start and (end == sentence.end or doc[end].is_punct) and not _is_date(doc[start:end].text):
            return doc[start:end].text
    return None


def _company(sentence: Span) -> str | None:
    """The employer: named after 'at', 'join', 'interview with', 'a firm like', as doing what only an employer
    does ('Crestview paid', 'Pinnacle treats candidates'), or as '<Name>'s' team.

    A whole proper name ('Wells Fargo'), never a day ('Friday's interview') and never a person ('Ms Duarte's').
    """
    doc = sentence.doc
    before: dict[str, list[str]] = _data()["company_before"]
    for token in sentence:
        heads = before.get(token.lower_)
        if heads is None or token.i + 1 >= sentence.end:
            continue
        if heads and token.head.lemma_.lower() not in heads and doc[token.i - 1].lower_ not in heads:
            continue
        nxt = doc[token.i + 1]
        if (
            nxt.pos_ != "PROPN"
            or nxt.lower_ in _TITLES
            or (token.lower_ == "at" and any(c.lower_ == "my" for c in token.head.children))
            or (token.lower_ == "at" and _where_i_work_now(token.head))
        ):
            continue  # 'my time at Tesco', 'what I earn at Kroger' name the employer the candidate has
        start, end = _proper_span(nxt)
        name = doc[token.i + 1 : end].text
        if not _is_date(name) and doc[start].lower_ not in _TITLES:
            return name
    for token in sentence:  # 'Crestview paid this little', 'how Pinnacle treats candidates'
        if token.pos_ == "PROPN" and token.dep_ == "nsubj" and token.head.lemma_.lower() in _words("employer_verbs"):
            start, end = _proper_span(token)
            if token.i == end - 1 and not _is_date(doc[start:end].text) and doc[start].lower_ not in _TITLES:
                return doc[start:end].text
    for token in sentence:
        if token.pos_ == "PROPN" and token.i + 1 < sentence.end and doc[token.i + 1].text in {"'s", "’s"}:
            start, end = _proper_span(token)
            name = doc[start:end].text
            owned = doc[token.i + 2] if token.i + 2 < sentence.end else token
            described = owned.dep_ in {"compound", "amod"}  # 'Northwind's backend team', not 'Denise's team'
            one_word = end - start == 1 and owned.lemma_.lower() not in _words("company_things") and not described
            if not _is_date(name) and doc[start].lower_ not in _TITLES and start != sentence.start and not one_word:
                return name
    return None


def _where_i_work_now(verb: Token) -> bool:
    """'what I earn at Kroger', 'I work at Target': the candidate's own employer, not the one hiring ('I'd love
    to work at Acme' has no subject of its own; 'I will work at Acme' looks ahead)."""
    if verb.lemma_.lower() not in _words("earning_verbs") | {"work"}:
        return False
    children = list(verb.children)
    mine = any(c.dep_ == "nsubj" and c.lower_ == "i" for c in children)
    return mine and not any(c.dep_ == "aux" and c.tag_ == "MD" for c in children)


def _who(sentence: Span, taken: set[str], greeting: str) -> str | None:
    """Someone the candidate expects to hear from, named in the third person: 'Tell Ms Reyes', 'a call from Nadia'."""
    doc = sentence.doc
    contact = _words("contact_verbs")
    for token in sentence:
        if token.pos_ != "PROPN" or token.i == sentence.start or token.is_upper:
            continue
        start, end = _proper_span(token)
        if token.i != end - 1:
            continue  # look at a name once, by its last word
        name = doc[start:end].text
        if _is_date(name) or name in taken or any(name in t or t in name for t in taken) or name in greeting:
            continue
        if doc[start].lower_ in _TITLES:
            return name
        head = token.head
        if token.dep_ == "conj":
            head = token.head.head
        if end - start > 1 or token.dep_ == "poss":
            continue  # a longer name is more likely a company than a person
        anchor = head.head
        while anchor.pos_ == "ADV" and anchor.head.i != anchor.i:
            anchor = anchor.head  # 'hearing back from Sam'
        if token.dep_ in {"pobj", "conj"} and head.lower_ in {"from", "to", "with"} and anchor.pos_ in {"VERB", "NOUN"}:
            if anchor.lemma_.lower() in contact | {"call", "word", "bother", "reply", "answer"}:
                return name
            if head.lower_ == "from" and anchor.lemma_.lower() not in {"offer", "reference"}:
                return name
        if token.dep_ in {"nsubj", "dobj"} and head.lemma_.lower() in contact:
            return name
    return None


def _occupation(sentence: Span) -> tuple[str | None, bool]:
    """The job as the line names it by its occupation: 'a better line cook' gives 'the line cook role'.

    One person in the job (singular), not a colleague's ('your HR manager', 'the other EMTs'), unless the line
    says the listener has found the candidate in it ('you've found your architect'): then it is a claim of fit,
    and the second value says so.
    """
    doc = sentence.doc
    occupations, seniority = _words("occupations"), _words("seniority")
    judging = _words("judging_adjectives")  # 'typical', 'ideal': about the person, not the job
    classifying = tuple(_data()["classifying_endings"])  # 'actuarial analyst', 'graphic designer'; not 'good'
    for token in sentence:
        if token.pos_ not in {"NOUN", "PROPN"} or token.tag_ in {"NNS", "NNPS"}:
            continue
        if token.lemma_.lower() not in occupations and token.lower_ not in occupations:
            continue
        if token.dep_ == "compound" and token.head.lemma_.lower() in occupations:
            continue  # the last word of 'sous chef' is the head
        owner = token.head if token.dep_ == "compound" else token
        claimed = owner.dep_ == "dobj" and _found_by_you(owner.head)
        if any(
            (c.dep_ == "poss" and not (claimed and c.lower_ == "your"))
            or c.lower_ in {"other", "another", "every", "any", "some", "all"}
            for c in owner.children
        ):
            continue
        start = token.i
        while start - 1 >= sentence.start:
            left = doc[start - 1]
            hyphened = start - 2 >= sentence.start and doc[start - 2].tag_ == "HYPH"
            if left.dep_ in {"compound", "nmod"} and left.pos_ in {"NOUN", "PROPN", "ADJ"}:
                start -= 1
            elif left.tag_ == "HYPH" and start - 2 >= sentence.start:
                start -= 2
            elif (
                left.dep_ == "amod"
                and left.tag_ not in {"JJR", "JJS"}
                and (
                    left.lower_ in seniority
                    or hyphened
                    or (left.lower_.endswith(classifying) and left.lower_ not in judging)
                )
            ):
                start -= 1
            else:
                break
        return f"the {doc[start : token.i + 1].text} role", claimed
    return None, False


def _found_by_you(verb: Token) -> bool:
    """'you've found' or 'you just got' with nothing else to do ('I met your manager', 'get your manager to call')."""
    children = {(c.dep_, c.lower_) for c in verb.children}
    others = {dep for dep, _ in children} & {"xcomp", "ccomp", "dative", "oprd"}
    to = any(c.dep_ == "advcl" and any(g.lower_ == "to" for g in c.lefts) for c in verb.children)
    return verb.lemma_.lower() in _words("claiming_verbs") and ("nsubj", "you") in children and not (others or to)


def _role(sentence: Span, chunks: Sequence[Span]) -> str | None:
    """'the night charge nurse position' from 'your night charge nurse position', as long as it names the job.

    When the parser splits the phrase (in 'at the warehouse lead spot id be' it reads 'lead' as a verb), the
    words before the role noun back to its article are taken, if each is a noun, a name or a seniority.
    """
    role_nouns = _words("role_nouns")
    for chunk in chunks:
        if chunk.root.lemma_.lower() in role_nouns:
            words = [t for t in chunk if t.pos_ not in {"PRON", "DET"}]
            if chunk[0].lower_ in {"my", "our"} or any(t.lower_ in {"current", "old", "last"} for t in chunk):
                continue
            if len(words) > 1:
                first = chunk[0].lower_
                if first in {"the", "a", "an", "this"}:
                    return first + chunk.text[len(first) :]
                return "the " + " ".join(t.text for t in words)
    doc, seniority = sentence.doc, _words("seniority")
    for token in sentence:
        if token.lemma_.lower() not in role_nouns or token.pos_ != "NOUN":
            continue
        start = token.i
        while start > sentence.start and (
            doc[start - 1].pos_ in {"NOUN", "PROPN"} or doc[start - 1].lower_ in seniority
        ):
            start -= 1
        if start < token.i and start > sentence.start and doc[start - 1].lower_ in {"the", "this", "your"}:
            return f"the {doc[start : token.i + 1].text}"
    return None


def _topic(sentence: Span, chunks: Sequence[Span]) -> str | None:
    """What an answer or explanation was about: the noun phrase after 'about' or 'explained'."""
    role_nouns = _words("role_nouns")
    for chunk in chunks:
        head = chunk.root.head
        if chunk.root.dep_ in {"pobj", "dobj"} and head.lemma_.lower() in {"about", "explain", "explanation"}:
            if chunk.root.pos_ != "PRON" and chunk.root.lemma_.lower() not in role_nouns:
                end = next((t.i for t in chunk if t.lower_ in {"sort", "kind"}), chunk.end)
                right = chunk.root.right_edge.i + 1
                if end == chunk.end and right - chunk.start <= 8 and chunk.doc[chunk.end : right].text[:1].isalpha():
                    end = right  # 'my time at Tesco', not 'my time'
                text = chunk.doc[chunk.start : end].text
                words = text.split(" ", 1)
                if chunk[0].lower_ in {"your", "our"} and len(words) > 1:
                    return f"the {words[1]}"
                proper = chunk[0].pos_ == "PROPN"
                return text if chunk[0].lower_ in {"the", "a", "an", "my"} or proper else f"the {text}"
    for token in sentence:  # 'my explanation of why I left Amazon after eight months'
        if token.lemma_.lower() == "explanation" and token.i + 2 < sentence.end and token.nbor().lower_ == "of":
            clause = token.nbor(2)
            if clause.lower_ in {"why", "how", "what", "when"}:
                verb = clause.head
                end = next(
                    (t.i for t in sentence.doc[verb.i + 1 : verb.right_edge.i + 1] if t.pos_ in {"VERB", "AUX"}),
                    verb.right_edge.i + 1,
                )  # 'why I left Amazon after eight months', not '... made sense'
                if end - clause.i <= 10 and not any(t.is_punct for t in sentence.doc[clause.i : end]):
                    return sentence.doc[clause.i : end].text
    return None


def _waited(sentence: Span) -> str | None:
    """How long the candidate has waited: 'I've been waiting two weeks', 'hanging like this for three weeks'."""
    units, waits = _words("time_units"), _words("wait_lemmas")
    doc = sentence.doc
    for root in sentence:
        if root.lemma_.lower() not in units or root.dep_ not in {"npadvmod", "pobj", "dobj", "attr"}:
            continue
        if not any(t.like_num or t.lower_ in {"a", "an"} for t in root.lefts):
            continue
        verb = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "for" else root.head
        if verb.lemma_.lower() not in waits or (root.dep_ == "pobj" and root.head.lower_ != "for"):
            continue
        start, end = root.left_edge.i, root.i + 1
        if end + 2 < sentence.end and doc[end].lower_ == "and" and doc[end + 2].lower_ == "half":
            end += 3
        return doc[start:end].text
    return None


def _fact(sentence: Span, cues: Sequence[Span]) -> tuple[str | None, str | None]:
    """A fact the candidate states about themself, with a number in it, kept out of any jab or hedge around it.

    As a clause ('I managed 40 people', 'I've done this job for fifteen years') and as a noun phrase
    ('my 140% of quota', 'my two years as a nanny').
    """
    doc = sentence.doc
    rules = doc.spans["closer_tone"].attrs["rules"] if "closer_tone" in doc.spans else {}
    flagged = {i for c in cues if rules.get(c.label_, {}).get("tone") != "assertive" for i in range(c.start, c.end)}
    clause = record = None
    frames = _words("fact_frames")
    for token in sentence:
        subject = [c for c in token.children if c.dep_ == "nsubj"]
        if (
            clause is None
            and token.pos_ in {"VERB", "AUX"}
            and subject
            and subject[0].lower_ == "i"
            and token.tag_ in {"VBD", "VBN"}
            and token.lemma_.lower() not in {"be", "have", "get"}  # 'I've got two kids to feed' is no record
            and not any(c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in _MODALS) for c in token.children)
            and (
                token.dep_ in {"ROOT", "conj"}
                or (token.dep_ == "ccomp" and (token.head.lemma_.lower() in frames or token.i < token.head.i))
            )
        ):
            cut = {"advcl", "ccomp", "conj", "cc", "mark", "punct", "relcl", "acl", "parataxis", "advmod", "npadvmod"}
            keep = sorted(t.i for t in token.subtree if not any(a.dep_ in cut for a in _path(t, token)))
            if keep and keep == list(range(keep[0], keep[-1] + 1)) and not set(keep) & flagged:
                words = doc[keep[0] : keep[-1] + 1]
                counted = [t for t in words if t.like_num and not _ORDINAL.fullmatch(t.lower_)]
                if counted and len(words) <= 12 and not any(t.lower_ in {"other", "another"} for t in words):
                    clause = words.text
        if record is None and token.dep_ == "poss" and token.lower_ == "my":
            head = token.head
            span = doc[head.left_edge.i : _as_what(head, head.right_edge.i + 1)]
            bare = head.lemma_.lower() in _words("time_units") and head.i == span.end - 1  # 'my two years' says little
            if (
                any(t.like_num for t in span)
                and len(span) <= 8
                and not bare
                and not set(range(span.start, span.end)) & flagged
            ):
                record = span.text
    return clause, record


def _as_what(head: Token, end: int) -> int:
    """Where 'my two years' ends when what the years were follows it: 'my two years as a nanny', 'at Tesco'.

    The small parser often hangs 'as a nanny' or 'Halden Foods' elsewhere (leaving 'my six years at'), so a
    length of time takes the phrase after its preposition by position.
    """
    doc, last = head.doc, head.sent.end
    if head.lemma_.lower() not in _words("time_units"):
        return end
    if end == head.i + 1 and end < last and doc[end].lower_ in {"as", "at", "in", "with"}:
        end += 1
    elif end - 1 == head.i or doc[end - 1].lower_ not in {"as", "at", "in", "with"}:
        return end
    stop = end
    while stop < min(last, end + 4) and doc[stop].pos_ in {"DET", "ADJ", "NOUN", "PROPN", "NUM"}:
        stop += 1
    return stop if any(t.pos_ in {"NOUN", "PROPN"} for t in doc[end:stop]) else head.i + 1


_ORDINAL = re.compile(r"\d{1,2}(st|nd|rd|th)")
_MODALS = {"would", "'d", "could", "might", "may", "will", "'ll", "should", "can", "ca", "wo"}


def _path(token: Token, top: Token) -> list[Token]:
    """The tokens from `token` up to (not including) `top`, itself first."""
    found = []
    while token.i != top.i and token.head.i != token.i:
        found.append(token)
        token = token.head
    return found


def _skill(sentence: Span, chunks: Sequence[Span]) -> str | None:
    """A named tool or skill the candidate has or lacks: 'know more about Unreal Engine', 'my Python', 'run
    payroll on ADP'; or a thing of that kind specified by a number or a name: 'knows the 2023 code'."""
    doc = sentence.doc
    heads = _words("skill_heads")
    for token in sentence:
        acronym = _acronym(token)
        if (token.pos_ != "PROPN" and not acronym) or token.i == sentence.start:
            continue
        start, end = _proper_span(token) if token.pos_ == "PROPN" else (token.i, token.i + 1)
        if token.i != end - 1 or _is_date(doc[start:end].text) or doc[start].lower_ in _TITLES:
            continue
        attached = token.dep_ == "pobj"
        prep = token.head if attached else doc[start - 1]  # the small parser often loses an acronym's 'on'
        if (attached or acronym) and prep.lower_ in {"about", "on", "in", "with"} and prep.head.lemma_.lower() in heads:
            return doc[start:end].text
        if token.dep_ == "nsubj" and token.head.lemma_ == "be" and any(c.lower_ == "my" for c in token.children):
            return doc[start:end].text
    for chunk in _anchor_chunks(chunks):
        root, head = chunk.root, chunk.root.head
        verb = head.head if root.dep_ == "pobj" and head.lower_ in {"about", "on", "in", "with"} else head
        if root.lemma_.lower() in _words("skill_nouns") and root.dep_ in {"dobj", "pobj"}:
            if verb.lemma_.lower() in heads:
                return chunk.text
    return None


_ACRONYM = re.compile(r"[A-Z]{2,5}s?")


def _acronym(token: Token) -> bool:
    """'ADP', 'HR', 'EMTs': capitals that name something, not a shouted word among shouted words."""
    if not _ACRONYM.fullmatch(token.text):
        return False
    doc = token.doc
    beside = [doc[i] for i in (token.i - 1, token.i + 1) if 0 <= i < len(doc)]
    return not any(t.is_alpha and t.is_upper and len(t) > 1 for t in beside)


def _date(sentence: Span) -> tuple[str | None, str | None]:
    """The first day, date or time named, as written ('Friday', 'the 14th', '9am Monday', 'Thursday night',
    'end of business today'), and the deadline it sets with its preposition ('by noon tomorrow', 'within the hour')."""
    doc = sentence.doc
    parts, soon = _words("day_parts"), _words("deadline_units")
    for token in sentence:  # 'within 48 hours', 'within the hour'
        if token.lower_ == "within" and token.i + 1 < sentence.end:
            objects = [c for c in token.children if c.dep_ == "pobj" and c.lemma_.lower() in soon]
            if objects:
                return None, doc[token.i : objects[0].i + 1].text
        if token.lower_ == "than" and token.i > sentence.start and doc[token.i - 1].lower_ == "longer":
            unit = next((t for t in doc[token.i + 1 : min(token.i + 4, sentence.end)] if t.lemma_ in soon), None)
            if unit is not None:  # longer than a week: within a week
                return None, "within " + doc[token.i + 1 : unit.i + 1].text
    for token in sentence:
        end_of = token.lower_ == "end" and token.i + 2 < sentence.end and doc[token.i + 1].lower_ == "of"
        week = token.lower_ in {"week", "month"} and doc[max(sentence.start, token.i - 1)].lower_ in {"this", "next"}
        if not (end_of or week or token.lower_ in _DATE_WORDS or re.fullmatch(r"\d{1,2}(st|nd|rd|th)", token.lower_)):
            continue
        if _gone(token):
            continue
        start, end = token.i, token.i + 1
        if end_of:
            end = token.i + 2
            while end < sentence.end and doc[end].lower_ in _END_OF:
                end += 1
        while start - 1 >= sentence.start and doc[start - 1].lower_ in {"the", "this", "next", "end", "of", "week"}:
            start -= 1
        if doc[start].lower_ == "of":
            start += 1
        if start - 2 >= sentence.start and doc[start - 1].lower_ in {"am", "pm"} and doc[start - 2].like_num:
            start -= 2  # spaCy splits "9am Monday" into "9", "am", "Monday"
        elif start - 1 >= sentence.start and re.fullmatch(r"\d{1,2}(:\d\d)?(am|pm)", doc[start - 1].lower_):
            start -= 1
        if end < sentence.end and doc[end].like_num:
            end += 1
        elif end + 1 < sentence.end and doc[end].lower_ == "at" and doc[end + 1].like_num:
            end += 2
        elif end + 2 <= sentence.end and doc[end].text == "," and _inside_a_date(doc[end]):
            end += 2 + (end + 2 < sentence.end and doc[end + 2].like_num)
        while end < sentence.end and (doc[end].lower_ in parts or doc[end].lower_ in _DATE_WORDS | {"today"}):
            end += 1
        text = doc[start:end].text
        text = text.title() if text.isupper() and len(text) > 3 else text
        before = doc[start - 1].lower_ if start > sentence.start else ""
        preposition = before in {"by", "until", "before"} and doc[start - 1].dep_ == "prep"  # not 'stop by'
        deadline = f"by {text}" if preposition else _on(text).strip() if _heard_from(token) else None
        return text, deadline
    return None, None


def _gone(day: Token) -> bool:
    """A day already past, which no answer can come by: 'I called on Monday', 'we spoke last Friday', 'since
    Tuesday' (not 'you said Friday' or 'I was promised a call on Monday', whose day is the one promised)."""
    if day.i > 0 and day.doc[day.i - 1].lower_ == "last":
        return True
    head = day.head
    if day.dep_ == "pobj":
        if head.lower_ == "since":
            return True
        if head.lower_ != "on":
            return False
        head = head.head
    elif day.dep_ != "npadvmod":
        return False
    return head.tag_ in {"VBD", "VBN"} and head.lemma_.lower() not in _words("promise_verbs")


def _heard_from(day: Token) -> bool:
    """A day set for hearing back, without 'by': 'if nobody gets back to me this week', 'call me tomorrow'
    (not 'I emailed on Monday', nor 'sorry to email on a Sunday', which only say when the candidate wrote)."""
    verb = day.head
    return day.dep_ == "npadvmod" and verb.lemma_.lower() in _words("contact_verbs") and verb.tag_ not in {"VBD", "VBN"}


def suggestion(intent: str, details: Details) -> str:
    """The first phrasing for an intent, in the line's own context: a line to add to a close that lacks it."""
    return _phrasings(intent, details)[0].text


def _on(date: str | None) -> str:
    if not date:
        return ""
    lowered = date.lower()
    if (
        lowered in {"today", "tonight", "tomorrow"}
        or lowered.split()[0] in {"this", "next", "tomorrow", "the"}
        and ("week" in lowered or "month" in lowered or "end" in lowered)
    ):
        return f" {date}"
    if lowered in _MONTHS:
        return f" in {date}"
    return f" at {date}" if _is_time(date) else f" on {date}"


def _is_time(date: str) -> bool:
    return date.lower() in {"noon", "eod", "midnight", "end of day"} or bool(re.search(r"\d\s?(am|pm)$", date.lower()))


_AS_WRITTEN = (
    *("company", "amount", "topic", "who", "waited", "fact", "record", "skill", "perk", "others", "courting"),
    *("doubted", "level", "floor", "paid", "spent", "taking", "moving", "least"),
)
"""Placeholders filled with their detail exactly as the line wrote it (empty when the line has none)."""


def _values(details: Details) -> dict[str, str]:
    on = _on(details.date)
    by = f" {details.deadline}" if details.deadline else f" by {details.date}" if on.startswith((" on", " at")) else on
    return {
        **{name: getattr(details, name) or "" for name in _AS_WRITTEN},
        "hello": details.greeting or (f"{details.name}, " if details.name else ""),
        "known_role": details.role or "",
        "role": details.role or "this role",
        "at": f" at {details.company}" if details.company else "",
        "offer": "another offer" if details.rival is not None else "",
        "from": f" from {details.rival}" if details.rival else "",
        "by": by,
        "on": _on(details.date),
        "met": _on(details.met),
        "within": f" {details.horizon}" if details.horizon else "",
    }


@lru_cache(maxsize=4096)
def _phrasings(intent: str, details: Details) -> tuple[Candidate, ...]:
    """Every phrasing of the intent that the line's details can fill, filled; remembered, since most lines
    name few details and the same phrasings come out for many of them."""
    values = _values(details)
    found = []
    for phrasing in _data()["phrasings"].get(intent, []):
        needs = phrasing.get("needs", [])
        if any(not values[need] for need in ([needs] if isinstance(needs, str) else needs)):
            continue
        text = phrasing["text"].format(**values)
        hello = values["hello"]
        if hello:
            rest = text[len(hello) :]
            if rest[:2] != "I " and rest[:2] != "I'" and not (rest[:1].isupper() and rest[1:2].isupper()):
                text = hello + rest[:1].lower() + rest[1:]
        text = text[:1].upper() + text[1:]
        found.append(Candidate(tidy(text, question=text.rstrip().endswith("?")), (phrasing["change"],)))
    return tuple(found)


def opens_with_thanks(text: str) -> bool:
    """A rewrite that starts by thanking ('Thank you for your time today. When can I...'), greeting or not."""
    return re.match(r"(?:[\w .'-]+, )?(?:thank|i appreciate)", text, flags=re.IGNORECASE) is not None


def tidy_statement(text: str) -> str:
    """A rewritten statement with single spaces; the spacing between sentences is the candidate's own."""
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _anchor_chunks(chunks: Sequence[Span]) -> list[Span]:
    """The things the line names that a rewrite should not lose, as written: a noun phrase whose head is
    specified by a compound, a number or a name ('the weekend rota', 'the 4-day week', 'the Elm Street store')."""
    found = []
    for chunk in chunks:
        if chunk.root.pos_ != "NOUN":
            continue
        if chunk.root.lower_ in {"sort", "kind", "bit", "lot", "couple"} or chunk[0].lower_ == "your":
            continue
        if any(t.dep_ in {"compound", "nummod"} or (t.dep_ == "amod" and t.like_num) for t in chunk.root.lefts):
            found.append(chunk)
    return found


def _key_content(sentence: Span, details: Details, chunks: Sequence[Span]) -> list[str]:
    """The specifics a rewrite should keep: names, numbers, days and dates, the role, the company."""
    found = [t.text for t in sentence if t.pos_ == "PROPN" or t.like_num or any(c.isdigit() for c in t.text)]
    found += [t.text for t in sentence if t.lower_.removesuffix("s") in _DATE_WORDS]  # 'Fridays'
    found += [t.text for t in sentence if _acronym(t)]  # 'EMTs', 'HR', 'ADP'
    found += [t.text for t in sentence if t.lower_ in _words("work_arrangements")]  # 'hybrid', 'part-time'
    found = [text for text in found if text.lower() not in {"one", "i"}]
    found += [chunk.text for chunk in _anchor_chunks(chunks)]
    found += [
        value
        for value in (
            details.name, details.company, details.rival, details.role, details.date, details.deadline,
            details.amount, details.who, details.waited, details.fact, details.record, details.skill, details.perk,
            details.others, details.topic, details.level, details.floor, details.paid, details.spent, details.taking,
            details.moving, details.least,
        )
        if value
    ]  # fmt: skip
    return list(dict.fromkeys(found))
