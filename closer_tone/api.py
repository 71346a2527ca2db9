"""The library API: `Analyzer().analyze(text)` and `Analyzer().pipe(texts)` return `Analysis` results.

Every result is a frozen dataclass of plain values, with character offsets into the caller's own text, so it
can be kept, compared and turned into JSON (`to_dict()`) without spaCy objects hanging on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from spacy.tokens import Doc, Span

from closer_tone.component import DEFAULT_SPANS_KEY
from closer_tone.cues import CompiledRules, load_lexicon_file, select_rules, shipped_rules
from closer_tone.model import TrainedModel, load_model
from closer_tone.parse import cues_within, judged_sentences, load_nlp, parse, sentence_input
from closer_tone.screen import reason_not_judgeable
from closer_tone.tone import most_severe, statement_scores


@dataclass(frozen=True)
class Cue:
    """Words that push a sentence towards a tone: `text == analysed_text[start:end]`."""

    start: int
    end: int
    text: str
    rule: str
    tone: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Rewrite:
    text: str
    changes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "changes": list(self.changes)}


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    label: str
    scores: dict[str, float]
    cues: tuple[Cue, ...] = ()
    rewrites: tuple[Rewrite, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "scores": dict(self.scores),
            "cues": [cue.to_dict() for cue in self.cues],
            "rewrites": [rewrite.to_dict() for rewrite in self.rewrites],
        }


@dataclass(frozen=True)
class Analysis:
    """The verdict on one statement; `label` is None, with a `reason`, when the text is not a closing line."""

    text: str
    label: str | None
    reason: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    sentences: tuple[Sentence, ...] = ()
    rewrites: tuple[Rewrite, ...] = ()

    @property
    def cues(self) -> tuple[Cue, ...]:
        return tuple(cue for sentence in self.sentences for cue in sentence.cues)

    @property
    def confidence(self) -> float | None:
        return None if self.label is None else self.scores[self.label]

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "label": self.label,
            "reason": self.reason,
            "scores": dict(self.scores),
            "sentences": [sentence.to_dict() for sentence in self.sentences],
            "cues": [cue.to_dict() for cue in self.cues],
            "rewrites": [rewrite.to_dict() for rewrite in self.rewrites],
        }


class Analyzer:
    """Holds spaCy and the tone model; build one and reuse it, since loading them is the slow part.

    `model` names a model directory to use instead of the shipped one. `disable` (rule-id prefixes) and
    `lexicons` (extra lexicon files) change which cues are shown, never what the model sees: the model was
    trained on the shipped rules and reads them all. Calls may come from several threads.
    """

    def __init__(self, model: Path | None = None, *, disable: Sequence[str] = (), lexicons: Sequence[str] = ()) -> None:
        self.nlp = load_nlp()
        self.model: TrainedModel = load_model(model)
        user_rules = [rule for path in lexicons for rule in load_lexicon_file(Path(path))]
        shown = select_rules([*shipped_rules(), *user_rules], disable)
        self._shown_ids = frozenset(rule.id for rule in shown)
        self._user_rules = {rule.id: rule for rule in shown if rule in user_rules}
        self._user_matcher = CompiledRules(self.nlp.vocab, list(self._user_rules.values())) if user_rules else None
        self._lock = threading.Lock()

    def analyze(self, text: str) -> Analysis:
        return next(self.pipe([text]))

    def pipe(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[Analysis]:
        """Analyses in input order; texts are parsed in batches and their sentences classified together."""
        if isinstance(texts, str):
            raise ValueError("pipe() takes an iterable of texts; use analyze() for one text")
        iterator = iter(texts)
        while batch := list(islice(iterator, batch_size)):
            yield from self._analyze_batch(batch)

    def _analyze_batch(self, texts: list[str]) -> list[Analysis]:
        for text in texts:
            if not isinstance(text, str):
                raise ValueError(f"closer-tone analyses strings, not {type(text).__name__}")
        reasons = [reason_not_judgeable(text) for text in texts]
        judgeable = [text for text, reason in zip(texts, reasons, strict=True) if reason is None]
        with self._lock:
            docs = list(parse(self.nlp, judgeable))
            sentences = [judged_sentences(doc) for doc in docs]
            scores = iter(self.model.score([sentence_input(span) for spans in sentences for span in spans]))
            user_cues = [self._user_matcher.find(doc) if self._user_matcher else [] for doc in docs]
        parsed = iter(zip(judgeable, docs, sentences, user_cues, strict=True))
        results = []
        for text, reason in zip(texts, reasons, strict=True):
            if reason is not None:
                results.append(Analysis(text=text, label=None, reason=reason))
                continue
            text, doc, spans, extra = next(parsed)
            results.append(self._statement(text, doc, [(span, next(scores)) for span in spans], extra))
        return results

    def _statement(
        self, text: str, doc: Doc, scored: list[tuple[Span, dict[str, float]]], user_cues: list[Span]
    ) -> Analysis:
        if not scored:
            return Analysis(text=text, label=None, reason="the text has no sentence to judge")
        group = doc.spans[DEFAULT_SPANS_KEY]
        found = [cue for cue in group if cue.label_ in self._shown_ids]
        sentences = []
        for span, scores in scored:
            cues = tuple(
                self._cue(text, cue, group.attrs["rules"].get(cue.label_))
                for cue in sorted(cues_within(span, found) + cues_within(span, user_cues), key=_position)
            )
            label = max(scores, key=scores.__getitem__)
            sentences.append(
                Sentence(text[span.start_char : span.end_char], span.start_char, span.end_char, label, scores, cues)
            )
        return Analysis(
            text=text,
            label=most_severe(sentence.label for sentence in sentences),
            scores=statement_scores([sentence.scores for sentence in sentences]),
            sentences=tuple(sentences),
        )

    def _cue(self, text: str, span: Span, shipped: dict[str, object] | None) -> Cue:
        """A cue with the user's own characters (curly quotes and all) and its rule's tone and message."""
        rule = self._user_rules.get(span.label_)
        tone, message = (rule.tone, rule.message) if rule else (str(shipped["tone"]), str(shipped["message"]))  # type: ignore[index]
        return Cue(span.start_char, span.end_char, text[span.start_char : span.end_char], span.label_, tone, message)


def _position(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.label_
