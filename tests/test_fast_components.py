"""The Analyzer's faster pipeline must say exactly what spaCy's own says, on the corpus, for every annotation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from closer_tone.api import Analyzer
from closer_tone.cues import CompiledRules, shipped_rules
from closer_tone.parse import SPACY_MODEL, prepare
from closer_tone.rule_index import IndexedRules

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    lines = (ROOT / "data" / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    return [prepare(json.loads(line)["text"]) for line in lines[::6]]


@pytest.fixture(scope="module")
def plain() -> Language:
    return spacy.load(SPACY_MODEL, exclude=["ner"])


def annotations(nlp: Language, texts: list[str]) -> list[list[tuple[object, ...]]]:
    return [
        [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.is_sent_start) for t in doc]
        for doc in nlp.pipe(texts)
    ]


def test_the_analyzers_pipeline_annotates_like_spacys_own(
    analyzer: Analyzer, plain: Language, texts: list[str]
) -> None:
    fast = analyzer.nlp
    assert type(fast.get_pipe("lemmatizer")) is not type(plain.get_pipe("lemmatizer")), "the stand-ins are in use"
    assert annotations(fast, texts) == annotations(plain, texts)
    rare = [  # the ruler's multi-token and pattern-matched rules: 'gonna', 'let's', "ain't", "nothin'", 'there is'
        "I'm gonna call you, let's talk Friday.",
        "Y'all ain't gotta rush, there is nothin' urgent.",
        "C'mon, I gotta know by Monday.",
    ]
    assert annotations(fast, rare) == annotations(plain, rare)
    assert annotations(fast, texts[:50]) == annotations(plain, texts[:50])  # again, from the lemma memory


def test_the_lemma_tables_save_as_spacy_saves_them(analyzer: Analyzer, plain: Language) -> None:
    fast = analyzer.nlp.get_pipe("lemmatizer").lookups.to_bytes()
    assert fast == plain.get_pipe("lemmatizer").lookups.to_bytes()


def test_indexed_rules_find_the_cues_every_rule_finds(plain: Language, texts: list[str]) -> None:
    rules = shipped_rules()
    every, indexed = CompiledRules(plain.vocab, rules), IndexedRules(plain.vocab, rules)
    for doc in plain.pipe(texts):
        assert [(s.start, s.end, s.label_) for s in indexed.find(doc)] == [
            (s.start, s.end, s.label_) for s in every.find(doc)
        ]
