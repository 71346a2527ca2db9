"""Measuring the tone model against the corpus, beside two baselines, the way `closer-tone evaluate` reports it.

Three systems label the same held-out sentences: the model, the keyword list (no learning) and TF-IDF word
n-grams with logistic regression on the raw text. Statements are labelled from their sentences by rule 5.
The model is also run end to end on the raw statement, with spaCy's own sentence split, as users run it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from closer_tone.api import Analyzer
from closer_tone.baselines.keywords import KeywordBaseline
from closer_tone.corpus import Statement
from closer_tone.estimators import raw_text_baseline
from closer_tone.model import sentence_examples
from closer_tone.parse import labelled_sentence_inputs
from closer_tone.tone import LABELS, most_severe, statement_scores, top_label


@dataclass(frozen=True)
class Report:
    system: str
    unit: str
    count: int
    precision: dict[str, float]
    recall: dict[str, float]
    f1: dict[str, float]
    macro_f1: float
    confusion: list[list[int]]
    ece: float | None

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def expected_calibration_error(gold: Sequence[str], scores: Sequence[dict[str, float]], bins: int = 10) -> float:
    """Top-label ECE: the gap between confidence and accuracy, averaged over equal-width confidence bins."""
    confidence = np.array([max(row.values()) for row in scores])
    correct = np.array([top_label(row) == label for row, label in zip(scores, gold, strict=True)], dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(error)


def report(
    system: str,
    unit: str,
    gold: Sequence[str],
    predicted: Sequence[str],
    scores: Sequence[dict[str, float]] | None = None,
) -> Report:
    precision, recall, f1, _ = precision_recall_fscore_support(gold, predicted, labels=list(LABELS), zero_division=0)
    return Report(
        system=system,
        unit=unit,
        count=len(gold),
        precision=dict(zip(LABELS, map(float, precision), strict=True)),
        recall=dict(zip(LABELS, map(float, recall), strict=True)),
        f1=dict(zip(LABELS, map(float, f1), strict=True)),
        macro_f1=float(np.mean(f1)),
        confusion=confusion_matrix(gold, predicted, labels=list(LABELS)).tolist(),
        ece=None if scores is None else expected_calibration_error(gold, scores),
    )


def evaluate(corpus: Sequence[Statement], held_out: Sequence[Statement], analyzer: Analyzer) -> list[Report]:
    """Score `held_out`; the TF-IDF baseline learns from the corpus's train split, as the model did."""
    texts = [sentence.text for statement in held_out for sentence in statement.sentences]
    gold = [sentence.label for statement in held_out for sentence in statement.sentences]
    gold_statements = [s.label for s in held_out]

    sentence_scores = analyzer.model.score(labelled_sentence_inputs(analyzer.nlp, held_out))
    reports = [report("model", "sentence", gold, [top_label(row) for row in sentence_scores], sentence_scores)]
    per_statement = _regroup(held_out, sentence_scores)
    combined = [statement_scores(rows) for rows in per_statement]
    predicted = [most_severe(top_label(row) for row in rows) for rows in per_statement]
    reports.append(report("model", "statement", gold_statements, predicted, combined))
    analyses = list(analyzer.pipe([s.text for s in held_out]))
    reports.append(
        report(
            "model, end to end",
            "statement",
            gold_statements,
            [a.label or "unjudged" for a in analyses],
            [a.scores or dict.fromkeys(LABELS, 1 / len(LABELS)) for a in analyses],
        )
    )

    keywords = KeywordBaseline.load()
    reports += _baseline_reports("keyword list", held_out, texts, gold, keywords.label_sentence)
    train_texts, train_gold = sentence_examples(corpus, "train")
    tfidf = raw_text_baseline().fit(train_texts, train_gold)
    reports += _baseline_reports(
        "tf-idf + logistic regression", held_out, texts, gold, lambda text: str(tfidf.predict([text])[0])
    )
    return reports


def _baseline_reports(
    name: str, held_out: Sequence[Statement], texts: Sequence[str], gold: Sequence[str], label: Callable[[str], str]
) -> list[Report]:
    predicted = [label(text) for text in texts]
    per_statement = _regroup(held_out, predicted)
    return [
        report(name, "sentence", gold, predicted),
        report(name, "statement", [s.label for s in held_out], [most_severe(rows) for rows in per_statement]),
    ]


def _regroup(held_out: Sequence[Statement], flat: Sequence[Any]) -> list[list[Any]]:
    """Split a flat per-sentence list back into one list per statement, in corpus order."""
    groups, position = [], 0
    for statement in held_out:
        groups.append(list(flat[position : position + len(statement.sentences)]))
        position += len(statement.sentences)
    return groups


def format_reports(reports: Sequence[Report]) -> str:
    lines = []
    for item in reports:
        lines.append(f"{item.system} — {item.unit}s ({item.count})")
        lines.append(f"  {'':<11}{'precision':>10}{'recall':>8}{'f1':>8}")
        for label in LABELS:
            lines.append(f"  {label:<11}{item.precision[label]:>10.3f}{item.recall[label]:>8.3f}{item.f1[label]:>8.3f}")
        calibration = "" if item.ece is None else f"   ECE {item.ece:.3f}"
        lines.append(f"  macro-F1 {item.macro_f1:.3f}{calibration}")
        lines.append("  confusion (rows gold, columns predicted: " + ", ".join(LABELS) + ")")
        lines += [
            f"    {label:<11}" + "".join(f"{n:>6}" for n in row)
            for label, row in zip(LABELS, item.confusion, strict=True)
        ]
        lines.append("")
    return "\n".join(lines)
