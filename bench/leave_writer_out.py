"""How well the model does on a writer it never saw: python bench/leave_writer_out.py

Each corpus writer had their own brief (occupations, registers, situations), so holding one out is the
closest the corpus comes to lines written by strangers. For each writer: train on the train split of all
the others (no calibration, which does not change predictions), and score every sentence that writer wrote.
Prints sentence macro-F1 per held-out writer and the mean, beside the model's ordinary dev-split score.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from closer_tone.corpus import load_statements
from closer_tone.estimators import build_pipeline
from closer_tone.parse import labelled_sentence_inputs, load_nlp

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    corpus = load_statements(ROOT / "data" / "statements.jsonl")
    rows = [(statement, sentence) for statement in corpus for sentence in statement.sentences]
    inputs = labelled_sentence_inputs(load_nlp(), corpus)
    labels = [sentence.label for _, sentence in rows]

    def score(train: list[int], held: list[int]) -> float:
        model = build_pipeline().fit([inputs[i] for i in train], [labels[i] for i in train])
        return float(f1_score([labels[i] for i in held], model.predict([inputs[i] for i in held]), average="macro"))

    results = {}
    for writer in sorted({statement.writer for statement, _ in rows if statement.writer}):
        train = [i for i, (s, _) in enumerate(rows) if s.split == "train" and s.writer != writer]
        held = [i for i, (s, _) in enumerate(rows) if s.writer == writer]
        results[writer] = score(train, held)
        print(f"{writer:<10} {len(held):>5} sentences  macro-F1 {results[writer]:.3f}", flush=True)
    print(f"mean over held-out writers: macro-F1 {np.mean(list(results.values())):.3f}")
    train = [i for i, (s, _) in enumerate(rows) if s.split == "train"]
    dev = [i for i, (s, _) in enumerate(rows) if s.split == "dev"]
    print(f"for comparison, dev split with every writer in training: macro-F1 {score(train, dev):.3f}")


if __name__ == "__main__":
    main()
