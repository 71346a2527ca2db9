"""The file readers of `closer-tone scan`: real files in tmp_path, every position checked against the file."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from closer_tone.errors import ReadError
from closer_tone.readers import (
    IGNORE_MARKER,
    SUPPORTED_SUFFIXES,
    Passage,
    RowProblem,
    discover,
    read_passages,
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def passages(path: Path, **options: str) -> list[Passage]:
    read = list(read_passages(path, **options))
    assert all(isinstance(item, Passage) for item in read), read
    return [item for item in read if isinstance(item, Passage)]


def source_from(passage: Passage) -> str:
    """The file from the passage's position to the end of its line, read independently of the readers."""
    with open(passage.path, encoding="utf-8-sig") as file:  # universal newlines: \r\n and \r end lines too
        lines = file.read().split("\n")
    return lines[passage.line - 1][passage.column - 1 :]


def assert_positions(found: list[Passage]) -> None:
    for passage in found:
        first_word = passage.text.split()[0]
        assert source_from(passage).startswith(first_word), (passage, source_from(passage))


def test_a_text_file_gives_each_non_empty_line_with_its_position(tmp_path: Path) -> None:
    path = write(tmp_path / "close.txt", "Thanks for today.\n\n   \n\tWhen can I expect to hear?  \nCafé soon, Zoë.\n")
    found = passages(path)
    assert [(p.line, p.column, p.text) for p in found] == [
        (1, 1, "Thanks for today."),
        (4, 2, "When can I expect to hear?"),
        (5, 1, "Café soon, Zoë."),
    ]
    assert {p.path for p in found} == {str(path)}
    assert not any(p.ignored for p in found)
    assert_positions(found)


def test_columns_count_characters_not_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "close.csv", "note,text\nrésumé attaché,Thanks again.\n")
    (found,) = passages(path)
    assert (found.line, found.column) == (2, 16)
    assert_positions([found])


def test_a_byte_order_mark_and_crlf_move_no_column_and_stay_out_of_the_text(tmp_path: Path) -> None:
    for name, body in [
        ("a.txt", "Thanks, Ana.\r\n  I look forward to it.\r\n"),
        ("b.md", "Thanks, Ana.\r\n\r\n- Bye.\r\n"),
        ("c.csv", 'text,id\r\n"Thanks, Ana.",1\r\n"Call me\r\nby Friday.",2\r\n'),
        ("d.jsonl", '{"text": "Thanks, Ana."}\r\n{"text": "Bye."}\r\n'),
    ]:
        path = tmp_path / name
        path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
        found = passages(path)
        assert all("\r" not in p.text and "\ufeff" not in p.text for p in found)
        if not name.endswith(".jsonl"):  # a jsonl statement's column is always 1, its line's `{`
            assert_positions(found)
    assert [(p.line, p.column) for p in passages(tmp_path / "a.txt")] == [(1, 1), (2, 3)]
    assert [(p.line, p.column, p.text) for p in passages(tmp_path / "b.md")] == [(1, 1, "Thanks, Ana."), (3, 3, "Bye.")]
    assert [(p.line, p.column, p.text) for p in passages(tmp_path / "c.csv")] == [
        (2, 2, "Thanks, Ana."),
        (3, 2, "Call me\nby Friday."),
    ]
    assert [(p.line, p.column) for p in passages(tmp_path / "d.jsonl")] == [(1, 1), (2, 1)]


def test_a_lone_carriage_return_ends_a_line_as_it_does_in_markdown(tmp_path: Path) -> None:
    path = write(tmp_path / "old-mac.txt", "One.\rTwo.\r")
    assert [(p.line, p.text) for p in passages(path)] == [(1, "One."), (2, "Two.")]


def test_a_latin_1_file_is_refused_with_the_offset_of_its_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "scripts" / "a.txt"
    path.parent.mkdir()
    path.write_bytes("Thanks for the café chat.".encode("latin-1"))
    with pytest.raises(ReadError) as raised:
        read_passages(path)  # raised on the call, before any statement is yielded
    assert str(raised.value).startswith(f"[E401] {path}: not UTF-8 (invalid byte 0xe9 at offset 18)")


