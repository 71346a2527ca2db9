"""The library API: `Analyzer().analyze(text)` and `Analyzer().pipe(texts)` return `Analysis` results."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import NamedTuple

from spacy.tokens import Doc, Span
from thinc.api import NumpyOps, get_current_ops, use_ops

from closer_tone.checklist import checklist
from closer_tone.component import DEFAULT_SPANS_KEY, CueDetector
from closer_tone.cues import CompiledRules, load_lexicon_file, select_rules, shipped_rules
from closer_tone.fast_components import (
    one_blas_thread,
    reuse_freed_memory,
    speed_up_attribute_ruler,
    speed_up_lemmatizer,
)
from closer_tone.language import language_identifier
from closer_tone.model import TrainedModel, load_model
from closer_tone.parse import cues_within, judged_sentences, load_nlp, parse, prepare, sentence_input
from closer_tone.results import Analysis, Cue, Rewrite, Sentence
from closer_tone.rewrite import Candidate, candidates, opens_with_thanks, tidy_statement
from closer_tone.screen import reason_not_judgeable
from closer_tone.tone import most_severe, statement_scores, top_label

REWRITE_BAR = 0.7
"""A rewrite is shown only if the model judges it assertive with at least this probability."""
MAX_REWRITES = 3
NO_REWRITE = "no rewrite passed the model's check; try asking a direct question about the next step"
NO_STATEMENT_REWRITE = "no rewrite of the whole statement passed the model's check; see the sentences' rewrites"
VERDICT_CACHE = 20_000
"""How many rewrite texts an Analyzer remembers the model's verdict on (phrasings recur across statements)."""
_NOT_A_STRING = "\0not a string"


