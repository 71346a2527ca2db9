"""Scanning script files: every statement read comes out exactly once, in file order, with where it was found.

Statements stream through `Analyzer.pipe` in batches, so a scan of a hundred thousand lines holds only a
batch of them; a file that cannot be read is reported and the others are still scanned.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from closer_tone.readers import Passage, ReadError, RowProblem, discover, read_passages
from closer_tone.results import Analysis
from closer_tone.tone import LABELS

if TYPE_CHECKING:
    from closer_tone.api import Analyzer

SEVERITY = {"assertive": 0, "passive": 1, "aggressive": 2}


@dataclass(frozen=True)
class Finding:
    """One statement's outcome. `status`: judged, not_judged (no label, see the reason), ignored, unreadable."""

    path: str
    line: int
    column: int
    status: str
    analysis: Analysis | None = None
    text: str | None = None
    message: str | None = None

    @property
    def label(self) -> str | None:
        return self.analysis.label if self.analysis else None

    def to_dict(self) -> dict[str, Any]:
        where = {"path": self.path, "line": self.line, "column": self.column, "status": self.status}
        if self.analysis is not None:
            return {**where, **self.analysis.to_dict()}
        return {**where, "text": self.text, "message": self.message}


@dataclass
class Summary:
    """Running counts for the closing line of a report and the exit code."""

    labels: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    files: int = 0
    unreadable_files: int = 0
    started: float = field(default_factory=time.perf_counter)

    def add(self, finding: Finding) -> None:
        self.statuses[finding.status] += 1
        if finding.label:
            self.labels[finding.label] += 1

    def worst_at_least(self, level: str) -> bool:
        return any(count and SEVERITY[label] >= SEVERITY[level] for label, count in self.labels.items())

    @property
    def had_errors(self) -> bool:
        return bool(self.unreadable_files or self.statuses["unreadable"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "statements": sum(self.statuses.values()),
            "labels": {label: self.labels[label] for label in LABELS},
            "not_judged": self.statuses["not_judged"],
            "ignored": self.statuses["ignored"],
            "unreadable_rows": self.statuses["unreadable"],
            "files": self.files,
            "unreadable_files": self.unreadable_files,
            "seconds": round(time.perf_counter() - self.started, 2),
        }

    def describe(self) -> str:
        counts = self.to_dict()
        labels = ", ".join(f"{counts['labels'][label]} {label}" for label in LABELS)
        parts = [f"{counts['statements']} statements in {self.files} files: {labels}"]
        parts += [
            f"{counts[key]} {key.replace('_', ' ')}"
            for key in ("not_judged", "ignored", "unreadable_rows", "unreadable_files")
            if counts[key]
        ]
        return "; ".join(parts) + f" ({counts['seconds']:.1f} s)"


def read_all(
    paths: Sequence[Path], summary: Summary, on_error: Callable[[ReadError], None], *, column: str, field: str
) -> Iterator[Passage | RowProblem]:
    """Every passage and bad row of every file, in order; unreadable files go to `on_error` and are counted."""
    for item in discover(paths):
        if isinstance(item, ReadError):
            summary.unreadable_files += 1
            on_error(item)
            continue
        try:
            passages = read_passages(item, column=column, field=field)  # a file that cannot be read raises here
        except ReadError as error:
            summary.unreadable_files += 1
            on_error(error)
            continue
        summary.files += 1
        yield from passages


def scan(
    items: Iterable[Passage | RowProblem],
    analyzer: Analyzer,
    summary: Summary,
    *,
    jobs: int = 1,
    brief: bool = False,
) -> Iterator[Finding]:
    """Findings in reading order; ignored lines and bad rows wait in a queue beside the batch being analysed.

    `brief=True` for a report that prints only what a brief analysis holds (see `Analyzer.pipe`).
    """
    waiting: deque[Passage | RowProblem] = deque()

    def texts() -> Iterator[str]:
        for item in items:
            waiting.append(item)
            if isinstance(item, Passage) and not item.ignored:
                yield item.text

    for analysis in analyzer.pipe(texts(), n_process=jobs, brief=brief):
        while True:
            item = waiting.popleft()
            if isinstance(item, Passage) and not item.ignored:
                status = "judged" if analysis.label else "not_judged"
                yield _counted(summary, Finding(item.path, item.line, item.column, status, analysis))
                break
            yield _counted(summary, _unanalysed(item))
    while waiting:
        yield _counted(summary, _unanalysed(waiting.popleft()))


def _unanalysed(item: Passage | RowProblem) -> Finding:
    if isinstance(item, RowProblem):
        return Finding(item.path, item.line, 1, "unreadable", message=item.message)
    return Finding(item.path, item.line, item.column, "ignored", text=item.text, message="skipped: closer-tone: ignore")


def _counted(summary: Summary, finding: Finding) -> Finding:
    summary.add(finding)
    return finding
