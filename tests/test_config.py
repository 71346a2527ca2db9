"""Project settings: where they are found, how they are checked, and paths relative to their file."""

from __future__ import annotations

from pathlib import Path

import pytest

from closer_tone.config import ConfigError, Settings, load_settings


def test_no_settings_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path) == Settings()


def test_the_nearest_file_wins_and_the_dedicated_file_beats_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.closer-tone]\nfail-on = "aggressive"\n', encoding="utf-8")
    inner = tmp_path / "team" / "scripts"
    inner.mkdir(parents=True)
    assert load_settings(inner).fail_on == "aggressive"
    (tmp_path / "team" / ".closer-tone.toml").write_text('format = "jsonl"\n', encoding="utf-8")
    settings = load_settings(inner)
    assert (settings.format, settings.fail_on, settings.source) == (
        "jsonl",
        None,
        tmp_path / "team" / ".closer-tone.toml",
    )


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".closer-tone.toml").write_text("jobs = 2\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_settings(tmp_path / "app").jobs == 2


def test_lexicon_paths_are_relative_to_the_settings_file(tmp_path: Path) -> None:
    (tmp_path / ".closer-tone.toml").write_text('lexicons = ["cues/mine.json"]\n', encoding="utf-8")
    (tmp_path / "deep").mkdir()
    assert load_settings(tmp_path / "deep").lexicons == (tmp_path / "cues" / "mine.json",)


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ('fail_on = "passive"\n', "unknown setting 'fail_on'"),
        ('fail-on = "assertive"\n', "fail-on must be one of passive, aggressive"),
        ('format = "xml"\n', "format must be one of text, json, jsonl, csv"),
        ('disable = "hedge"\n', "disable must be a list of strings"),
        ("jobs = 0\n", "jobs must be a whole number of at least 1"),
        ('column = ""\n', "column must be a non-empty string"),
        ("disable = [\n", "cannot read settings"),
    ],
)
def test_bad_settings_are_coded_errors_naming_the_file(tmp_path: Path, content: str, complaint: str) -> None:
    (tmp_path / ".closer-tone.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert str(caught.value).startswith(f"[E201] {tmp_path / '.closer-tone.toml'}: ")
    assert complaint in str(caught.value)
