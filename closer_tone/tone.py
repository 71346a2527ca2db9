"""The three tone labels and rule 5 of the tone guide, defined once for every module."""

from __future__ import annotations

from collections.abc import Iterable

LABELS: tuple[str, ...] = ("assertive", "passive", "aggressive")
"""Labels in order of severity: a statement takes the most severe label among its sentences."""

_SEVERITY = {label: rank for rank, label in enumerate(LABELS)}


def is_label(value: object) -> bool:
    return value in _SEVERITY


def most_severe(labels: Iterable[str]) -> str:
    """Rule 5: any aggressive sentence makes the statement aggressive, else any passive one passive."""
    ranked = [_SEVERITY[label] for label in labels]
    if not ranked:
        raise ValueError("a statement needs at least one labelled sentence")
    return LABELS[max(ranked)]