class Analyzer:
    """Holds spaCy and the tone model; build one and reuse it, since loading them is the slow part.

    `model` names a model directory to use instead of the shipped one; it is read only with `trust=True`,
    since a model decides what candidates are told (see `load_model`). `disable` (rule-id prefixes) and
    `lexicons` (extra lexicon files) change which cues are shown, never what the model sees: the model was
    trained on the shipped rules and reads them all. Calls may come from several threads.
    """

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        trust: bool = False,
        disable: Sequence[str] = (),
        lexicons: Sequence[str] = (),
    ) -> None:
        if type(get_current_ops()) is NumpyOps:
            # NumPy's matrix product instead of BLIS for this pipeline only (the setting stays as it was for
            # everything else in the process): the same parses, and about 1.5x faster on this AMD Zen 3
            # machine (explosion/cython-blis#53). On a GPU, or with ops the caller chose, nothing changes.
            with use_ops("numpy", use_blis=False):
                self.nlp = load_nlp()
        else:
            self.nlp = load_nlp()
        speed_up_attribute_ruler(self.nlp)  # the same annotations: the tag map read by table lookup,
        speed_up_lemmatizer(self.nlp)  # and every lemma worked out once
        self.model: TrainedModel = load_model(model, trust=trust)
        user_rules = [rule for path in lexicons for rule in load_lexicon_file(Path(path))]
        shown = select_rules([*shipped_rules(), *user_rules], disable)
        self._shown_ids = frozenset(rule.id for rule in shown)
        self._user_rules = {rule.id: rule for rule in shown if rule in user_rules}
        self._user_matcher = CompiledRules(self.nlp.vocab, list(self._user_rules.values())) if user_rules else None
        self._lock = threading.Lock()
        self._verdicts: OrderedDict[str, _Verdict] = OrderedDict()
        """The model's reading of each rewrite text checked, most recent last."""

    def analyze(self, text: str) -> Analysis:
        return next(self.pipe([text]))

    def pipe(
        self, texts: Iterable[str], batch_size: int = 256, n_process: int = 1, *, brief: bool = False
    ) -> Iterator[Analysis]:
        """Analyses in input order, streamed: texts are parsed in batches and their sentences classified together.

        `brief=True` gives what a one-line report shows (the verdicts, the cues and the statement's rewrite) for
        less work, as `scan`'s text report does: a flagged sentence carries only the rewrites its statement's
        rewrite drew on, one as a rule, and the checklist says which moves are there without lines to add.
        Everything else is as in a full analysis.

        With `n_process` above 1 (-1: one per CPU) batches go to that many worker processes, each a copy of this
        Analyzer made by forking, so parsing, scoring and checking rewrites all run in parallel; the analyses
        are the same, in the same order. Where processes cannot be forked (Windows), everything runs here.
        """
        if isinstance(texts, str):
            raise ValueError("pipe() takes an iterable of texts; use analyze() for one text")
        workers = (os.cpu_count() or 1) if n_process == -1 else n_process
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            yield from self._pipe_in_workers(texts, batch_size, workers, brief)
        else:
            yield from self._pipe_here(texts, batch_size, brief)

    def _pipe_in_workers(self, texts: Iterable[str], batch_size: int, workers: int, brief: bool) -> Iterator[Analysis]:
        """Batches to forked copies of this Analyzer, a few in flight per worker, results taken in order."""
        self._load_lazy_parts()
        with self._lock:  # no thread of this process holds the lock while it is copied into the workers
            # What is frozen at the fork stays out of the workers' garbage collections, which otherwise walked
            # (and so copied, page by page) everything spaCy and the model hold: 0.3 s off a two-worker scan.
            gc.freeze()
            try:
                pool = multiprocessing.get_context("fork").Pool(workers, initializer=_adopt, initargs=(self,))
            finally:
                gc.unfreeze()
        with pool:
            pending: deque[AsyncResult[list[Analysis]]] = deque()
            for batch in _batches(texts, batch_size):
                pending.append(pool.apply_async(_analyze_in_worker, (batch, brief)))
                if len(pending) >= 2 * workers:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()

    def _load_lazy_parts(self) -> None:
        """Load what is otherwise loaded on first use (the cue matchers, the language identifier, the BLAS
        controller), so that forked workers share this copy instead of each loading its own: the identifier
        takes half a second and memory, and 229 of 5,000 corpus lines needed it."""
        detector = self.nlp.get_pipe("closer_tone")
        assert isinstance(detector, CueDetector)
        detector.compiled  # noqa: B018
        language_identifier()
        with one_blas_thread():
            pass

    def _pipe_here(self, texts: Iterable[str], batch_size: int, brief: bool) -> Iterator[Analysis]:
        screened: deque[tuple[str, str | None]] = deque()

        def judgeable() -> Iterator[str]:
            for text in texts:
                reason = reason_not_judgeable(text) if isinstance(text, str) else _NOT_A_STRING
                screened.append((text, reason))
                if reason == _NOT_A_STRING:
                    return
                if reason is None:
                    yield prepare(text)

        ordered = _in_input_order(screened, iter(self.nlp.pipe(judgeable(), batch_size=batch_size)))
        while True:
            with self._lock, one_blas_thread():
                batch = list(islice(ordered, batch_size))
                if not batch:
                    return
                for text, reason, _ in batch:
                    if reason == _NOT_A_STRING:
                        raise ValueError(f"closer-tone analyses strings, not {type(text).__name__}")
                analyses = self._analyze_batch(batch, brief)
            yield from analyses

    def _analyze_batch(self, batch: list[tuple[str, str | None, Doc | None]], brief: bool) -> list[Analysis]:
        parsed = [(text, doc) for text, _, doc in batch if doc is not None]
        docs = [doc for _, doc in parsed]
        sentences = [judged_sentences(doc) for doc in docs]
        scores = self._scores(sentences)
        user_cues = [self._user_matcher.find(doc) if self._user_matcher else [] for doc in docs]
        judged = [
            self._statement(text, doc, list(zip(spans, rows, strict=True)), extra)
            for (text, doc), spans, rows, extra in zip(parsed, sentences, scores, user_cues, strict=True)
        ]
        done = iter(self._with_rewrites(judged, docs, sentences, brief))
        return [
            Analysis(text=text, label=None, reason=reason) if reason is not None else next(done)
            for text, reason, _ in batch
        ]

    def _scores(self, sentences: list[list[Span]]) -> list[list[dict[str, float]]]:
        """Every judged sentence scored in one model call; scores come back grouped per text."""
        flat = iter(self.model.score([sentence_input(span) for spans in sentences for span in spans]))
        return [[next(flat) for _ in spans] for spans in sentences]

    def _checked(self, texts: list[str]) -> list[_Verdict]:
        """The model's reading of each candidate text: its sentences' scores, and whether it is free of passive
        and aggressive cues (a sentence's rewrite must remove what made the line so).

        A verdict depends on the text alone, so each distinct text is parsed once, and the verdicts on the
        most recent texts are remembered: the same phrasings are proposed for many statements.
        """
        verdicts: dict[str, _Verdict] = {}
        for text in texts:
            if text in self._verdicts:
                self._verdicts.move_to_end(text)
                verdicts[text] = self._verdicts[text]
        unknown = [text for text in dict.fromkeys(texts) if text not in verdicts]
        docs = list(parse(self.nlp, unknown))
        scores = self._scores([judged_sentences(doc) for doc in docs])
        for text, doc, rows in zip(unknown, docs, scores, strict=True):
            rules = doc.spans[DEFAULT_SPANS_KEY].attrs["rules"].values()
            verdicts[text] = self._verdicts[text] = _Verdict(
                tuple(rows), all(rule["tone"] == "assertive" for rule in rules)
            )
            if len(self._verdicts) > VERDICT_CACHE:
                self._verdicts.popitem(last=False)
        return [verdicts[text] for text in texts]

    def _with_rewrites(
        self, analyses: list[Analysis], docs: list[Doc], spans: list[list[Span]], brief: bool
    ) -> list[Analysis]:
        """Rewrites for every flagged sentence, then for each flagged statement, each checked by the model.

        A sentence shows the first MAX_REWRITES candidates the model passes, ranked by how many of the line's
        names, dates and numbers they keep (then as proposed), so candidates are checked in that order, a few
        per sentence at a time, all sentences together, until each has its rewrites or runs out of candidates.
        Brief analyses look for one per sentence, and for more only where the statement's rewrite cannot use
        the first; its rewrite comes out the same.
        """
        analyses = [
            a if a.label is None else replace(a, checklist=checklist(a.sentences, doc, suggest=not brief))
            for a, doc in zip(analyses, docs, strict=True)
        ]
        ranked: list[list[Candidate]] = []
        owners: list[tuple[int, int]] = []  # (analysis, sentence) of each ranked list
        for number, (analysis, doc, group) in enumerate(zip(analyses, docs, spans, strict=True)):
            if analysis.label is None:
                continue
            cues = doc.spans[DEFAULT_SPANS_KEY]
            for position, (sentence, span) in enumerate(zip(analysis.sentences, group, strict=True)):
                if sentence.label != "assertive":
                    proposed = candidates(span, cues_within(span, cues))
                    ranked.append(sorted(proposed, key=lambda candidate: -candidate.kept))  # stable: ties as proposed
                    owners.append((number, position))
        shown: list[list[Rewrite]] = [[] for _ in ranked]
        scored: dict[str, tuple[dict[str, float], ...]] = {}
        checked = [0] * len(ranked)
        wants = [1 if brief else MAX_REWRITES] * len(ranked)
        while True:
            self._check_candidates(ranked, wants, checked, shown, scored)
            with_rewrites = _given(analyses, owners, shown)
            drafts = [
                _draft(analysis) if analysis.label not in (None, "assertive") else None for analysis in with_rewrites
            ]
            more = [
                k
                for k, (number, position) in enumerate(owners)
                if wants[k] < MAX_REWRITES and (draft := drafts[number]) is not None and position in draft.short
            ]
            if not more:
                return [_with_statement_rewrite(a, d, scored) for a, d in zip(with_rewrites, drafts, strict=True)]
            for k in more:
                wants[k] = MAX_REWRITES

    def _check_candidates(
        self,
        ranked: list[list[Candidate]],
        wants: list[int],
        checked: list[int],
        shown: list[list[Rewrite]],
        scored: dict[str, tuple[dict[str, float], ...]],
    ) -> None:
        """Check each list's candidates in order until `wants` of them pass or none is left; a list goes on from
        where it stopped (`checked`), and the scores of those that pass are kept in `scored`."""
        while True:
            wanted = []
            for index, options in enumerate(ranked):
                more = options[checked[index] : checked[index] + wants[index] - len(shown[index])]
                checked[index] += len(more)
                wanted += [(index, candidate) for candidate in more]
            if not wanted:
                return
            for (index, candidate), verdict in zip(wanted, self._checked([c.text for _, c in wanted]), strict=True):
                if verdict.cue_free and _assertive_enough(verdict.rows):
                    shown[index].append(Rewrite(candidate.text, candidate.changes))
                    scored[candidate.text] = verdict.rows

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


