"""A keyword-list tone classifier with no learning: the floor any model must beat, and the yardstick for hard cases."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib.resources import files

from closer_tone.tone import most_severe


@dataclass(frozen=True)
class KeywordBaseline:
    passive: re.Pattern[str]
    aggressive: re.Pattern[str]

    @classmethod
    def load(cls) -> KeywordBaseline:
        lists = json.loads(files("closer_tone.baselines").joinpath("keywords.json").read_text("utf-8"))
        return cls(_alternation(lists["passive"]), _alternation(lists["aggressive"]))

    def label_sentence(self, text: str) -> str:
        if self.aggressive.search(text):
            return "aggressive"
        if self.passive.search(text):
            return "passive"
        return "assertive"

    def label_statement(self, sentences: list[str]) -> str:
        return most_severe(self.label_sentence(sentence) for sentence in sentences)


def _alternation(entries: list[str]) -> re.Pattern[str]:
    """Whole-word matches; entries made only of punctuation ('!!') match anywhere."""
    parts = []
    for entry in sorted(entries, key=len, reverse=True):
        escaped = re.escape(entry).replace("'", "['’]")
        parts.append(rf"\b{escaped}\b" if entry[0].isalnum() else escaped)
    return re.compile("|".join(parts), re.IGNORECASE)
