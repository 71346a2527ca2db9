"""closer-tone: is an interview close passive, assertive or aggressive, and which words make it so.

    import closer_tone
    closer_tone.analyze("Thanks for your time. Sorry, I guess I rambled.").label   # "passive"

`import closer_tone` stays cheap: spaCy and the model load on first use of `analyze` or `Analyzer`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Analysis", "Analyzer", "ChecklistItem", "Cue", "Rewrite", "Sentence", "analyze", "__version__"]

if TYPE_CHECKING:
    from closer_tone.api import Analyzer
    from closer_tone.results import Analysis, ChecklistItem, Cue, Rewrite, Sentence


_default: list[Analyzer] = []
_default_lock = threading.Lock()


def _default_analyzer() -> Analyzer:
    """Built once, on first use, even when several threads ask at the same moment."""
    with _default_lock:
        if not _default:
            from closer_tone.api import Analyzer

            _default.append(Analyzer())
        return _default[0]


def analyze(text: str) -> Analysis:
    """Analyse one statement with a shared, lazily built Analyzer (build your own to configure rules)."""
    return _default_analyzer().analyze(text)


def __getattr__(name: str) -> Any:
    if name == "Analyzer":
        from closer_tone.api import Analyzer

        return Analyzer
    if name in {"Analysis", "ChecklistItem", "Cue", "Rewrite", "Sentence"}:
        from closer_tone import results

        return getattr(results, name)
    raise AttributeError(f"module 'closer_tone' has no attribute {name!r}")
