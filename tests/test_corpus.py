"""The corpus module: schema validation, rule 5 on records, and the duplicate finders."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from closer_tone.corpus import (
    CorpusError,
    exact_duplicates,
    jaccard,
    load_statements,
    near_duplicate_pairs,
    normalise,
    statement_from_dict,
    tokens,
    write_statements,
)
from closer_tone.tone import most_severe


def record(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "t-1",
        "text": "Thanks for today. Call me by Friday.",
        "label": "aggressive",
        "sentences": [
            {"text": "Thanks for today.", "label": "assertive"},
            {"text": "Call me by Friday.", "label": "aggressive"},
        ],
        "split": "dev",
        "register": "spoken",
        "occupation": "welder",
        "source": "handwritten",
    }
    base.update(changes)
    return base


def test_rule_5_takes_the_most_severe_label() -> None:
    assert most_severe(["assertive", "passive"]) == "passive"
    assert most_severe(["passive", "aggressive", "assertive"]) == "aggressive"
    assert most_severe(["assertive"]) == "assertive"
    with pytest.raises(ValueError):
        most_severe([])


def test_a_valid_record_round_trips(tmp_path: Path) -> None:
    statement = statement_from_dict(record(style=["casual"], hard="thanks then pressure"))
    path = tmp_path / "c.jsonl"
    write_statements(path, [statement])
    assert load_statements(path) == [statement]


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"label": "passive"}, "rule 5"),
        ({"split": "holdout"}, "split"),
        ({"source": "template"}, "train split only"),
        (
            {
                "sentences": [
                    {"text": "Call me by Friday.", "label": "aggressive"},
                    {"text": "Thanks for today.", "label": "assertive"},
                ]
            },
            "in order",
        ),
        ({"sentences": [{"text": "Thanks for today.", "label": "rude"}]}, "not a tone label"),
        ({"sentences": []}, "1 to 4"),
        ({"text": "   "}, "non-empty"),
    ],
)
def test_bad_records_are_rejected_with_a_reason(changes: dict[str, object], complaint: str) -> None:
    with pytest.raises(CorpusError, match=complaint):
        statement_from_dict(record(**changes))


def test_missing_fields_are_named() -> None:
    broken = record()
    del broken["occupation"]
    with pytest.raises(CorpusError, match="occupation"):
        statement_from_dict(broken)


def test_loading_names_the_bad_line_and_repeated_ids(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(record()) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"c.jsonl:2"):
        load_statements(path)
    path.write_text(json.dumps(record()) + "\n" + json.dumps(record()) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="used twice"):
        load_statements(path)


def test_normalise_ignores_case_punctuation_and_spacing() -> None:
    assert normalise("Thanks,  so MUCH!") == normalise("thanks so much")
    assert normalise("Thanks so much") != normalise("Thanks so much again")


def test_exact_duplicates_pairs_first_with_repeat() -> None:
    first = statement_from_dict(record(id="a"))
    repeat = statement_from_dict(
        record(
            id="b",
            text="thanks for today -- call me by friday!!",
            sentences=[
                {"text": "thanks for today", "label": "assertive"},
                {"text": "call me by friday!!", "label": "aggressive"},
            ],
        )
    )
    other = statement_from_dict(
        record(id="c", text="Call me by Monday.", sentences=[{"text": "Call me by Monday.", "label": "aggressive"}])
    )
    assert exact_duplicates([first, other, repeat]) == [(first, repeat)]


def test_near_duplicate_join_matches_brute_force() -> None:
    rng = random.Random(7)
    words = "thanks for your time today i would love to hear about next steps soon call me".split()
    texts = [" ".join(rng.choices(words, k=rng.randint(3, 9))) for _ in range(300)]
    expected = {
        (i, j)
        for i, j in itertools.combinations(range(len(texts)), 2)
        if jaccard(tokens(texts[i]), tokens(texts[j])) >= 0.8
    }
    found = {(i, j) for i, j, _ in near_duplicate_pairs(texts)}
    assert expected, "the sample should contain near-duplicates"
    assert found == expected
