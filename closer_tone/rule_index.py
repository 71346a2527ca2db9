"""Patterns indexed by what a doc must contain for them to match, so most matchers never run on most docs.

spaCy's Matcher tries every pattern at every token; with about a hundred cue rules that cost more than the
parse. `IndexedRules` finds the same cues as `CompiledRules`, running only the rules whose required words,
lemmas, tags or dependencies the doc has; `PatternScreen` says which those are, for the attribute ruler's
rare multi-token patterns too.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat
from typing import Any

import numpy as np
from spacy.matcher import DependencyMatcher, Matcher
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from closer_tone.cues import CompiledRules, CueRule, add_rule

# What a token spec can say that a doc can be checked for cheaply, as `Doc.to_array` reads it. Anything else
# in a spec (extensions, fuzzy matching, ...) is left to the matcher: the test only ever rules a pattern out.
STRING_ATTRS = {"LOWER", "ORTH", "NORM", "LEMMA", "TAG", "POS", "DEP"}
FLAG_ATTRS = {"IS_UPPER", "IS_PUNCT", "IS_ALPHA", "LIKE_NUM"}
_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_ANNOTATIONS = ("TAG", "POS", "MORPH", "LEMMA", "DEP")  # what a Matcher checks a doc has before matching
_REPEAT = re.compile(r"^\{\s*(\d*)\s*(,\s*\d*\s*)?\}$")


@dataclass(frozen=True)
class _TokenTest:
    """What one token a pattern must match has to be: each attribute one of some values, each check true."""

    exact: tuple[tuple[str, frozenset[int]], ...]
    checks: tuple[tuple[str, Callable[[int], bool]], ...]


class PatternScreen:
    """Which owners' spaCy patterns could match a doc, from a lookup per token, before any matcher runs.

    A pattern can only match a doc that has, for every token the pattern must match, a token with the exact
    values the pattern names for it (words, lemmas, tags, parts of speech, dependencies, sentence starts,
    flags such as IS_UPPER) and passing its REGEX, NOT_IN and LENGTH checks; a spec the pattern repeats
    ('!', '!', '!+') needs that many such tokens. Which tests a token passes is looked up in an index of the
    values the tests name and remembered for tokens with the same values (words, tags and dependencies
    recur). An owner with a pattern that requires nothing checkable may always match.
    """

    def __init__(
        self, strings: StringStore, owners: Sequence[tuple[Sequence[Any], Sequence[Any]]], limit: int = 100_000
    ) -> None:
        """`owners`: each owner's token patterns and dependency patterns."""
        self._strings = strings
        self._limit = limit
        tests: dict[_TokenTest, int] = {}
        self._patterns: list[tuple[int, frozenset[int], tuple[tuple[int, int], ...]]] = []
        """Per pattern: its owner, the tests some token of a doc must pass, and how many tokens must pass a
        test the pattern has for more than one token."""
        self._always: list[int] = []
        for number, (token_patterns, dependency_patterns) in enumerate(owners):
            needs = [self._pattern_needs(p) for p in token_patterns]
            needs += [self._pattern_needs(p, dependency=True) for p in dependency_patterns]
            if not all(needs):
                self._always.append(number)
                continue
            for needed in needs:
                counted = Counter(tests.setdefault(test, len(tests)) for test in needed)
                self._patterns.append((number, frozenset(counted), tuple((t, n) for t, n in counted.items() if n > 1)))
        self._columns: list[int | str] = sorted(
            {attr for test in tests for attr, _ in test.exact} | {attr for test in tests for attr, _ in test.checks}
        )
        column = {attr: number for number, attr in enumerate(self._columns)}
        self._parts: dict[tuple[int, int], list[int]] = {}
        """The tests with an exact part that a token's (column, value) meets."""
        self._exact_parts: list[int] = []
        """Per test, how many exact parts a token must meet."""
        self._checked: dict[int, tuple[tuple[int, Callable[[int], bool]], ...]] = {}
        """The checks of each test that has any, by the column each reads."""
        for test, number in tests.items():
            for attr, values in test.exact:
                for value in values:
                    self._parts.setdefault((column[attr], value), []).append(number)
            self._exact_parts.append(len(test.exact))
            if test.checks:
                self._checked[number] = tuple((column[attr], check) for attr, check in test.checks)
        self._checks_only = [number for number, exact in enumerate(self._exact_parts) if not exact]
        self._passed: dict[tuple[int, ...], frozenset[int]] = {}
        """The tests passed by a token with each set of values in `_columns`, as worked out so far."""
        # Every pattern's tests end to end, so one gather and one `reduceat` say which patterns a doc meets.
        self._flat = np.asarray([t for _, needed, _ in self._patterns for t in sorted(needed)], dtype=np.intp)
        self._starts = np.cumsum([0] + [len(needed) for _, needed, _ in self._patterns[:-1]], dtype=np.intp)
        self._repeats = {index: repeated for index, (_, _, repeated) in enumerate(self._patterns) if repeated}

    @property
    def columns(self) -> list[int | str]:
        """The token attributes the tests read, in the order `tests_of` takes their values."""
        return self._columns

    def possible(self, doc: Doc) -> set[int]:
        """The owners with a pattern the doc meets the needs of: the only ones whose patterns can match it."""
        rows = list(map(tuple, doc.to_array(self._columns).tolist())) if self._columns else [()]
        seen = list(map(self._passed.get, rows))
        return self.meeting(
            [self._learn(row) if tests is None else tests for row, tests in zip(rows, seen, strict=True)]
        )

    def tests_of(self, row: tuple[int, ...]) -> frozenset[int]:
        """The tests a token with these values (of `columns`, in order) passes."""
        tests = self._passed.get(row)
        return self._learn(row) if tests is None else tests

    def meeting(self, by_token: Sequence[frozenset[int]]) -> set[int]:
        """The owners with a pattern met by tokens that pass these tests (one set per token)."""
        possible = set(self._always)
        union = set().union(*by_token)
        if not self._patterns or not union:
            return possible
        passed = np.zeros(len(self._exact_parts), dtype=bool)
        passed[list(union)] = True
        for index in np.flatnonzero(np.logical_and.reduceat(passed[self._flat], self._starts)).tolist():
            repeated = self._repeats.get(index, ())
            if all(sum(t in tests for tests in by_token) >= n for t, n in repeated):
                possible.add(self._patterns[index][0])
        return possible

    def _learn(self, row: tuple[int, ...]) -> frozenset[int]:
        """The tests a token with these values passes (every exact part met, then every check true), kept."""
        if len(self._passed) >= self._limit:
            self._passed.clear()
        parts, checked = self._exact_parts, self._checked
        counts = Counter(chain.from_iterable(map(self._parts.get, enumerate(row), repeat(()))))
        met = [test for test, count in counts.items() if count == parts[test]]
        passed = self._passed[row] = frozenset(
            test
            for test in chain(met, self._checks_only)
            if test not in checked or all(check(row[number]) for number, check in checked[test])
        )
        return passed

    def _pattern_needs(self, pattern: object, dependency: bool = False) -> list[_TokenTest]:
        """What a pattern needs from a doc: a test per token it must match; [] when it needs nothing checkable.

        Every node of a dependency pattern matches a token; a token pattern's spec with the operator '?', '*',
        '!' or a repeat from zero may match none.
        """
        specs: list[dict[str, Any]] = [s for s in pattern if isinstance(s, dict)] if isinstance(pattern, list) else []
        if dependency:
            specs = [spec["RIGHT_ATTRS"] for spec in specs if isinstance(spec.get("RIGHT_ATTRS"), dict)]
        tests = [self._token_test(spec) for spec in specs if dependency or _must_match(spec)]
        return [test for test in tests if test.exact or test.checks]

    def _token_test(self, spec: dict[str, Any]) -> _TokenTest:
        exact: list[tuple[str, frozenset[int]]] = []
        checks: list[tuple[str, Callable[[int], bool]]] = []
        exclusions: list[tuple[str, Callable[[int], bool]]] = []
        for key, value in spec.items():
            attr = {"TEXT": "ORTH", "IS_SENT_START": "SENT_START"}.get(str(key).upper(), str(key).upper())
            if attr in STRING_ATTRS and isinstance(value, str):
                exact.append((attr, frozenset({get_string_id(value)})))
            elif attr in STRING_ATTRS and isinstance(value, dict):
                listed = value.get("IN")
                if isinstance(listed, list) and all(isinstance(item, str) for item in listed):
                    exact.append((attr, frozenset(get_string_id(item) for item in listed)))
                if isinstance(value.get("REGEX"), str):
                    checks.append((attr, partial(_searches, re.compile(value["REGEX"]), self._strings)))
                unwanted = value.get("NOT_IN")
                if isinstance(unwanted, list) and all(isinstance(item, str) for item in unwanted):
                    exclusions.append((attr, partial(_absent, frozenset(get_string_id(item) for item in unwanted))))
            elif attr in FLAG_ATTRS and isinstance(value, bool):
                exact.append((attr, frozenset({int(value)})))
            elif attr == "SENT_START" and value is True:
                exact.append((attr, frozenset({1})))
            elif attr == "LENGTH" and isinstance(value, int) and not isinstance(value, bool):
                exact.append((attr, frozenset({value})))
            elif attr == "LENGTH" and isinstance(value, dict):
                for op, bound in value.items():
                    if op in _COMPARE and isinstance(bound, int) and not isinstance(bound, bool):
                        checks.append((attr, partial(_compares, _COMPARE[op], bound)))
        # A NOT_IN list narrows a test that names values; on its own, nearly every token would pass it.
        return _TokenTest(tuple(exact), tuple(checks + exclusions) if exact else tuple(checks))


