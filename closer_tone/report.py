"""Scan reports in four formats, written one finding at a time so a long scan never waits to print.

`text` is for people (`path:line:col: label (p) rule "cue" -> rewrite`, then a summary); `jsonl` and `csv`
are one record per statement for scripts; `json` is one document with every finding and the summary.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TextIO, cast

from rich.console import Console
from rich.text import Text

from closer_tone.display import TONE_STYLES
from closer_tone.results import Analysis
from closer_tone.scan import Finding, Summary
from closer_tone.tone import LABELS

CUE_PREVIEW = 40
CSV_COLUMNS = (
    "path",
    "line",
    "column",
    "status",
    "label",
    "confidence",
    *LABELS,
    "rules",
    "rewrite",
    "text",
    "message",
)


class Report(Protocol):
    brief: bool
    """Whether a brief analysis is all it prints (no checklist, no sentence's own rewrites): see `Analyzer.pipe`."""

    def add(self, finding: Finding) -> None: ...
    def close(self, summary: Summary) -> None: ...


def make_report(kind: str, stream: TextIO, colour: bool) -> Report:
    if kind == "text":
        return TextReport(stream, colour)
    if kind == "json":
        return JsonReport(stream)
    return JsonLinesReport(stream) if kind == "jsonl" else CsvReport(stream)


def best_rewrite(analysis: Analysis) -> str | None:
    return analysis.rewrites[0].text if analysis.rewrites else None


class TextReport:
    brief = True

    def __init__(self, stream: TextIO, colour: bool) -> None:
        self.stream = stream
        self.console = Console(file=stream, highlight=False, soft_wrap=True) if colour else None

    def add(self, finding: Finding) -> None:
        line = Text(f"{finding.path}:{finding.line}:{finding.column}: ")
        analysis = finding.analysis
        if analysis is not None and analysis.label is not None:
            line.append(f"{analysis.label} ({analysis.confidence:.2f})", style=TONE_STYLES[analysis.label])
            if analysis.label != "assertive":
                cue = analysis.main_cue
                if cue:
                    words = cue.text if len(cue.text) <= CUE_PREVIEW else cue.text[: CUE_PREVIEW - 3] + "..."
                    line.append(f' {cue.rule} "{words}"')
                rewrite = best_rewrite(analysis)
                line.append(f" -> {rewrite}" if rewrite else f" ({analysis.rewrite_note})")
        elif analysis is not None:
            line.append(f"not judged: {analysis.reason}", style="dim")
        elif finding.status == "ignored":
            line.append("ignored (closer-tone: ignore)", style="dim")
        else:
            line.append(f"unreadable: {finding.message}", style="bold red")
        self._print(line)

    def close(self, summary: Summary) -> None:
        self._print(Text(summary.describe(), style="bold"))

    def _print(self, line: Text) -> None:
        """Through rich for colour; without colour, the same characters written straight (tabs expanded, as
        rich does): rich took 0.4 s per 5,000 lines to add nothing."""
        if self.console is not None:
            self.console.print(line)
        else:
            line.expand_tabs(8)
            self.stream.write(line.plain + "\n")


class JsonLinesReport:
    brief = False

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def add(self, finding: Finding) -> None:
        self.stream.write(json.dumps(finding.to_dict(), ensure_ascii=False) + "\n")

    def close(self, summary: Summary) -> None:
        self.stream.flush()


class JsonReport:
    """`{"findings": [...], "summary": {...}}`, written as it goes rather than built in memory."""

    brief = False

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.count = 0
        stream.write('{"findings": [')

    def add(self, finding: Finding) -> None:
        self.stream.write(("," if self.count else "") + "\n  " + json.dumps(finding.to_dict(), ensure_ascii=False))
        self.count += 1

    def close(self, summary: Summary) -> None:
        self.stream.write(("\n" if self.count else "") + '], "summary": ' + json.dumps(summary.to_dict()) + "}\n")


class CsvReport:
    brief = True

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
        self.writer.writeheader()

    def add(self, finding: Finding) -> None:
        row: dict[str, Any] = {"path": finding.path, "line": finding.line, "column": finding.column}
        row |= {"status": finding.status, "text": finding.text, "message": finding.message}
        analysis = finding.analysis
        if analysis is not None:
            row |= {"text": analysis.text, "message": analysis.reason, "label": analysis.label}
            row |= {label: f"{analysis.scores[label]:.4f}" for label in analysis.scores}
            row["confidence"] = f"{analysis.confidence:.4f}" if analysis.confidence is not None else None
            row["rules"] = " ".join(dict.fromkeys(cue.rule for cue in analysis.cues))
            row["rewrite"] = best_rewrite(analysis)
        self.writer.writerow(row)

    def close(self, summary: Summary) -> None:
        self.stream.flush()


@contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """A report file that appears whole or not at all: written beside its target, renamed when complete."""
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            yield cast(TextIO, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