class _Draft(NamedTuple):
    rewrite: Rewrite
    chosen: tuple[Rewrite, ...]
    """The rewrite used for each flagged sentence."""
    short: tuple[int, ...]
    """Positions of the flagged sentences none of whose rewrites fitted (each was said already, or thanked
    again when the statement thanks elsewhere), so the draft fell back on the first."""


def _draft(analysis: Analysis) -> _Draft | None:
    """The statement with each flagged sentence swapped for one of its rewrites; None if one has none."""
    flagged = [(position, s) for position, s in enumerate(analysis.sentences) if s.label != "assertive"]
    if not flagged or not all(s.rewrites for _, s in flagged):
        return None
    text, cursor = "", 0
    changes: list[str] = []
    chosen: list[Rewrite] = []
    short: list[int] = []
    thanked_by_rewrite = False
    for position, sentence in flagged:
        thanked = thanked_by_rewrite or any(
            i.item == "thanks" and i.sentence not in (None, sentence.text) for i in analysis.checklist
        )
        fresh = [r for r in sentence.rewrites if not (thanked and opens_with_thanks(r.text))]
        fitting = next((r for r in fresh if r.text not in {c.text for c in chosen}), None)
        if fitting is None:
            short.append(position)
        best = fitting or (fresh or sentence.rewrites)[0]
        chosen.append(best)
        thanked_by_rewrite = thanked_by_rewrite or opens_with_thanks(best.text)
        text += analysis.text[cursor : sentence.start] + best.text
        changes += best.changes
        cursor = sentence.end
    text = tidy_statement(text + analysis.text[cursor:])
    return _Draft(Rewrite(text, tuple(dict.fromkeys(changes))), tuple(chosen), tuple(short))


