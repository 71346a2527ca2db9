"""Faster stand-ins for two spaCy components, with identical output, and one BLAS thread while analysing.

The small English pipeline's attribute ruler runs its tag map as a Matcher at every token, and its lemmatizer
remembers only the words its rules rewrite; both cost more than the parse itself. The Analyzer swaps in a
table lookup and a lemma memory for its own pipeline only (training uses spaCy's as it is), and
`tests/test_fast_components.py` checks every annotation against spaCy's own on the corpus.
"""

from __future__ import annotations

import ctypes
import platform
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from itertools import product
from operator import itemgetter
from typing import Any

import numpy
from spacy.errors import Errors
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs
from spacy.vocab import Vocab
from threadpoolctl import ThreadpoolController

from closer_tone.rule_index import FLAG_ATTRS, STRING_ATTRS, PatternScreen


class LookupMatcher:
    """Stands in for a spaCy `Matcher` of one-token patterns (the attribute ruler's tag map) with the same matches.

    A pattern of one token naming exact values (a tag, a word, a dependency, or a short list of them, and
    flags such as IS_SPACE), perhaps with values it must not have (NOT_IN), is a table lookup instead of a
    state machine run at every token, and what a token with the same values matched is remembered (a tag, a
    word and a dependency recur: the lookups were most of the ruler's time); any other pattern stays with a
    Matcher of its own, run only on a doc that a `PatternScreen` says it could match. Matches come back
    deduplicated like the Matcher's, in another order, which the attribute ruler sorts anyway; anything but
    plain (match_id, start, end) calls, and every other method, go to the original matcher.
    """

    _MAX_COMBINATIONS = 256

    def __init__(self, original: Matcher, vocab: Vocab, keys: Sequence[str], limit: int = 100_000) -> None:
        self._original = original
        self._vocab = vocab
        self._keys = list(keys)
        self._limit = limit
        self._build()

    def _build(self) -> None:
        self._rest = Matcher(self._vocab)
        rest: list[Any] = []
        found: dict[tuple[str, ...], dict[Any, list[tuple[int, tuple[tuple[str, frozenset[int]], ...]]]]] = {}
        for key in self._keys:
            match_id = self._vocab.strings.add(key)
            for pattern in self._original.get(key)[1]:
                lookup = _lookup(pattern)
                if lookup is None:
                    self._rest.add(key, [pattern])
                    rest.append(pattern)
                    continue
                choices, excluded = lookup
                attrs = tuple(sorted(choices))
                table = found.setdefault(attrs, {})
                for values in product(*(sorted(choices[attr]) for attr in attrs)):
                    table.setdefault(values if len(values) > 1 else values[0], []).append((match_id, excluded))
        self._rest_screen = PatternScreen(self._vocab.strings, [(rest, [])])
        """Whether a doc could match any other pattern ('gon' 'na', 'let' "'s"): rarely, so the Matcher seldom runs."""
        self._columns: list[int | str] = sorted(
            {attr for attrs in found for attr in attrs}
            | {attr for table in found.values() for entries in table.values() for _, ex in entries for attr, _ in ex}
            | set(self._rest_screen.columns)
        )
        column = {attr: number for number, attr in enumerate(self._columns)}
        self._rest_positions = [column[attr] for attr in self._rest_screen.columns]
        self._tables = [
            (
                itemgetter(*(column[attr] for attr in attrs)),
                {
                    values: [(match_id, tuple((column[a], v) for a, v in ex)) for match_id, ex in entries]
                    for values, entries in table.items()
                },
            )
            for attrs, table in found.items()
        ]
        self._known: dict[tuple[int, ...], tuple[tuple[int, ...], frozenset[int]]] = {}
        """For each set of values in `_columns` seen so far: the patterns a token with them matches, and the other
        patterns' tests it passes."""

    def __call__(
        self, doclike: Doc, *, as_spans: bool = False, allow_missing: bool = False, with_alignments: bool = False
    ) -> Any:
        if as_spans or with_alignments or not allow_missing or not isinstance(doclike, Doc) or not len(doclike):
            original: Any = self._original
            return original(doclike, as_spans=as_spans, allow_missing=allow_missing, with_alignments=with_alignments)
        known = self._known
        matches = []
        rest_tests = []
        for i, row in enumerate(map(tuple, doclike.to_array(self._columns).tolist()) if self._columns else ()):
            entry = known.get(row)
            if entry is None:
                if len(known) >= self._limit:
                    known.clear()
                rest_row = tuple(row[position] for position in self._rest_positions)
                entry = known[row] = (self._ids(row), self._rest_screen.tests_of(rest_row))
            matches += [(match_id, i, i + 1) for match_id in entry[0]]
            rest_tests.append(entry[1])
        if len(self._rest) and self._rest_screen.meeting(rest_tests):
            return list(set(matches).union(self._rest(doclike, allow_missing=True)))
        return matches

    def _ids(self, row: tuple[int, ...]) -> tuple[int, ...]:
        """The patterns a token with these values matches: what a token matches depends on them alone."""
        found: set[int] = set()
        for getter, table in self._tables:
            for match_id, excluded in table.get(getter(row), ()):
                if not any(row[c] in values for c, values in excluded):
                    found.add(match_id)
        return tuple(sorted(found))

    def add(self, key: str, patterns: Any, **options: Any) -> None:
        self._original.add(key, patterns, **options)
        self._keys.append(key)
        self._build()

    def __len__(self) -> int:
        return len(self._original)

    def __contains__(self, key: object) -> bool:
        return key in self._original  # type: ignore[operator]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


