"""Shared fixtures: the analyzer loads spaCy and the shipped model once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from closer_tone import cli
from closer_tone.api import Analyzer


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer()


@pytest.fixture
def cli_reuses_analyzer(monkeypatch: pytest.MonkeyPatch, analyzer: Analyzer) -> None:
    """Commands run with the session's analyzer; runs with their own rules or model still build theirs."""
    build = cli._analyzer

    def shared(
        model: Path | None = None, disable: tuple[str, ...] = (), lexicons: tuple[Path, ...] = (), trust: bool = False
    ) -> Analyzer:
        return analyzer if model is None and not disable and not lexicons else build(model, disable, lexicons, trust)

    monkeypatch.setattr(cli, "_analyzer", shared)
