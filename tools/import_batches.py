"""Import writers' batch files into data/statements.jsonl.

    python tools/import_batches.py data/batches/writer-1.jsonl ...

Each batch is the raw output of one writer working from a brief in data/briefs/. A batch line carries the
text, its labels and the writer's tags; this tool gives it an id and a split and appends it to the corpus.
Exact repeats (after normalisation) of any line already in the corpus or earlier in the batches are dropped
and counted. Near-duplicates (token Jaccard >= 0.8) are kept together in one split, so no pair straddles
train and test. Splits come from a hash of the text, so re-running on the same input gives the same corpus.
Records already in the corpus are never changed. `--split test --corpus data/fresh.jsonl` builds a held-out
file instead, every line in one split.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

from closer_tone.corpus import (
    CorpusError,
    Statement,
    load_statements,
    near_duplicate_pairs,
    normalise,
    read_jsonl,
    statement_from_batch_line,
    write_statements,
)

SPLIT_SHARES = (("train", 0.68), ("dev", 0.16), ("test", 0.16))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("batches", nargs="+", type=Path)
    parser.add_argument("--corpus", type=Path, default=Path("data/statements.jsonl"))
    parser.add_argument(
        "--split", choices=["train", "dev", "test"], help="put every line in this split (for a held-out file)"
    )
    args = parser.parse_args()

    existing = load_statements(args.corpus) if args.corpus.exists() else []
    seen = {normalise(s.text) for s in existing}
    fresh: list[Statement] = []
    dropped: Counter[str] = Counter()
    for batch in args.batches:
        writer = re.sub(r"\.jsonl$", "", batch.name)
        for number, record in enumerate(read_jsonl(batch), 1):
            key = normalise(str(record.get("text", "")))
            if key in seen:
                dropped[f"{writer}: exact repeat"] += 1
                continue
            try:
                fresh.append(statement_from_batch_line(record, writer, number))
            except CorpusError as error:
                print(f"{batch}:{number}: {error}", file=sys.stderr)
                return 2
            seen.add(key)

    splits = [args.split] * len(fresh) if args.split else assign_splits(existing, fresh)
    fresh = [Statement(**{**s.__dict__, "split": splits[i]}) for i, s in enumerate(fresh)]
    write_statements(args.corpus, [*existing, *fresh])
    print(f"imported {len(fresh)} statements; {sum(dropped.values())} dropped")
    for reason, count in sorted(dropped.items()):
        print(f"  {reason}: {count}")
    print("  splits:", dict(Counter(s.split for s in fresh)))
    return 0


def assign_splits(existing: list[Statement], fresh: list[Statement]) -> list[str]:
    """A split per fresh statement; each near-duplicate cluster shares one, an existing member's if it has one."""
    texts = [s.text for s in existing] + [s.text for s in fresh]
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in near_duplicate_pairs(texts):
        a, b = sorted((root(i), root(j)))
        parent[b] = a  # the lowest index roots a cluster, so an existing statement stays its anchor
    offset = len(existing)
    splits = []
    for k in range(len(fresh)):
        anchor = root(offset + k)
        if anchor < offset:
            splits.append(existing[anchor].split)
        else:
            splits.append(_hashed_split(texts[anchor]))
    return splits


def _hashed_split(text: str) -> str:
    digest = hashlib.sha256(normalise(text).encode("utf-8")).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    for split, share in SPLIT_SHARES:
        if point < share:
            return split
        point -= share
    return SPLIT_SHARES[-1][0]


if __name__ == "__main__":
    sys.exit(main())
