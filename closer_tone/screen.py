"""Rule 6 of the tone guide: text that is not a closing line gets a reason instead of a guessed label.

Language identification uses py3langid, whose model ships inside the wheel; it is loaded on first use
(`closer_tone/language.py`; `scan` starts the load while spaCy loads). Only
non-English text that is long enough and identified with some confidence is refused: short English lines
("Thanks!", "Best, Keiko") often look like other languages to any identifier. On the corpus, no English line
scores above 0.07 for another language; the threshold is 0.5. A line that is at least a third English
function words ("I", "for", "your"; spaCy's English stop words) is English without asking: that settles 95%
of the corpus and spares most commands the half second the identifier's model takes to load. In the foreign
closing lines tried (Spanish, French, German, Italian, Dutch...), English function words were at most 27%.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from closer_tone.language import language_identifier

MAX_CHARS = 2000
_MIN_LETTERS_FOR_LANGUAGE = 12
_LANGUAGE_CONFIDENCE = 0.5
_URL = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
_CODE_LINE = re.compile(
    r"^\s*(?:def \w+\s*\(|class \w+\s*[:(]|import [\w.]+\s*$|from [\w.]+ import |#include\b"
    r"|function\s*\w*\s*\(|(?:const|let|var)\s+\w+\s*=|(?:public|private|static)\s+\w+.*[({;]\s*$"
    r"|return\b.*;\s*$|SELECT\b.+\bFROM\b|</?[a-z][a-z0-9]*(?:\s[^>]*)?>"
    r"|[\w.]+\([^()]*\)\s*;?\s*$|[{\[].*[}\]]\s*$)",
    re.IGNORECASE,
)
_CODE_SYMBOLS = set("{}=;<>[]$\\|`")
_MIN_CHARS_FOR_SYMBOLS = 40
_WORD = re.compile(r"[^\W\d_]{2,}")
_FUNCTION_WORD_SHARE = 0.35


def reason_not_judgeable(text: str) -> str | None:
    """Why `text` is not a closing line closer-tone can judge, or None when it is."""
    stripped = text.strip()
    if not stripped:
        return "the text is empty"
    if len(text) > MAX_CHARS:
        return f"the text is {len(text):,} characters; closer-tone judges closing statements up to {MAX_CHARS:,}"
    words = _WORD.findall(stripped)
    if not words:
        return "the text has no words to judge"
    if _URL.match(stripped):
        return "the text is a web address, not a closing line"
    if _looks_like_code(stripped):
        return "the text looks like code, not a closing line"
    if sum(char.isalpha() for char in stripped) >= _MIN_LETTERS_FOR_LANGUAGE and not _plainly_english(words):
        language, confidence = language_identifier().classify(stripped)
        if language != "en" and confidence >= _LANGUAGE_CONFIDENCE:
            return f"the text looks like another language ({language}); closer-tone judges English only"
    return None


def _plainly_english(words: list[str]) -> bool:
    function_words = sum(word.lower() in STOP_WORDS for word in words)
    return function_words >= 2 and function_words >= _FUNCTION_WORD_SHARE * len(words)


def _looks_like_code(text: str) -> bool:
    """Most lines written in code syntax, or a long text dense with code symbols (smileys and brackets aside)."""
    lines = [line for line in text.splitlines() if line.strip()]
    code_lines = sum(bool(_CODE_LINE.match(line)) for line in lines)
    if code_lines >= max(1, len(lines) / 2):
        return True
    symbols = sum(char in _CODE_SYMBOLS for char in text)
    return len(text) >= _MIN_CHARS_FOR_SYMBOLS and symbols / len(text) > 0.08
