"""The one result model: what an analysis returns, as frozen dataclasses of plain values.

Offsets are characters in the caller's own text, so a result can be kept, compared and turned into JSON
(`to_dict()`) without spaCy objects hanging on; the command line and editors convert them at the edge.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


def _plain(value: Any) -> Any:
    """`asdict()` output made JSON-ready: tuples become lists, all the way down."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True)
class Cue:
    """Words that push a sentence towards a tone: `text == analysed_text[start:end]`."""

    start: int
    end: int
    text: str
    rule: str
    tone: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass(frozen=True)
class Rewrite:
    text: str
    changes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int
    label: str
    scores: dict[str, float]
    cues: tuple[Cue, ...] = ()
    rewrites: tuple[Rewrite, ...] = ()
    rewrite_note: str | None = None

    @property
    def main_cue(self) -> Cue | None:
        """The cue that explains the sentence's label: its first cue of that tone."""
        return next((cue for cue in self.cues if cue.tone == self.label), None)

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass(frozen=True)
class ChecklistItem:
    """One of the three moves of a strong close: present (with the sentence that makes it) or missing."""

    item: str
    present: bool
    sentence: str | None = None
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _plain(asdict(self))


@dataclass(frozen=True)
class Analysis:
    """The verdict on one statement; `label` is None, with a `reason`, when the text is not a closing line."""

    text: str
    label: str | None
    reason: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    sentences: tuple[Sentence, ...] = ()
    rewrites: tuple[Rewrite, ...] = ()
    rewrite_note: str | None = None
    checklist: tuple[ChecklistItem, ...] = ()

    @property
    def cues(self) -> tuple[Cue, ...]:
        return tuple(cue for sentence in self.sentences for cue in sentence.cues)

    @property
    def main_cue(self) -> Cue | None:
        """The cue that explains the verdict: the first of the statement's own tone, else the first flagged one."""
        flagged = [cue for cue in self.cues if cue.tone != "assertive"]
        return next((cue for cue in flagged if cue.tone == self.label), flagged[0] if flagged else None)

    @property
    def confidence(self) -> float | None:
        return None if self.label is None else self.scores[self.label]

    def to_dict(self) -> dict[str, Any]:
        return {**_plain(asdict(self)), "cues": _plain(list(map(asdict, self.cues)))}
