"""The tone model's targets, checked on the test split and on the fresh set: python bench/targets.py

Targets (issue 3): statement macro-F1 >= 0.92, every class recall >= 0.88, ECE <= 0.05, and at least 0.15
macro-F1 above each baseline. Prints each figure with met / NOT MET; the fresh set is reported beside the test
split, never tuned on.
"""

from __future__ import annotations

from pathlib import Path

from closer_tone.api import Analyzer
from closer_tone.corpus import load_statements
from closer_tone.evaluate import Report, evaluate

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    corpus = load_statements(ROOT / "data" / "statements.jsonl")
    analyzer = Analyzer()
    held_out = {
        "test split": [s for s in corpus if s.split == "test"],
        "fresh set": load_statements(ROOT / "data" / "fresh.jsonl"),
    }
    for name, statements in held_out.items():
        reports = {(r.system, r.unit): r for r in evaluate(corpus, statements, analyzer)}
        print(f"{name} ({len(statements)} statements)")
        for unit in ("statement", "sentence"):
            model_report = reports["model", unit]
            _check(f"{unit} macro-F1 >= 0.92", model_report.macro_f1, model_report.macro_f1 >= 0.92)
            worst = min(model_report.recall, key=model_report.recall.__getitem__)
            recall = model_report.recall[worst]
            _check(f"{unit} lowest recall ({worst}) >= 0.88", recall, recall >= 0.88)
            assert model_report.ece is not None
            _check(f"{unit} ECE <= 0.05", model_report.ece, model_report.ece <= 0.05)
            for baseline in ("keyword list", "tf-idf + logistic regression"):
                margin = model_report.macro_f1 - reports[baseline, unit].macro_f1
                _check(f"{unit} margin over {baseline} >= 0.15", margin, margin >= 0.15)
        end_to_end: Report = reports["model, end to end", "statement"]
        print(f"  end to end (spaCy's sentence split): statement macro-F1 {end_to_end.macro_f1:.3f}")
        print()


def _check(name: str, value: float, met: bool) -> None:
    print(f"  {name:<60} {value:6.3f}  {'met' if met else 'NOT MET'}")


if __name__ == "__main__":
    main()