def test_the_offset_of_a_bad_byte_counts_the_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbfok \xff")
    with pytest.raises(ReadError, match="invalid byte 0xff at offset 6"):
        read_passages(path)


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ReadError, match=r"image.txt: not a text file \(NUL byte at offset 8\)"):
        read_passages(path)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".csv", ".jsonl"])
def test_an_empty_file_has_no_statements_and_no_error(tmp_path: Path, suffix: str) -> None:
    assert list(read_passages(write(tmp_path / f"empty{suffix}", ""))) == []
    assert list(read_passages(write(tmp_path / f"blank{suffix}", "\n  \n\n"))) == []


def test_a_2_mb_line_is_yielded_whole(tmp_path: Path) -> None:
    huge = "Thanks " * 300_000
    path = write(tmp_path / "huge.txt", f"Short.\n{huge}\nAfter.\n")
    found = passages(path)
    assert [len(p.text) for p in found] == [6, len(huge.strip()), 6]
    assert (found[2].line, found[2].column) == (3, 1)
    jsonl = write(tmp_path / "huge.jsonl", json.dumps({"text": huge}) + "\n")
    assert [p.text for p in passages(jsonl)] == [huge.strip()]


def test_a_missing_path_is_an_error_and_the_other_paths_are_still_read(tmp_path: Path) -> None:
    present = write(tmp_path / "a.txt", "Thanks.\n")
    found = list(discover([tmp_path / "nope", present, tmp_path / "gone.txt"]))
    assert found[1] == present
    assert [str(item) for item in found if isinstance(item, ReadError)] == [
        f"[E401] {tmp_path / 'nope'}: no such file or directory",
        f"[E401] {tmp_path / 'gone.txt'}: no such file or directory",
    ]
    with pytest.raises(ReadError, match="gone.txt: cannot read it"):
        read_passages(tmp_path / "gone.txt")


def test_a_directory_is_walked_sorted_without_dot_files_or_unsupported_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [
        "b.txt",
        "a.md",
        "notes.pdf",
        "README",
        ".hidden.txt",
        ".git/config.txt",
        "sub/z.jsonl",
        "sub/deeper/y.CSV",
        "sub/.cache/x.txt",
        "sub/image.png",
        "c.docx",
    ]:
        write(tmp_path / "scripts" / name, "x")
    monkeypatch.chdir(tmp_path)
    found = list(discover([Path("scripts/")]))
    assert [str(path) for path in found] == [
        "scripts/a.md",
        "scripts/b.txt",
        "scripts/c.docx",
        "scripts/sub/deeper/y.CSV",
        "scripts/sub/z.jsonl",
    ]
    assert passages(Path("scripts/b.txt"))[0].path == "scripts/b.txt"


def test_a_file_named_explicitly_is_read_even_hidden_but_must_have_a_supported_suffix(tmp_path: Path) -> None:
    hidden = write(tmp_path / ".draft.txt", "Thanks.\n")
    pdf = write(tmp_path / "notes.pdf", "x")
    bare = write(tmp_path / "README", "x")
    found = list(discover([hidden, pdf, bare]))
    assert found[0] == hidden
    messages = [str(error) for error in found[1:]]
    assert messages[0] == (
        f"[E401] {pdf}: closer-tone does not read .pdf files; it reads .txt, .md, .csv, .jsonl, .docx"
    )
    assert "does not read files without a suffix" in messages[1]
    assert all(suffix in message for suffix in SUPPORTED_SUFFIXES for message in messages)
    with pytest.raises(ReadError, match="does not read .pdf files"):
        read_passages(pdf)


def test_a_file_reached_twice_is_listed_once_and_a_looping_link_ends(tmp_path: Path) -> None:
    a = write(tmp_path / "d" / "a.txt", "Thanks.\n")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    os.symlink(a, tmp_path / "d" / "same.txt")
    assert list(discover([tmp_path / "d", a, tmp_path / "d" / "loop"])) == [a]


