"""The corpus meets every number its datasheet promises (issue 2); each test names the promise it checks."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from closer_tone.baselines.keywords import KeywordBaseline
from closer_tone.corpus import (
    Statement,
    exact_duplicates,
    load_statements,
    near_duplicate_pairs,
)
from closer_tone.tone import LABELS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "statements.jsonl"
DATASHEET = ROOT / "data" / "README.md"

EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


@pytest.fixture(scope="module")
def corpus() -> list[Statement]:
    return load_statements(CORPUS)


def test_size_and_label_balance(corpus: list[Statement]) -> None:
    counts = Counter(s.label for s in corpus)
    assert len(corpus) >= 3000
    for label in LABELS:
        assert counts[label] >= 900, f"only {counts[label]} {label} statements"


def test_multi_sentence_share(corpus: list[Statement]) -> None:
    multi = [s for s in corpus if len(s.sentences) > 1]
    assert len(multi) / len(corpus) >= 0.30
    assert all(2 <= len(s.sentences) <= 4 for s in multi)


def test_multi_sentence_statements_mix_labels(corpus: list[Statement]) -> None:
    """Rule 5 is only learnable if some statements combine sentences of different tones."""
    mixed = [s for s in corpus if len({sentence.label for sentence in s.sentences}) > 1]
    assert len(mixed) >= 300


def test_written_follow_up_share(corpus: list[Statement]) -> None:
    written = sum(s.register == "written" for s in corpus)
    assert written / len(corpus) >= 0.30


def test_occupations(corpus: list[Statement]) -> None:
    occupations = Counter(s.occupation.lower() for s in corpus)
    well_covered = [name for name, count in occupations.items() if count >= 20]
    assert len(well_covered) >= 30, sorted(occupations.items())


@pytest.mark.parametrize(
    "tag", ["formal", "casual", "fillers", "lowercase", "no-punctuation", "typos", "non-native", "emoji"]
)
def test_every_register_is_present(corpus: list[Statement], tag: str) -> None:
    tagged = [s for s in corpus if tag in s.style]
    assert len(tagged) >= 30, f"only {len(tagged)} statements tagged {tag}"


def test_register_tags_match_the_text(corpus: list[Statement]) -> None:
    """Tags are the writers' claims; the text itself shows them for the easily checked ones."""
    lowercase = [s for s in corpus if "lowercase" in s.style]
    few_capitals = [s for s in lowercase if sum(c.isupper() for c in s.text) < 0.06 * sum(c.isalpha() for c in s.text)]
    assert len(few_capitals) / len(lowercase) >= 0.9, "lowercase lines may capitalise names, little else"
    with_emoji = [s for s in corpus if EMOJI.search(s.text)]
    assert 30 <= len(with_emoji) <= 0.05 * len(corpus), "emoji should be present but occasional"


def test_a_third_of_each_label_defeats_a_word_list(corpus: list[Statement]) -> None:
    baseline = KeywordBaseline.load()
    for label in LABELS:
        statements = [s for s in corpus if s.label == label]
        wrong = [s for s in statements if baseline.label_statement([x.text for x in s.sentences]) != label]
        assert len(wrong) / len(statements) >= 1 / 3, f"{label}: {len(wrong)}/{len(statements)}"


def test_hard_cases_are_marked_in_every_label(corpus: list[Statement]) -> None:
    for label in LABELS:
        statements = [s for s in corpus if s.label == label]
        assert sum(s.hard is not None for s in statements) / len(statements) >= 1 / 3


def test_sources_and_splits(corpus: list[Statement]) -> None:
    train = [s for s in corpus if s.split == "train"]
    held_out = [s for s in corpus if s.split != "train"]
    assert sum(s.source == "template" for s in train) <= 0.2 * len(train)
    assert all(s.source == "handwritten" for s in held_out)
    assert len(held_out) >= 900
    for split in ("dev", "test"):
        counts = Counter(s.label for s in corpus if s.split == split)
        assert min(counts[label] for label in LABELS) >= 100, (split, counts)


def test_no_exact_duplicates(corpus: list[Statement]) -> None:
    repeats = exact_duplicates(corpus)
    assert not repeats, [(a.id, b.id) for a, b in repeats[:5]]


def test_no_near_duplicates_across_splits(corpus: list[Statement]) -> None:
    pairs = near_duplicate_pairs([s.text for s in corpus])
    crossing = [(corpus[i].id, corpus[j].id) for i, j, _ in pairs if corpus[i].split != corpus[j].split]
    assert not crossing, crossing[:5]


def test_every_statement_has_provenance(corpus: list[Statement]) -> None:
    briefs = {path.stem for path in (ROOT / "data" / "briefs").glob("*.md")}
    for statement in corpus:
        assert statement.writer in briefs, f"{statement.id}: writer {statement.writer!r} has no brief"


def test_datasheet_shows_the_current_counts(corpus: list[Statement]) -> None:
    from closer_tone.corpus import counts_table

    assert counts_table(corpus) in DATASHEET.read_text(encoding="utf-8"), (
        "data/README.md is out of date: paste the output of `python tools/corpus_table.py`"
    )


def test_the_fresh_set_is_held_out_and_unlike_the_corpus(corpus: list[Statement]) -> None:
    fresh = load_statements(ROOT / "data" / "fresh.jsonl")
    assert len(fresh) >= 140
    assert all(s.split == "test" and s.source == "handwritten" for s in fresh)
    assert Counter(s.label for s in fresh).keys() == set(LABELS)
    assert not {s.occupation for s in fresh} & {s.occupation for s in corpus}
    pairs = near_duplicate_pairs([s.text for s in corpus] + [s.text for s in fresh])
    crossing = [(i, j) for i, j, _ in pairs if i < len(corpus) <= j]
    assert not crossing, [fresh[j - len(corpus)].id for _, j in crossing]
