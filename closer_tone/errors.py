"""Coded, one-line errors that tell the user what to do next, in the manner of spaCy's errors.py."""

from __future__ import annotations


class CloserToneError(Exception):
    """Base of every error closer-tone reports to a user; `code` is stable across releases."""

    code = "E000"

    def __init__(self, message: str) -> None:
        super().__init__(f"[{self.code}] {message}")


class ModelMissingError(CloserToneError):
    code = "E101"


class ModelIntegrityError(CloserToneError):
    code = "E102"


class ModelVersionError(CloserToneError):
    code = "E103"


class UntrustedModelError(CloserToneError):
    code = "E104"


class LexiconError(CloserToneError, ValueError):
    code = "E301"


class ReadError(CloserToneError):
    code = "E401"


REBUILD_HINT = "rebuild it with `closer-tone train`"
