"""The library API: `Analyzer().analyze(text)` and `Analyzer().pipe(texts)` return `Analysis` results."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path

from spacy.tokens import Doc, Span

from closer_tone.checklist import checklist
from closer_tone.component import DEFAULT_SPANS_KEY
from closer_tone.cues import CompiledRules, load_lexicon_file, select_rules, shipped_rules
from closer_tone.model import TrainedModel, load_model
from closer_tone.parse import cues_within, judged_sentences, load_nlp, parse, sentence_input
from closer_tone.results import Analysis, Cue, Rewrite, Sentence
from closer_tone.rewrite import candidates, tidy_statement
from closer_tone.screen import reason_not_judgeable
from closer_tone.tone import most_severe, statement_scores, top_label

REWRITE_BAR = 0.7
"""A rewrite is shown only if the model judges it assertive with at least this probability."""
MAX_REWRITES = 3
NO_REWRITE = "no rewrite passed the model's check; try asking a direct question about the next step"
NO_STATEMENT_REWRITE = "no rewrite of the whole statement passed the model's check; see the sentences' rewrites"


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
            docs, sentences, scores = self._scored(judgeable)
            user_cues = [self._user_matcher.find(doc) if self._user_matcher else [] for doc in docs]
            judged = [
                self._statement(text, doc, list(zip(spans, rows, strict=True)), extra)
                for text, doc, spans, rows, extra in zip(judgeable, docs, sentences, scores, user_cues, strict=True)
            ]
            judged = self._with_rewrites(judged, docs, sentences)
        results, done = [], iter(judged)
        for text, reason in zip(texts, reasons, strict=True):
            results.append(Analysis(text=text, label=None, reason=reason) if reason is not None else next(done))
        return results

    def _scored(self, texts: list[str]) -> tuple[list[Doc], list[list[Span]], list[list[dict[str, float]]]]:
        """Parse texts and score every judged sentence in one model call; scores come back grouped per text."""
        docs = list(parse(self.nlp, texts))
        sentences = [judged_sentences(doc) for doc in docs]
        flat = iter(self.model.score([sentence_input(span) for spans in sentences for span in spans]))
        return docs, sentences, [[next(flat) for _ in spans] for spans in sentences]

    def _verified(self, texts: list[str]) -> list[bool]:
        """Which candidate texts the model itself judges assertive, with P(assertive) >= the bar."""
        verdicts = []
        for rows in self._scored(texts)[2]:
            assertive = bool(rows) and most_severe(map(top_label, rows)) == "assertive"
            verdicts.append(assertive and statement_scores(rows)["assertive"] >= REWRITE_BAR)
        return verdicts

    def _with_rewrites(self, analyses: list[Analysis], docs: list[Doc], spans: list[list[Span]]) -> list[Analysis]:
        """Rewrites for every flagged sentence, then for each flagged statement, each checked by the model."""
        proposals = []
        for analysis, doc, group in zip(analyses, docs, spans, strict=True):
            if analysis.label is None:
                continue
            cues = doc.spans[DEFAULT_SPANS_KEY]
            for sentence, span in zip(analysis.sentences, group, strict=True):
                if sentence.label != "assertive":
                    proposals += [(sentence, c) for c in candidates(span, cues_within(span, cues))]
        verdicts = self._verified([candidate.text for _, candidate in proposals])
        ranked: dict[int, list[tuple[int, int, Rewrite]]] = {}
        for order, ((sentence, candidate), ok) in enumerate(zip(proposals, verdicts, strict=True)):
            if ok:
                rewrite = Rewrite(candidate.text, candidate.changes)
                ranked.setdefault(id(sentence), []).append((-candidate.kept, order, rewrite))
        # Among the rewrites the model passes, the ones keeping most of the line's names, dates and numbers first.
        passed = {key: [rewrite for *_, rewrite in sorted(options)[:MAX_REWRITES]] for key, options in ranked.items()}
        updated = []
        for analysis, doc in zip(analyses, docs, strict=True):
            if analysis.label is None:
                updated.append(analysis)
                continue
            sentences = tuple(
                s
                if s.label == "assertive"
                else replace(
                    s,
                    rewrites=tuple(passed.get(id(s), [])),
                    rewrite_note=None if passed.get(id(s)) else NO_REWRITE,
                )
                for s in analysis.sentences
            )
            updated.append(replace(analysis, sentences=sentences, checklist=checklist(sentences, doc)))
        return self._with_statement_rewrites(updated)

    def _with_statement_rewrites(self, analyses: list[Analysis]) -> list[Analysis]:
        drafts: dict[int, Rewrite] = {}
        for index, analysis in enumerate(analyses):
            flagged = [s for s in analysis.sentences if s.label != "assertive"]
            if flagged and all(s.rewrites for s in flagged):
                text, cursor = "", 0
                changes: list[str] = []
                used: set[str] = set()
                for sentence in flagged:
                    best = next((r for r in sentence.rewrites if r.text not in used), sentence.rewrites[0])
                    used.add(best.text)
                    text += analysis.text[cursor : sentence.start] + best.text
                    changes += best.changes
                    cursor = sentence.end
                text = tidy_statement(text + analysis.text[cursor:])
                drafts[index] = Rewrite(text, tuple(dict.fromkeys(changes)))
        verdicts = dict(zip(drafts, self._verified([d.text for d in drafts.values()]), strict=True))
        updated = []
        for index, analysis in enumerate(analyses):
            if analysis.label in (None, "assertive"):
                updated.append(analysis)
            elif verdicts.get(index):
                updated.append(replace(analysis, rewrites=(drafts[index],)))
            else:
                updated.append(replace(analysis, rewrite_note=NO_STATEMENT_REWRITE))
        return updated

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
            label = top_label(scores)
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
