"""Reading closing statements out of files for `closer-tone scan`: which files, and where each statement sits.

`discover(paths)` turns the paths a user names into the files to read, in order, and a `ReadError` (not an
exception, so the other paths are still read) for each path that is missing or of a type closer-tone does not
read. A file reached twice, through two of the paths or a link, is listed once, so each statement is reported
once. `read_passages(path)` checks the whole file before it returns, raising `ReadError` for a file it cannot
read at all, then yields, lazily, a `Passage` for each statement and a `RowProblem` for each bad row.

Decisions beyond the issue:
- Markdown passages are the text a reader of the rendered page sees (emphasis marks, link targets and inline
  HTML dropped, runs of spaces collapsed), because the analyzer screens out text dense with `[]`, `` ` `` and
  tags as code.
- A csv passage's line and column are those of its first character even when its cell starts on a later line
  of the record than the first. A row with fewer cells than the header, or with more cells whose extra ones
  are not empty (an unquoted comma in the text would shift it), is a row problem; a quoted cell still open at
  the end of the file is the last row problem, since the rest of the file is inside it.
- Word headings, titles and subtitles are skipped, as Markdown headings are; paragraph numbers still count them.
- `.txt` and `.md` lines break at `\\n`, `\\r\\n` and a lone `\\r`, as Markdown and Python's csv module do. In
  a `.txt` file, a line holding only the `<!-- closer-tone: ignore -->` comment is not a statement itself.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import docx
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

from closer_tone.errors import ReadError

SUPPORTED_SUFFIXES = (".txt", ".md", ".csv", ".jsonl", ".docx")
IGNORE_MARKER = "closer-tone: ignore"
"""Text containing this (in any case) is read and counted but never analysed."""

_BOM = b"\xef\xbb\xbf"
_DIRECTIVE = re.compile(r"<!--\s*" + re.escape(IGNORE_MARKER) + r"\s*-->", re.IGNORECASE)
_MARKDOWN = MarkdownIt("commonmark")
_QUOTED_CELL = re.compile(r'"([^"]*(?:""[^"]*)*)"([^,\n]*)')
_BARE_CELL = re.compile(r"[^,\n]*")
_NON_SPACE = re.compile(r"\S")
_SPACES = re.compile(r"[ \t]+")  # collapsed, as a browser collapses them
_JSON_TYPES = {
    type(None): "null",
    bool: "true or false",
    int: "a number",
    float: "a number",
    list: "an array",
    dict: "an object",
    str: "a string",
}


@dataclass(frozen=True)
class Passage:
    """One statement and where its first character is in the file (1-based line and column, in characters)."""

    path: str
    line: int
    column: int
    text: str
    ignored: bool = False


@dataclass(frozen=True)
class RowProblem:
    """A row of a readable file that holds no statement to read; the caller reports it instead of dropping it."""

    path: str
    line: int
    message: str


def discover(paths: Iterable[Path]) -> Iterator[Path | ReadError]:
    """Files under `paths` in order, directories walked sorted and without their dot-files and dot-directories."""
    seen_files: set[Path] = set()
    walked: set[Path] = set()
    for path in paths:
        if not path.exists():
            yield ReadError(f"{path}: no such file or directory")
        elif not path.is_dir() and path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield _unsupported(path)
        else:
            for found in _walk(path, walked) if path.is_dir() else [path]:
                if isinstance(found, Path):
                    if found.resolve() in seen_files:
                        continue
                    seen_files.add(found.resolve())
                yield found


def _walk(directory: Path, walked: set[Path]) -> Iterator[Path | ReadError]:
    """Links are followed, but a directory already walked is not walked again, so a looping link ends."""
    if directory.resolve() in walked:
        return
    walked.add(directory.resolve())
    try:
        entries = sorted(directory.iterdir())
    except OSError as error:
        yield ReadError(f"{directory}: cannot list it ({error.strerror})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry, walked)
        elif entry.suffix.lower() in SUPPORTED_SUFFIXES:
            yield entry


def _unsupported(path: Path) -> ReadError:
    kind = f"{path.suffix} files" if path.suffix else "files without a suffix"
    return ReadError(f"{path}: closer-tone does not read {kind}; it reads {', '.join(SUPPORTED_SUFFIXES)}")


def read_passages(path: Path, *, column: str = "text", field: str = "text") -> Iterator[Passage | RowProblem]:
    """Statements of a file, by its suffix; `column` names the csv column and `field` the jsonl field to read.

    Everything that can make the whole file unreadable is checked before this returns, so a file either raises
    `ReadError` here or yields all its statements.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _unsupported(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"{path}: cannot read it ({error.strerror})") from None
    name = str(path)
    if suffix == ".docx":
        return _docx_passages(name, data)
    text = _decode(name, data)
    if suffix == ".txt":
        return text_passages(text, name)
    if suffix == ".md":
        return (passage for passage, _ in markdown_passages(text, name))
    if suffix == ".csv":
        return _csv_passages(name, text, column)
    return _jsonl_passages(name, text, field)


