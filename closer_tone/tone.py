"""The three tone labels and rule 5 of the tone guide, defined once for every module."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

LABELS: tuple[str, ...] = ("assertive", "passive", "aggressive")
"""Labels in order of severity: a statement takes the most severe label among its sentences."""

_SEVERITY = {label: rank for rank, label in enumerate(LABELS)}


def is_label(value: object) -> bool:
    return isinstance(value, str) and value in _SEVERITY


def most_severe(labels: Iterable[str]) -> str:
    """Rule 5: any aggressive sentence makes the statement aggressive, else any passive one passive."""
    ranked = [_SEVERITY[label] for label in labels]
    if not ranked:
        raise ValueError("a statement needs at least one labelled sentence")
    return LABELS[max(ranked)]


def top_label(scores: dict[str, float]) -> str:
    """The label with the highest probability."""
    return max(scores, key=scores.__getitem__)


def statement_scores(sentences: Sequence[dict[str, float]]) -> dict[str, float]:
    """Rule 5 in probabilities: assertive only if every sentence is, aggressive if any sentence is.

    Treating sentences as independent, P(assertive) is the product of the sentences' P(assertive),
    P(aggressive) is one minus the product of their P(not aggressive), and passive takes the rest.
    """
    assertive = math.prod(p["assertive"] for p in sentences)
    aggressive = 1.0 - math.prod(1.0 - p["aggressive"] for p in sentences)
    passive = max(0.0, 1.0 - assertive - aggressive)
    return {"assertive": assertive, "passive": passive, "aggressive": aggressive}
