"""Print the corpus counts table that data/README.md must show: python tools/corpus_table.py"""

from pathlib import Path

from closer_tone.corpus import counts_table, load_statements

print(counts_table(load_statements(Path("data/statements.jsonl"))))
