"""How often a blind second annotator agrees with the corpus labels: python bench/agreement.py

data/review/second-annotator.jsonl holds, for a stratified sample of statements, a second annotator's
sentence labels made without seeing the corpus labels. Prints raw agreement and Cohen's kappa for sentences
and for statements (rule 5), and lists every sentence where the two differ.
"""

from __future__ import annotations

import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from closer_tone.corpus import load_statements
from closer_tone.tone import most_severe

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    corpus = {s.id: s for s in load_statements(ROOT / "data" / "statements.jsonl")}
    reviews = [json.loads(line) for line in (ROOT / "data" / "review" / "second-annotator.jsonl").open()]
    first, second, first_statement, second_statement, differences = [], [], [], [], []
    for review in reviews:
        statement = corpus[review["id"]]
        for sentence, label in zip(statement.sentences, review["sentences"], strict=True):
            first.append(sentence.label)
            second.append(label)
            if sentence.label != label:
                differences.append(f"  {statement.id}: corpus {sentence.label}, second {label}: {sentence.text}")
        first_statement.append(statement.label)
        second_statement.append(most_severe(review["sentences"]))
    for unit, a, b in (("sentences", first, second), ("statements", first_statement, second_statement)):
        agreement = sum(x == y for x, y in zip(a, b, strict=True)) / len(a)
        print(f"{unit}: {len(a)}, agreement {agreement:.3f}, Cohen's kappa {cohen_kappa_score(a, b):.3f}")
    print(f"differences ({len(differences)}):", *differences, sep="\n")


if __name__ == "__main__":
    main()