def _lookup(pattern: object) -> tuple[dict[str, frozenset[int]], tuple[tuple[str, frozenset[int]], ...]] | None:
    """For a one-token pattern of exact values, each attribute's allowed values and the values it must not
    have (NOT_IN); None for any other pattern."""
    if not isinstance(pattern, list) or len(pattern) != 1 or not isinstance(pattern[0], dict):
        return None
    choices: dict[str, frozenset[int]] = {}
    excluded: list[tuple[str, frozenset[int]]] = []
    for key, value in pattern[0].items():
        attr = {"TEXT": "ORTH"}.get(str(key).upper(), str(key).upper())
        if attr in STRING_ATTRS and isinstance(value, str):
            choices[attr] = frozenset({get_string_id(value)})
        elif attr in STRING_ATTRS and isinstance(value, dict) and len(value) == 1 and isinstance(value.get("IN"), list):
            if not value["IN"] or not all(isinstance(item, str) for item in value["IN"]):
                return None
            choices[attr] = frozenset(get_string_id(item) for item in value["IN"])
        elif (
            attr in STRING_ATTRS
            and isinstance(value, dict)
            and list(value) == ["NOT_IN"]
            and isinstance(value["NOT_IN"], list)
        ):
            if not all(isinstance(item, str) for item in value["NOT_IN"]):
                return None
            excluded.append((attr, frozenset(get_string_id(item) for item in value["NOT_IN"])))
        elif attr in FLAG_ATTRS | {"IS_SPACE"} and isinstance(value, bool):
            choices[attr] = frozenset({int(value)})
        else:
            return None
    combinations = 1
    for values in choices.values():
        combinations *= len(values)
    if not choices or combinations > LookupMatcher._MAX_COMBINATIONS:
        return None
    return choices, tuple(excluded)


def speed_up_attribute_ruler(nlp: Language) -> None:
    """Give the pipeline's attribute ruler a `LookupMatcher`: the same tags, lemmas and morphology, faster."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler: Any = nlp.get_pipe("attribute_ruler")
    matcher = getattr(ruler, "matcher", None)
    if not isinstance(matcher, Matcher) or not hasattr(ruler, "attrs") or not hasattr(ruler, "indices"):
        return
    ruler.matcher = LookupMatcher(matcher, nlp.vocab, [str(i) for i in range(len(ruler.attrs))])
    one_by_one = ruler.set_annotations

    def set_annotations(doc: Doc, matches: list[tuple[int, int, int, int]]) -> None:
        """The ruler's own, in the same order, without a Span for each one-token match."""
        for match in matches:
            attr_id, _, start, end = match
            if end - start == 1 and ruler.indices[attr_id] in (0, -1):
                set_token_attrs(doc[start], ruler.attrs[attr_id])
            else:
                one_by_one(doc, [match])

    ruler.set_annotations = set_annotations