def test_a_directory_that_cannot_be_listed_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    after = write(tmp_path / "z.txt", "Thanks.\n")

    def refuse(self: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "iterdir", refuse)
    found = list(discover([locked, after]))
    assert [str(item) for item in found[:1]] == [f"[E401] {locked}: cannot list it (Permission denied)"]
    assert found[1:] == [after]


def test_a_directory_named_like_a_file_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "odd.txt").mkdir()
    with pytest.raises(ReadError, match="odd.txt: cannot read it"):
        read_passages(tmp_path / "odd.txt")


MARKDOWN = """\
---
title: Closing lines
tags: [interview]
---
# Closing lines

Thanks for the time today,
  Priya. I enjoyed   it.

## Questions

- What are the next steps?
- **Really** keen to hear,
  and I mean it.
  1. Nested *point* with [a link](https://example.com) and `code`.

> I guess I'll just wait.
> > Sorry for rambling.
lazy continuation

```
print("not a statement")
```

    indented code is not a statement

<div>
HTML block, not a statement
</div>

Setext heading
--------------

Last line&amp;done\\
broken here.
"""


def test_markdown_gives_paragraphs_and_list_items_and_skips_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path / "close.md", MARKDOWN)
    found = passages(path)
    assert [(p.line, p.column, p.text) for p in found] == [
        (7, 1, "Thanks for the time today, Priya. I enjoyed it."),
        (12, 3, "What are the next steps?"),
        (13, 3, "Really keen to hear, and I mean it."),
        (15, 6, "Nested point with a link and code."),
        (17, 3, "I guess I'll just wait."),
        (18, 5, "Sorry for rambling. lazy continuation"),
        (34, 1, "Last line&done broken here."),
    ]
    assert_positions([p for p in found if p.line != 13])
    assert source_from(found[2]).startswith("**Really**")  # the first character after the list marker


def test_markdown_without_closing_front_matter_reads_on(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", "---\nThanks for today.\n")
    assert [(p.line, p.text) for p in passages(path)] == [(2, "Thanks for today.")]


CSV = """\
id,text,note
1,Thanks for today.,plain
2,"Thanks, Priya. Sorry for rambling,
I guess.",multi-line
3,"  ""Quoted"" opening",spaces
4, ,empty

5,  \tIndented,tab
"6
seven",When can I expect to hear?,after a multi-line id
7,too few
8,"Thanks, Ana",ok,extra
9,"Thanks",ok,,
"""


def test_csv_reads_its_text_column_and_reports_bad_rows(tmp_path: Path) -> None:
    path = write(tmp_path / "close.csv", CSV)
    read = list(read_passages(path))
    found = [item for item in read if isinstance(item, Passage)]
    problems = [item for item in read if isinstance(item, RowProblem)]
    assert [(p.line, p.column, p.text) for p in found] == [
        (2, 3, "Thanks for today."),
        (3, 4, "Thanks, Priya. Sorry for rambling,\nI guess."),
        (5, 6, '"Quoted" opening'),
        (8, 6, "Indented"),
        (10, 8, "When can I expect to hear?"),
        (13, 4, "Thanks"),
    ]
    assert_positions([p for p in found if not p.text.startswith('"')])
    assert source_from(found[2]).startswith('""Quoted""')
    assert problems == [
        RowProblem(str(path), 11, "the row has 2 of the header's 3 cells"),
        RowProblem(str(path), 12, "the row has 4 cells, the header 3; quote any cell that contains a comma"),
    ]
    with open(path, encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    complete = [
        row for row in rows if row["note"] is not None and not any(extra.strip() for extra in row.get(None, []))
    ]
    assert [p.text for p in found] == [row["text"].strip() for row in complete if row["text"].strip()]


def test_csv_reads_a_column_the_caller_names(tmp_path: Path) -> None:
    path = write(tmp_path / "close.csv", 'Speaker , Line\nAna,Thanks so much.\nBo,"Call me\nby Friday."\n')
    found = passages(path, column="Line")
    assert [(p.line, p.column, p.text) for p in found] == [(2, 5, "Thanks so much."), (3, 5, "Call me\nby Friday.")]


def test_a_csv_file_without_the_column_is_an_error_naming_its_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "close.csv", "id,body\n1,Thanks.\n")
    with pytest.raises(ReadError) as raised:
        read_passages(path)
    assert str(raised.value) == f"[E401] {path}: no 'text' column; its columns are 'id', 'body'"
    with pytest.raises(ReadError, match="no 'line' column"):
        read_passages(path, column="line")


def test_a_quoted_cell_never_closed_is_the_last_row_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "close.csv", 'text\nThanks.\n"Open quote\nThe rest.\nAnd more.\n')
    assert list(read_passages(path)) == [
        Passage(str(path), 2, 1, "Thanks."),
        RowProblem(str(path), 3, "a quoted cell starting in this row is never closed"),
    ]
    header = write(tmp_path / "header.csv", '"text\nThanks.\n')
    with pytest.raises(ReadError, match="header row on line 1 is never closed"):
        read_passages(header)


