"""Check a writer's batch while it is being written: python tools/check_batch.py data/batches/writer-N.jsonl

Prints one line per record that breaks the corpus format or rule 5, or repeats an earlier line, then the
counts a writer steers by (labels, single/multi-sentence, spoken/written, hard cases per label).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from closer_tone.corpus import CorpusError, normalise, read_jsonl, statement_from_batch_line


def main(path: Path) -> int:
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    problems = 0
    try:
        records = read_jsonl(path)
    except CorpusError as error:
        print(error)
        return 1
    for number, record in enumerate(records, 1):
        try:
            statement = statement_from_batch_line(record, path.stem, number)
        except CorpusError as error:
            print(f"{path}: record {number}: {error}")
            problems += 1
            continue
        key = normalise(statement.text)
        if key in seen:
            print(f"{path}: record {number}: repeats an earlier line")
            problems += 1
        seen.add(key)
        counts[statement.label] += 1
        counts["multi" if len(statement.sentences) > 1 else "single"] += 1
        counts[statement.register] += 1
        if statement.hard:
            counts[f"hard-{statement.label}"] += 1
    print(dict(sorted(counts.items())), f"problems={problems}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
