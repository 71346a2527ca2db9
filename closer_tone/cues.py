"""Cue rules as data: the schema of a lexicon file, loading and validating it, and compiling it for spaCy.

A lexicon file (`closer_tone/lexicon/*.json`, or a user's own file) is one cue family:

    {"family": "hedge", "description": "...",
     "rules": [{"id": "hedge.just", "tone": "passive", "weight": 1.0, "message": "...",
                "patterns": [[{"LOWER": "just"}, ...], ...],            # spaCy Matcher patterns, or
                "dependency_patterns": [[{"RIGHT_ID": ...}, ...], ...],  # DependencyMatcher patterns
                "only_in": "question",                  # optional: count it only inside a question
                "unless_sentence_has": ["why", ...],    # optional: not in a sentence with any of these words
                "examples": {"flag": ["..."], "pass": ["..."]}}]}

Every rule carries the examples it must and must not flag, and the test suite runs them all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans
from spacy.vocab import Vocab

from closer_tone.errors import LexiconError
from closer_tone.mood import is_question
from closer_tone.tone import is_label


@dataclass(frozen=True)
class CueRule:
    id: str
    family: str
    tone: str
    weight: float
    message: str
    patterns: tuple[Any, ...]
    dependency_patterns: tuple[Any, ...]
    flag_examples: tuple[str, ...]
    pass_examples: tuple[str, ...]
    only_in: str | None = None
    unless_sentence_has: frozenset[str] = frozenset()

    def holds_in(self, sentence: Span) -> bool:
        """The rule's sentence conditions: a question where it asks for one, and none of its blocking words."""
        if self.only_in == "question" and not is_question(sentence):
            return False
        return not any(token.lower_ in self.unless_sentence_has for token in sentence)

    def to_dict(self) -> dict[str, object]:
        record: dict[str, object] = {
            "id": self.id,
            "tone": self.tone,
            "weight": self.weight,
            "message": self.message,
            "examples": {"flag": list(self.flag_examples), "pass": list(self.pass_examples)},
        }
        if self.patterns:
            record["patterns"] = list(self.patterns)
        if self.dependency_patterns:
            record["dependency_patterns"] = list(self.dependency_patterns)
        if self.only_in:
            record["only_in"] = self.only_in
        if self.unless_sentence_has:
            record["unless_sentence_has"] = sorted(self.unless_sentence_has)
        return record


def rules_from_lexicon(data: object, origin: str) -> list[CueRule]:
    """Validate one family's JSON and return its rules; every problem names the file and the rule."""
    if not isinstance(data, dict) or not isinstance(data.get("family"), str) or not isinstance(data.get("rules"), list):
        raise LexiconError(f"{origin}: a lexicon is an object with a 'family' name and a list of 'rules'")
    family = data["family"]
    rules = []
    for raw in data["rules"]:
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        where = f"{origin}: rule {rule_id or '?'}"
        if not isinstance(rule_id, str) or not rule_id.startswith(f"{family}."):
            raise LexiconError(f"{where}: the id must be a string starting with '{family}.'")
        if not is_label(raw.get("tone")):
            raise LexiconError(f"{where}: 'tone' must be passive, assertive or aggressive")
        if not isinstance(raw.get("message"), str) or not raw["message"].strip():
            raise LexiconError(f"{where}: a rule needs a 'message' a candidate can read")
        weight = raw.get("weight", 1.0)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 5:
            raise LexiconError(f"{where}: 'weight' must be a number above 0 and at most 5")
        patterns = raw.get("patterns", [])
        dependency_patterns = raw.get("dependency_patterns", [])
        if not isinstance(patterns, list) or not isinstance(dependency_patterns, list):
            raise LexiconError(f"{where}: 'patterns' and 'dependency_patterns' are lists of patterns")
        if not patterns and not dependency_patterns:
            raise LexiconError(f"{where}: give 'patterns' or 'dependency_patterns'")
        only_in = raw.get("only_in")
        if only_in not in (None, "question"):
            raise LexiconError(f"{where}: 'only_in' can only be \"question\"")
        blocking = raw.get("unless_sentence_has", [])
        if not _is_list_of_strings(blocking):
            raise LexiconError(f"{where}: 'unless_sentence_has' is a list of words")
        examples = raw.get("examples")
        flag = examples.get("flag") if isinstance(examples, dict) else None
        passing = examples.get("pass") if isinstance(examples, dict) else None
        if not flag or not passing or not _is_list_of_strings(flag) or not _is_list_of_strings(passing):
            raise LexiconError(f"{where}: give 'examples' with lists of lines it must 'flag' and must 'pass'")
        rules.append(
            CueRule(
                id=rule_id,
                family=family,
                tone=raw["tone"],
                weight=float(weight),
                message=raw["message"],
                patterns=tuple(patterns),
                dependency_patterns=tuple(dependency_patterns),
                flag_examples=tuple(flag),
                pass_examples=tuple(passing),
                only_in=only_in,
                unless_sentence_has=frozenset(word.lower() for word in blocking),
            )
        )
    return rules


