"""Project settings: a `.closer-tone.toml`, or a `[tool.closer-tone]` table in `pyproject.toml`.

Prose linters' users want their rule choices written down once, beside their scripts, not retyped on every
run; the command line and the language server read the same file. The nearest file wins, searched from the
starting directory upwards; `.closer-tone.toml` beats `pyproject.toml` in the same directory. Command-line
options override what the file says.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from closer_tone.errors import CloserToneError

DEDICATED = ".closer-tone.toml"
LABEL_LEVELS = ("passive", "aggressive")
FORMATS = ("text", "json", "jsonl", "csv")


class ConfigError(CloserToneError):
    code = "E201"


@dataclass(frozen=True)
class Settings:
    """What a user may set once for a project; `source` is the file it came from, if any."""

    disable: tuple[str, ...] = ()
    lexicons: tuple[Path, ...] = ()
    fail_on: str | None = None
    format: str = "text"
    column: str = "text"
    field: str = "text"
    jobs: int = 1
    source: Path | None = None


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest settings file at or above `start`, with its closer-tone table."""
    directory = start.resolve()
    for folder in (directory, *directory.parents):
        dedicated = folder / DEDICATED
        if dedicated.is_file():
            return dedicated, _read(dedicated)
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _read(project).get("tool", {}).get("closer-tone")
            if table is not None:
                return project, table
    return None


def load_settings(start: Path) -> Settings:
    found = find_config(start)
    return Settings() if found is None else settings_from(*found)


def settings_from(path: Path, table: dict[str, Any]) -> Settings:
    """Validated settings; lexicon paths are relative to the file that names them."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: the closer-tone settings must be a table")
    known = {"disable", "lexicons", "fail-on", "format", "column", "field", "jobs"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r}; known settings are {', '.join(sorted(known))}")
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in LABEL_LEVELS:
        raise ConfigError(f"{path}: fail-on must be one of {', '.join(LABEL_LEVELS)}, not {fail_on!r}")
    output = table.get("format", "text")
    if output not in FORMATS:
        raise ConfigError(f"{path}: format must be one of {', '.join(FORMATS)}, not {output!r}")
    jobs = table.get("jobs", 1)
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise ConfigError(f"{path}: jobs must be a whole number of at least 1, not {jobs!r}")
    return Settings(
        disable=_strings(path, table, "disable"),
        lexicons=tuple(path.parent / item for item in _strings(path, table, "lexicons")),
        fail_on=fail_on,
        format=output,
        column=_string(path, table, "column"),
        field=_string(path, table, "field"),
        jobs=jobs,
        source=path,
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read settings ({error})") from None


def _strings(path: Path, table: dict[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return tuple(value)


def _string(path: Path, table: dict[str, Any], key: str) -> str:
    value = table.get(key, "text")
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{path}: {key} must be a non-empty string")
    return value