def _with_statement_rewrite(
    analysis: Analysis, draft: _Draft | None, scored: dict[str, tuple[dict[str, float], ...]]
) -> Analysis:
    """A flagged statement with its draft as its rewrite if the model judges the whole assertive enough.

    The whole is judged as a statement always is, from its sentences' scores: the candidate's own
    sentences as scored in the statement's parse, each rewrite as scored when it was checked (`scored`), so
    no draft is parsed again. Parsing the drafts instead gave the same verdict on 3,322 of 3,323 drafts from
    5,000 corpus statements; the one other draft, with a sentence the candidate left unpunctuated, is refused
    here and was passed there.
    """
    if analysis.label in (None, "assertive"):
        return analysis
    own = [s.scores for s in analysis.sentences if s.label == "assertive"]
    if draft is not None and _assertive_enough(own + [row for r in draft.chosen for row in scored[r.text]]):
        return replace(analysis, rewrites=(draft.rewrite,))
    return replace(analysis, rewrite_note=NO_STATEMENT_REWRITE)


class _Verdict(NamedTuple):
    rows: tuple[dict[str, float], ...]
    """The text's sentences' scores."""
    cue_free: bool
    """The text has no passive or aggressive cue."""


def _assertive_enough(rows: Sequence[dict[str, float]]) -> bool:
    """Judged assertive, with P(assertive) at or above the bar, as a statement of these sentences."""
    return (
        bool(rows)
        and most_severe(map(top_label, rows)) == "assertive"
        and statement_scores(rows)["assertive"] >= REWRITE_BAR
    )


_adopted: list[Analyzer] = []
"""In a worker process, the copy of the Analyzer that forked it (empty in the main process)."""


def _adopt(analyzer: Analyzer) -> None:
    """Take over the forked copy; its lock was copied held (the parent forks inside it), so it gets a new one.
    The worker is closer-tone's own process, so its allocator may keep freed memory for the next batch."""
    analyzer._lock = threading.Lock()
    reuse_freed_memory()
    _adopted.append(analyzer)


def _analyze_in_worker(batch: list[str], brief: bool) -> list[Analysis]:
    return list(_adopted[0]._pipe_here(batch, len(batch), brief))


def _batches(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(texts)
    while batch := list(islice(iterator, size)):
        yield batch


def _given(analyses: list[Analysis], owners: list[tuple[int, int]], shown: list[list[Rewrite]]) -> list[Analysis]:
    """The analyses with each flagged sentence given its rewrites; `owners` says whose each list of `shown` is."""
    given: dict[int, dict[int, list[Rewrite]]] = {}
    for (number, position), rewrites in zip(owners, shown, strict=True):
        given.setdefault(number, {})[position] = rewrites
    return [
        replace(
            analysis,
            sentences=tuple(
                _with_sentence_rewrites(sentence, given[number][position]) if position in given[number] else sentence
                for position, sentence in enumerate(analysis.sentences)
            ),
        )
        if number in given
        else analysis
        for number, analysis in enumerate(analyses)
    ]


def _with_sentence_rewrites(sentence: Sentence, rewrites: list[Rewrite]) -> Sentence:
    return replace(sentence, rewrites=tuple(rewrites), rewrite_note=None if rewrites else NO_REWRITE)


def _in_input_order(
    screened: deque[tuple[str, str | None]], docs: Iterator[Doc]
) -> Iterator[tuple[str, str | None, Doc | None]]:
    """Each text with why it is not judged, or with its parse, in input order.

    Parsing reads texts ahead into `screened` (the screen runs as spaCy asks for texts); a parse belongs to
    the first judgeable text not yet given its parse.
    """
    pulled: Doc | None = None
    while True:
        if not screened:
            pulled = next(docs, None)
            if not screened:
                return
        text, reason = screened.popleft()
        if reason is not None:
            yield text, reason, None
            continue
        doc = pulled if pulled is not None else next(docs)
        pulled = None
        yield text, None, doc


def _position(span: Span) -> tuple[int, int, str]:
    return span.start, span.end, span.label_