def test_jsonl_reports_every_good_row_once_and_every_bad_row_once(tmp_path: Path) -> None:
    rows = [
        json.dumps({"text": "Thanks for today."}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"body": "no text field"}),
        "",
        json.dumps({"text": 42}),
        json.dumps({"text": None}),
        json.dumps({"text": "  When can I expect to hear?  ", "id": 7}),
        json.dumps({"text": "   "}),
        "[" * 100_000,
        json.dumps({"text": "Last one, with é."}, ensure_ascii=False),
    ]
    path = write(tmp_path / "close.jsonl", "\n".join(rows) + "\n")
    read = list(read_passages(path))
    assert read == [
        Passage(str(path), 1, 1, "Thanks for today."),
        RowProblem(str(path), 2, "not JSON (Expecting property name enclosed in double quotes at column 2)"),
        RowProblem(str(path), 3, "an array, not a JSON object"),
        RowProblem(str(path), 4, "no 'text' field"),
        RowProblem(str(path), 6, "'text' is a number, not a string"),
        RowProblem(str(path), 7, "'text' is null, not a string"),
        Passage(str(path), 8, 1, "When can I expect to hear?"),
        read[7],
        Passage(str(path), 11, 1, "Last one, with é."),
    ]
    assert isinstance(read[7], RowProblem) and read[7].line == 10
    assert read[7].message.startswith("JSON that Python cannot read (maximum recursion depth")


def test_jsonl_reads_a_field_the_caller_names(tmp_path: Path) -> None:
    path = write(tmp_path / "close.jsonl", '{"line": "Thanks.", "text": 1}\n{"text": "no line"}\n')
    assert list(read_passages(path, field="line")) == [
        Passage(str(path), 1, 1, "Thanks."),
        RowProblem(str(path), 2, "no 'line' field"),
    ]