def _is_list_of_strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def load_lexicon_file(path: Path) -> list[CueRule]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LexiconError(f"cannot read lexicon {path}: {error}") from None
    return rules_from_lexicon(data, str(path))


def shipped_rules() -> list[CueRule]:
    """The rules that ship with closer-tone, in a stable order (by file name, then as written)."""
    lexicon = files("closer_tone.lexicon")
    rules = []
    for entry in sorted(lexicon.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            rules += rules_from_lexicon(json.loads(entry.read_text(encoding="utf-8")), f"lexicon/{entry.name}")
    return rules


def shipped_lexicon_sha256() -> str:
    """One hash over the shipped lexicon files: the model's features depend on exactly these rules."""
    digest = hashlib.sha256()
    for entry in sorted(files("closer_tone.lexicon").iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            digest.update(entry.name.encode("utf-8") + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()


def select_rules(rules: Iterable[CueRule], disable: Sequence[str] = ()) -> list[CueRule]:
    """Drop rules whose id starts with a disabled prefix ('hedge' drops every hedge rule).

    Rule ids must be unique, and every prefix must name at least one rule, so a typo is not silently ignored.
    """
    rules = list(rules)
    ids = [rule.id for rule in rules]
    repeated = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if repeated:
        raise LexiconError(f"rule id {repeated[0]} is defined twice")
    for prefix in disable:
        if not any(_under(rule_id, prefix) for rule_id in ids):
            raise LexiconError(f"no cue rule is called {prefix!r} or starts with '{prefix.rstrip('.')}.'")
    return [rule for rule in rules if not any(_under(rule.id, prefix) for prefix in disable)]


def _under(rule_id: str, prefix: str) -> bool:
    return rule_id == prefix or rule_id.startswith(prefix.rstrip(".") + ".")


def add_rule(rule: CueRule, matcher: Matcher, dependency_matcher: DependencyMatcher) -> None:
    """Add the rule's patterns to the matchers; an invalid pattern is a LexiconError naming the rule."""
    try:
        if rule.patterns:
            matcher.add(rule.id, list(rule.patterns))
        if rule.dependency_patterns:
            dependency_matcher.add(rule.id, list(rule.dependency_patterns))
    except ValueError as error:
        raise LexiconError(f"rule {rule.id}: invalid pattern: {error}") from None


class CompiledRules:
    """The rules loaded into spaCy matchers; `find` returns cue spans, longest first where one rule overlaps itself."""

    def __init__(self, vocab: Vocab, rules: Sequence[CueRule], *, build_now: bool = True) -> None:
        """`build_now` makes the matchers at once, so that a bad pattern is an error when the rules load; a
        subclass that validates the patterns its own way may leave them for `find` to make when first needed."""
        self.rules = {rule.id: rule for rule in rules}
        self._vocab = vocab
        self._matchers: tuple[Matcher, DependencyMatcher] | None = None
        if build_now:
            self._all_in_one()

    def _all_in_one(self) -> tuple[Matcher, DependencyMatcher]:
        """Every rule in one Matcher and one DependencyMatcher, patterns validated."""
        if self._matchers is None:
            matchers = Matcher(self._vocab, validate=True), DependencyMatcher(self._vocab, validate=True)
            for rule in self.rules.values():
                add_rule(rule, *matchers)
            self._matchers = matchers
        return self._matchers

    def find(self, doc: Doc) -> list[Span]:
        matcher, dependency_matcher = self._all_in_one()
        by_rule: dict[str, list[Span]] = {}
        if len(matcher):
            for match_id, start, end in matcher(doc):
                label = doc.vocab.strings[match_id]
                by_rule.setdefault(label, []).append(Span(doc, start, end, label=label))
        if len(dependency_matcher):
            for match_id, token_ids in dependency_matcher(doc):
                label = doc.vocab.strings[match_id]
                by_rule.setdefault(label, []).append(Span(doc, min(token_ids), max(token_ids) + 1, label=label))
        return self.settled(by_rule)

    def settled(self, by_rule: dict[str, list[Span]]) -> list[Span]:
        """Each rule's matches without overlaps among themselves, kept where the rule's sentence conditions hold."""
        spans = [
            span
            for label, group in by_rule.items()
            for span in filter_spans(group)
            if self.rules[label].holds_in(span.sent)
        ]
        return sorted(spans, key=lambda span: (span.start, span.end, span.label_))
