"""Shared fixtures: the analyzer loads spaCy and the shipped model once per test session."""

from __future__ import annotations

import pytest

from closer_tone.api import Analyzer


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()