def test_docx_gives_non_empty_paragraphs_but_no_headings_numbered_as_in_the_document(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Interview with Acme", level=0)
    document.add_heading("Closing", level=1)
    document.add_paragraph("Thanks for your time, Priya.")
    document.add_paragraph("")
    document.add_paragraph("   ")
    document.add_paragraph(f"Call me by Friday. ({IGNORE_MARKER.upper()})")
    path = tmp_path / "close.docx"
    document.save(str(path))
    assert list(read_passages(path)) == [
        Passage(str(path), 3, 1, "Thanks for your time, Priya."),
        Passage(str(path), 6, 1, "Call me by Friday. (CLOSER-TONE: IGNORE)", ignored=True),
    ]


@pytest.mark.parametrize("content", [b"plain text, not a zip", b"PK\x03\x04broken", b""])
def test_a_file_that_is_not_a_word_document_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fake.docx"
    path.write_bytes(content)
    with pytest.raises(ReadError, match="fake.docx: not a Word document"):
        read_passages(path)


def word_document_changed(path: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """A real Word document with one of its parts changed, written to `path`."""
    document = docx.Document()
    document.add_paragraph("Thanks for your time. " * 50)
    built = io.BytesIO()
    document.save(built)
    with zipfile.ZipFile(built) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as changed:
        for name in original.namelist():
            content = original.read(name)
            changed.writestr(name, change(content) if name == part else content)
    return path


def flip_compressed_byte(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
    data[info.header_offset + 30 + len(info.filename) + len(info.extra)] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_word_document_is_refused(tmp_path: Path) -> None:
    not_word = tmp_path / "sheet.docx"
    word_document_changed(
        not_word, "[Content_Types].xml", lambda xml: xml.replace(b"wordprocessingml", b"spreadsheetml")
    )
    damaged = [
        tmp_path / "no-document.docx",
        word_document_changed(tmp_path / "bad-xml.docx", "word/document.xml", lambda xml: xml[: len(xml) // 2]),
        flip_compressed_byte(word_document_changed(tmp_path / "bad-deflate.docx", "", bytes)),
        not_word,
    ]
    with zipfile.ZipFile(damaged[0], "w") as archive:
        archive.writestr("hello.txt", "hi")
    for path in damaged:
        with pytest.raises(ReadError, match=f"{path.name}: not a Word document"):
            read_passages(path)


def test_the_ignore_marker_in_text_or_in_a_comment_on_the_line_before(tmp_path: Path) -> None:
    text = write(
        tmp_path / "a.txt",
        "Thanks. # Closer-Tone: Ignore\n"
        "<!-- closer-tone: ignore -->\n"
        "Call me by Friday.\n"
        "Not marked.\n"
        "<!--closer-tone: ignore-->\n"
        "\n"
        "Not marked either: a blank line in between.\n",
    )
    assert [(p.line, p.ignored) for p in passages(text)] == [(1, True), (3, True), (4, False), (7, False)]
    markdown = write(
        tmp_path / "a.md",
        "Thanks.\n"
        "<!-- closer-tone: ignore -->\n"
        "Call me\nby Friday.\n\n"
        "<!-- closer-tone: ignore -->\n"
        "- Sorry, just checking.\n"
        "- Not marked.\n\n"
        "Marked inline <!-- closer-tone: ignore --> here.\n",
    )
    assert [(p.line, p.text, p.ignored) for p in passages(markdown)] == [
        (1, "Thanks.", False),
        (3, "Call me by Friday.", True),
        (7, "Sorry, just checking.", True),
        (8, "Not marked.", False),
        (10, "Marked inline here.", True),
    ]
    table = write(tmp_path / "a.csv", f'text\nThanks.\n"Call me ({IGNORE_MARKER})"\n')
    assert [p.ignored for p in passages(table)] == [False, True]
    lines = write(tmp_path / "a.jsonl", json.dumps({"text": f"{IGNORE_MARKER}: Call me."}) + "\n")
    assert [p.ignored for p in passages(lines)] == [True]


def test_a_bad_row_never_hides_the_good_rows_around_it(tmp_path: Path) -> None:
    good = [f"Statement number {n}." for n in range(50)]
    lines = []
    for n, statement in enumerate(good):
        lines.append(json.dumps({"text": statement}))
        if n % 7 == 0:
            lines.append("oops")
    path = write(tmp_path / "mixed.jsonl", "\n".join(lines))
    read = list(read_passages(path))
    assert [p.text for p in read if isinstance(p, Passage)] == good
    assert sum(isinstance(p, RowProblem) for p in read) == len(range(0, 50, 7))
    assert len({(p.line, type(p)) for p in read}) == len(read) == len(lines)


def test_statements_are_yielded_lazily(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "One.\nTwo.\n")
    read = read_passages(path)
    assert next(read) == Passage(str(path), 1, 1, "One.")