class IndexedRules(CompiledRules):
    """The same cues as `CompiledRules.find`, without running rules that cannot match the doc.

    A single spaCy `Matcher` tries every pattern at every token; with a hundred rules that took longer than
    the parse itself. Here each rule has its own matchers, run only when a `PatternScreen` says the doc
    meets the needs of one of its patterns, so the cues found are exactly the ones the single matcher finds.
    """

    def __init__(self, vocab: Vocab, rules: Sequence[CueRule]) -> None:
        # Each rule's own matchers validate its patterns, with the same errors; the all-in-one matchers are
        # built only if a doc without a parse needs them (a tenth of a second off every command's start).
        super().__init__(vocab, rules, build_now=False)
        self._rules: list[tuple[str, Matcher | None, DependencyMatcher | None]] = []
        for rule in rules:
            own = Matcher(vocab, validate=True), DependencyMatcher(vocab, validate=True)
            add_rule(rule, *own)
            self._rules.append(
                (rule.id, own[0] if rule.patterns else None, own[1] if rule.dependency_patterns else None)
            )
        self._screen = PatternScreen(vocab.strings, [(rule.patterns, rule.dependency_patterns) for rule in rules])

    def find(self, doc: Doc) -> list[Span]:
        if not len(doc):
            return []
        if not all(doc.has_annotation(attr) for attr in _ANNOTATIONS):
            return super().find(doc)  # the single matcher says which annotation is missing, as it always did
        by_rule: dict[str, list[Span]] = {}
        for number in sorted(self._screen.possible(doc)):
            rule_id, matcher, dependency_matcher = self._rules[number]
            found: list[Span] = []
            if matcher is not None:
                found += [Span(doc, start, end, label=rule_id) for _, start, end in matcher(doc, allow_missing=True)]
            if dependency_matcher is not None:
                found += [Span(doc, min(ids), max(ids) + 1, label=rule_id) for _, ids in dependency_matcher(doc)]
            if found:
                by_rule[rule_id] = found
        return self.settled(by_rule)


def _searches(pattern: re.Pattern[str], strings: Any, value: int) -> bool:
    return bool(pattern.search(strings[value]))


def _absent(values: frozenset[int], value: int) -> bool:
    return value not in values


def _compares(compare: Callable[[int, int], bool], bound: int, value: int) -> bool:
    return compare(value, bound)


def _must_match(spec: dict[str, Any]) -> bool:
    """Whether a token spec has to match at least one token (no operator, '+', or a repeat of at least one)."""
    op = spec.get("OP")
    if op is None or op == "+":
        return True
    repeat = _REPEAT.match(op) if isinstance(op, str) else None
    return bool(repeat and repeat.group(1) and int(repeat.group(1)) >= 1)