def _decode(path: str, data: bytes) -> str:
    """UTF-8 text with any byte-order mark dropped and every line break made `\\n`, which moves no column."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise ReadError(f"{path}: not a text file (NUL byte at offset {nul})")
    body = data.removeprefix(_BOM)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + len(data) - len(body)
        raise ReadError(
            f"{path}: not UTF-8 (invalid byte 0x{data[offset]:02x} at offset {offset}); save it as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _passage(path: str, line: int, column: int, text: str, marked: bool = False) -> Passage:
    return Passage(path, line, column, text, ignored=marked or _has_marker(text))


def _has_marker(text: str) -> bool:
    return IGNORE_MARKER in text.lower()


def _is_directive(line: str) -> bool:
    return _DIRECTIVE.fullmatch(line.strip()) is not None


def text_passages(text: str, path: str = "") -> Iterator[Passage]:
    """The statements of plain text (line ends already `\\n`): what `scan` reads from a .txt file."""
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        statement = line.strip()
        if statement and not _is_directive(line):
            column = len(line) - len(line.lstrip()) + 1
            yield _passage(path, number, column, statement, number > 1 and _is_directive(lines[number - 2]))


def markdown_passages(text: str, path: str = "") -> Iterator[tuple[Passage, int]]:
    """The statements of Markdown (line ends already `\\n`), each with the 1-based line its paragraph ends on.

    What `scan` reads from a .md file; the end line lets an editor replace a paragraph that spans lines.
    """
    lines = text.split("\n")
    tokens = _MARKDOWN.parse("\n".join(_without_front_matter(lines)))
    for opening, inline in itertools.pairwise(tokens):
        if opening.type != "paragraph_open" or inline.map is None:
            continue
        statement = _SPACES.sub(" ", _rendered_text(inline)).strip()
        if statement:
            first = inline.map[0]
            # The paragraph's first line, markers and indentation cut off, is the end of its source line.
            column = len(lines[first].rstrip()) - len(inline.content.split("\n", 1)[0].strip()) + 1
            marked = _has_marker(inline.content) or (first > 0 and _is_directive(lines[first - 1]))
            yield _passage(path, first + 1, column, statement, marked), inline.map[1]


def _without_front_matter(lines: list[str]) -> list[str]:
    """Front matter blanked rather than removed, so the line numbers Markdown reports stay those of the file."""
    if not lines or lines[0].rstrip() != "---":
        return lines
    for end, line in enumerate(lines[1:], 1):
        if line.rstrip() == "---":
            return [""] * (end + 1) + lines[end + 1 :]
    return lines


def _rendered_text(inline: Token) -> str:
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


class _Cell(NamedTuple):
    value: str
    first: int  # offset in the file's text of the value's first non-space character; -1 when it has none


class _Record(NamedTuple):
    line: int
    start: int
    cells: list[_Cell]
    unclosed: bool


def _csv_records(text: str) -> Iterator[_Record]:
    """Records split as Python's csv module (excel dialect) splits them, keeping where each cell's text starts.

    Blank lines are skipped. A quoted cell never closed ends the file with a record marked `unclosed`.
    """
    position, line = 0, 1
    while position < len(text):
        start, cells = position, list[_Cell]()
        while True:
            if text.startswith('"', position):
                quoted = _QUOTED_CELL.match(text, position)
                if quoted is None:
                    yield _Record(line, start, cells, unclosed=True)
                    return
                cells.append(_Cell(quoted[1].replace('""', '"') + quoted[2], _first_non_space(text, quoted, 1, 2)))
                position = quoted.end() + 1
            else:
                bare = _BARE_CELL.match(text, position)
                assert bare is not None  # the pattern matches the empty string
                cells.append(_Cell(bare[0], _first_non_space(text, bare, 0)))
                position = bare.end() + 1
            if position > len(text) or text[position - 1] == "\n":
                break
        if len(cells) > 1 or cells[0].first >= 0:
            yield _Record(line, start, cells, unclosed=False)
        line += text.count("\n", start, position)


def _first_non_space(text: str, match: re.Match[str], *groups: int) -> int:
    for group in groups:
        found = _NON_SPACE.search(text, match.start(group), match.end(group))
        if found:
            return found.start()
    return -1


def _csv_passages(path: str, text: str, column: str) -> Iterator[Passage | RowProblem]:
    records = _csv_records(text)
    header = next(records, None)
    if header is None:
        return iter(())
    if header.unclosed:
        raise ReadError(f"{path}: a quoted cell in the header row on line {header.line} is never closed")
    names = [cell.value.strip() for cell in header.cells]
    if column not in names:
        raise ReadError(f"{path}: no {column!r} column; its columns are {', '.join(map(repr, names))}")
    return _csv_rows(path, text, records, names.index(column), len(names))


def _csv_rows(
    path: str, text: str, records: Iterator[_Record], index: int, width: int
) -> Iterator[Passage | RowProblem]:
    for record in records:
        cells = record.cells
        if record.unclosed:
            yield RowProblem(path, record.line, "a quoted cell starting in this row is never closed")
        elif len(cells) < width:
            yield RowProblem(path, record.line, f"the row has {len(cells)} of the header's {width} cells")
        elif any(cell.first >= 0 for cell in cells[width:]):
            message = f"the row has {len(cells)} cells, the header {width}; quote any cell that contains a comma"
            yield RowProblem(path, record.line, message)
        elif cells[index].first >= 0:
            first = cells[index].first
            line = record.line + text.count("\n", record.start, first)
            yield _passage(path, line, first - text.rfind("\n", 0, first), cells[index].value.strip())


def _jsonl_passages(path: str, text: str, field: str) -> Iterator[Passage | RowProblem]:
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            read = _jsonl_row(path, number, line, field)
            if read is not None:
                yield read


def _jsonl_row(path: str, number: int, line: str, field: str) -> Passage | RowProblem | None:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return RowProblem(path, number, f"not JSON ({error.msg} at column {error.colno})")
    except (ValueError, RecursionError) as error:  # a number of over 4,300 digits; arrays nested too deep
        return RowProblem(path, number, f"JSON that Python cannot read ({error})")
    if not isinstance(record, dict):
        return RowProblem(path, number, f"{_JSON_TYPES[type(record)]}, not a JSON object")
    if field not in record:
        return RowProblem(path, number, f"no {field!r} field")
    value = record[field]
    if not isinstance(value, str):
        return RowProblem(path, number, f"{field!r} is {_JSON_TYPES[type(value)]}, not a string")
    return _passage(path, number, 1, value.strip()) if value.strip() else None


def _docx_passages(path: str, data: bytes) -> Iterator[Passage]:
    try:
        paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, SyntaxError):  # lxml's XML error is a SyntaxError
        # What python-docx says about the zip or XML inside does not help the user; what to do next does.
        raise ReadError(f"{path}: not a Word document, or a damaged one; save it from Word again as .docx") from None
    texts = ("" if _is_heading(paragraph) else paragraph.text.strip() for paragraph in paragraphs)
    return (_passage(path, number, 1, text) for number, text in enumerate(texts, 1) if text)


def _is_heading(paragraph: Paragraph) -> bool:
    name = (paragraph.style.name if paragraph.style else None) or ""
    return name in ("Title", "Subtitle") or name.startswith("Heading")