def speed_up_lemmatizer(nlp: Language, limit: int = 50_000) -> None:
    """Remember the rule lemmatizer's answer for each word, part of speech and morphology.

    A lemma depends on those three alone (spaCy's own cache uses the same key), but spaCy remembers only the
    words its rules rewrite: base forms, most words of a sentence, were worked out again every time, token by
    token. The lemmatizer becomes a `RememberingLemmatizer`, which reads the keys of a whole doc at once.
    """
    if "lemmatizer" not in nlp.pipe_names:
        return
    lemmatizer = nlp.get_pipe("lemmatizer")
    if not isinstance(lemmatizer, Lemmatizer) or type(lemmatizer).__call__ is not Lemmatizer.__call__:
        return
    if lemmatizer.mode != "rule" or lemmatizer.lemmatize != lemmatizer.rule_lemmatize:
        return
    lemmatizer.__class__ = _remembering(type(lemmatizer))  # type: ignore[arg-type]
    lemmatizer._known = {}  # type: ignore[attr-defined]
    lemmatizer._limit = limit  # type: ignore[attr-defined]
    if lemmatizer.lookups.has_table("lemma_index"):
        index = lemmatizer.lookups.get_table("lemma_index")
        for part_of_speech, words in list(index.items()):
            if isinstance(words, list):
                index[part_of_speech] = _WordList(words)


class _WordList(list[str]):
    """A lemma index's list of known words that answers `in` from a set, and is still a list to save.

    The rule lemmatizer asks whether each form it makes is a known word, and the small English model's index
    is a list (57,528 nouns): each new word's lemma took a scan of it, about half of the lemmatizer's time on
    a first pass over 5,000 statements.
    """

    def __init__(self, words: list[str]) -> None:
        super().__init__(words)
        self._known = frozenset(words)

    def __contains__(self, word: object) -> bool:
        return word in self._known


@cache
def _remembering(base: type[Lemmatizer]) -> type[Lemmatizer]:
    class RememberingLemmatizer(base):  # type: ignore[valid-type,misc]
        """`Lemmatizer.__call__`, with each lemma worked out once per word, part of speech and morphology."""

        _known: dict[tuple[int, int, int], int]
        _limit: int

        def __call__(self, doc: Doc) -> Doc:
            if not self._validated:
                self._validate_tables(Errors.E1004)
            error_handler = self.get_error_handler()
            try:
                if not len(doc):
                    return doc
                rows = doc.to_array(["ORTH", "POS", "MORPH", "LEMMA"]).tolist()
                lemmas = []
                for i, (orth, pos, morph, lemma) in enumerate(rows):
                    if self.overwrite or lemma == 0:
                        key = (orth, pos, morph)
                        lemma = self._known.get(key)
                        if lemma is None:
                            if len(self._known) >= self._limit:
                                self._known.clear()
                            lemma = self._known[key] = self.vocab.strings.add(self.lemmatize(doc[i])[0])
                    lemmas.append(lemma)
                doc.from_array(["LEMMA"], numpy.asarray(lemmas, dtype="uint64").reshape(-1, 1))  # type: ignore[arg-type]
                return doc
            except Exception as e:
                error_handler(self.name, self, [doc], e)
                return doc

    return RememberingLemmatizer


class _Blas:
    """How many Analyzers are working, and the limit to undo when none is."""

    lock = threading.Lock()
    working = 0
    limiter: Any = None


@cache
def _blas_controller() -> ThreadpoolController:
    """Built on first use: it looks through the libraries loaded by then, NumPy's BLAS among them."""
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """NumPy's BLAS on one thread while an Analyzer works, and as it was as soon as none is working.

    The pipeline's matrices are small: a second BLAS thread saved no time here, kept a second core spinning,
    and under load (or beside spaCy's worker processes) made a batch about 1.5x slower.
    """
    controller = _blas_controller()
    with _Blas.lock:
        if not _Blas.working:
            _Blas.limiter = controller.limit(limits=1, user_api="blas")
        _Blas.working += 1
    try:
        yield
    finally:
        with _Blas.lock:
            _Blas.working -= 1
            if not _Blas.working and _Blas.limiter is not None:
                _Blas.limiter.restore_original_limits()
                _Blas.limiter = None


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


def reuse_freed_memory(keep: int = 128 << 20) -> None:
    """Have this process's C allocator keep large freed blocks for reuse, for a process that analyses many batches.

    Every batch allocates the same few-megabyte arrays (the parse's activations), and glibc by default gave each
    one fresh memory, faulted in page by page: a two-worker scan of 5,000 lines took 380,000 page faults, and
    170,000 with this, about 0.3 s sooner (9.26 s -> 8.92 s, medians of five). Set only in processes closer-tone
    owns (its commands and worker processes), since it holds up to `keep` bytes back from the system; where the
    C library is not glibc, nothing changes.
    """
    if sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        return
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, keep // 2)
        mallopt(_M_TRIM_THRESHOLD, keep)
