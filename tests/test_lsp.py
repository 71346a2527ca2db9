"""`closer-tone lsp` end to end: one real server over stdio per module, driven by pytest-lsp's client.

Ranges are checked by slicing the client's own copy of the text with UTF-16 arithmetic done here, not by pygls,
so a server counting code points instead of UTF-16 units fails after the first emoji.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.workspace import PositionCodec
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from closer_tone import lsp
from closer_tone.lsp import DIRECTIVE, Lines, statement_at, statements
from closer_tone.readers import Passage, read_passages

COMMAND = str(Path(sys.executable).with_name("closer-tone"))  # the installed command, as editors run it

on_the_server = pytest.mark.asyncio(loop_scope="module")

PUBLISHED: dict[str, list[types.PublishDiagnosticsParams]] = defaultdict(list)

PASSIVE = "Sorry 😅, I guess I'll just wait to hear back from you, José."
AGGRESSIVE = "I need an answer by Friday or I'm taking the Acme offer."
TEXT = (
    f"Thanks for today, Zoë 🎉! {PASSIVE}\r\n"
    f"{AGGRESSIVE}\r\n"
    "When can I expect to hear from you about next steps?\r\n"
    "Sorry, I guess I'll just wait to hear back. closer-tone: ignore\r\n"
    f"{DIRECTIVE}\r\n"
    f"{AGGRESSIVE}\r\n"
)
MARKDOWN = (
    "---\n"
    "title: Follow-up 🎉\n"
    "---\n"
    "# After the interview\n"
    "\n"
    "Thanks again, José 🙏. Sorry, I *guess* I'll just wait to hear back about [the role](https://x.org/a.b).\n"
    "\n"
    "- Thank you for your time today.\n"
    f"- {AGGRESSIVE}\n"
    "\n"
    "> Café chat aside 🎉, I just wanted to say sorry if I rambled, I guess.\n"
)


def record(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
    PUBLISHED[params.uri].append(params)


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: record})
    return client


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workspace")
    (root / "coached").mkdir()
    (root / "coached" / ".closer-tone.toml").write_text('disable = ["hedge"]\n', encoding="utf-8")
    return root


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[COMMAND, "lsp"], client_factory=make_client),
)
async def client(lsp_client: LanguageClient, workspace: Path):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=workspace.as_uri(),
            initialization_options={"closer-tone": {"severity": {"aggressive": "warning"}}},
        )
    )
    yield
    await lsp_client.shutdown_session()


def offset(text: str, position: types.Position) -> int:
    starts = [0] + [found.end() for found in re.finditer(r"\r\n|\r|\n", text)]
    line = text[starts[position.line] :]
    return starts[position.line] + len(line.encode("utf-16-le")[: 2 * position.character].decode("utf-16-le"))


def at(text: str, span: types.Range) -> str:
    return text[offset(text, span.start) : offset(text, span.end)]


def applied(text: str, edit: types.TextEdit) -> str:
    return text[: offset(text, edit.range.start)] + edit.new_text + text[offset(text, edit.range.end) :]


def position_of(text: str, needle: str) -> types.Position:
    """The client position (UTF-16) of the first `needle` in `text`."""
    before = text[: text.index(needle)]
    line = len(re.findall(r"\r\n|\r|\n", before))
    column = re.split(r"\r\n|\r|\n", before)[-1]
    return types.Position(line, len(column.encode("utf-16-le")) // 2)


async def published(uri: str, seen: int) -> list[types.Diagnostic]:
    """The diagnostics of the first publication for `uri` after the `seen` ones."""
    for _ in range(600):
        if len(PUBLISHED[uri]) > seen:
            return list(PUBLISHED[uri][seen].diagnostics)
        await asyncio.sleep(0.05)
    raise AssertionError(f"no diagnostics published for {uri}")


async def opened(client: LanguageClient, path: Path, text: str, language: str) -> list[types.Diagnostic]:
    seen = len(PUBLISHED[path.as_uri()])
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(path.as_uri(), language, 1, text))
    )
    return await published(path.as_uri(), seen)


async def edited(client: LanguageClient, uri: str, version: int, edit: types.TextEdit) -> list[types.Diagnostic]:
    """Send an edit as an editor does (incremental, in UTF-16 positions) and wait for the debounced diagnostics."""
    seen = len(PUBLISHED[uri])
    change = types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change])
    )
    return await published(uri, seen)


async def closed(client: LanguageClient, uri: str) -> None:
    seen = len(PUBLISHED[uri])
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert await published(uri, seen) == []


async def actions(client: LanguageClient, uri: str, span: types.Range) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri), span, types.CodeActionContext(diagnostics=[]))
    )
    assert found is not None
    return [action for action in found if isinstance(action, types.CodeAction)]


def only_edit(action: types.CodeAction, uri: str) -> types.TextEdit:
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes[uri]
    return edit


def passages_of(path: Path, text: str) -> list[Passage]:
    path.write_bytes(text.encode("utf-8"))
    return [item for item in read_passages(path) if isinstance(item, Passage)]


def test_statements_are_those_scan_reads(tmp_path: Path) -> None:
    for name, text, markdown in [("script.txt", TEXT.replace("\r\n", "\n"), False), ("notes.md", MARKDOWN, True)]:
        ours = statements(text, markdown)
        theirs = passages_of(tmp_path / name, text)
        assert [(s.text, s.line + 1, s.column + 1, s.ignored) for s in ours] == [
            (p.text, p.line, p.column, p.ignored) for p in theirs
        ]


def test_markdown_text_maps_back_past_markup_and_link_targets() -> None:
    paragraph = statements(MARKDOWN, markdown=True)[0]
    start, end = paragraph.span(0, len(paragraph.text))
    assert MARKDOWN[start:end] == MARKDOWN.split("\n")[5]
    guess = paragraph.text.index("guess")
    assert MARKDOWN[slice(*paragraph.span(guess, guess + 5))] == "guess"


@on_the_server
async def test_a_diagnostic_for_each_passive_or_aggressive_sentence(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "script.txt"
    diagnostics = await opened(client, path, TEXT, "plaintext")
    assert [(at(TEXT, d.range), d.severity, d.code, d.source) for d in diagnostics] == [
        (PASSIVE, types.DiagnosticSeverity.Information, "hedge.i_guess", "closer-tone"),
        (AGGRESSIVE, types.DiagnosticSeverity.Warning, "demand.i_need_answer", "closer-tone"),
    ]
    passive = diagnostics[0]
    assert passive.message.startswith("passive (1.00): ") and "I guess" in passive.message
    assert passive.related_information is not None
    assert [(at(TEXT, r.location.range), r.message.split(" ")[0]) for r in passive.related_information] == [
        ("I guess", "hedge.i_guess"),
        ("I'll just wait", "deference.wait_to_hear"),
        ("just wait", "hedge.just"),
    ]
    await closed(client, path.as_uri())


@on_the_server
async def test_hover_explains_a_flagged_sentence_and_nothing_else(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "hover.txt"
    await opened(client, path, TEXT, "plaintext")
    document = types.TextDocumentIdentifier(path.as_uri())
    shown = await client.text_document_hover_async(types.HoverParams(document, position_of(TEXT, "guess I'll")))
    assert shown is not None and isinstance(shown.contents, types.MarkupContent) and shown.range is not None
    assert shown.contents.kind == types.MarkupKind.Markdown
    assert shown.contents.value.startswith("**passive** (1.00)")
    assert '- `hedge.i_guess` "I guess": ' in shown.contents.value
    assert "Try instead: " in shown.contents.value
    assert at(TEXT, shown.range) == PASSIVE
    assert await client.text_document_hover_async(types.HoverParams(document, position_of(TEXT, "next steps"))) is None
    await closed(client, path.as_uri())


@on_the_server
async def test_a_rewrite_replaces_the_sentence_and_its_diagnostic_goes(client: LanguageClient, workspace: Path) -> None:
    path, uri = workspace / "rewrite.txt", (workspace / "rewrite.txt").as_uri()
    passive, aggressive = await opened(client, path, TEXT, "plaintext")
    offered = await actions(client, uri, passive.range)
    assert [a.title.split(":")[0] for a in offered][-1] == "Ignore this line (closer-tone"
    rewrites = [a for a in offered if a.title.startswith("Rewrite: ")]
    assert rewrites and rewrites[0].is_preferred and rewrites[0].kind == types.CodeActionKind.QuickFix
    assert rewrites[0].diagnostics is not None and rewrites[0].diagnostics[0].code == "hedge.i_guess"
    edit = only_edit(rewrites[0], uri)
    assert at(TEXT, edit.range) == PASSIVE
    fixed = applied(TEXT, edit)
    assert fixed.startswith(f"Thanks for today, Zoë 🎉! {edit.new_text}\r\n{AGGRESSIVE}")
    logged = len(client.log_messages)
    remaining = await edited(client, uri, 2, edit)
    assert [(at(fixed, d.range), d.code) for d in remaining] == [(AGGRESSIVE, aggressive.code)]
    assert [m.message for m in client.log_messages[logged:]] == [f"{uri}: analysed 1 of 3 statements"]
    await closed(client, uri)


@on_the_server
async def test_ignoring_a_line_writes_the_marker_scan_honours(
    client: LanguageClient, workspace: Path, tmp_path: Path
) -> None:
    path, uri = workspace / "ignore.txt", (workspace / "ignore.txt").as_uri()
    _, aggressive = await opened(client, path, TEXT, "plaintext")
    [ignore] = [a for a in await actions(client, uri, aggressive.range) if a.title.startswith("Ignore")]
    edit = only_edit(ignore, uri)
    marked = applied(TEXT, edit)
    assert marked.split("\r\n")[1:3] == [DIRECTIVE, AGGRESSIVE]
    assert [p.ignored for p in passages_of(tmp_path / "ignore.txt", marked) if p.text == AGGRESSIVE] == [True, True]
    remaining = await edited(client, uri, 2, edit)
    assert [at(marked, d.range) for d in remaining] == [PASSIVE]
    await closed(client, uri)


@on_the_server
async def test_markdown_ranges_cover_the_source_and_an_edit_reanalyses_one_paragraph(
    client: LanguageClient, workspace: Path, tmp_path: Path
) -> None:
    path, uri = workspace / "notes.md", (workspace / "notes.md").as_uri()
    diagnostics = await opened(client, path, MARKDOWN, "markdown")
    assert [at(MARKDOWN, d.range) for d in diagnostics] == [
        "Sorry, I *guess* I'll just wait to hear back about [the role](https://x.org/a.b).",
        AGGRESSIVE,
        "Café chat aside 🎉, I just wanted to say sorry if I rambled, I guess.",
    ]
    guess = next(r for r in diagnostics[0].related_information or [] if r.message.startswith("hedge.i_guess"))
    assert at(MARKDOWN, guess.location.range) == "I *guess"  # the cue's last letter, not the closing mark

    # The list item gets the marker on a line of its own, the block quote at the end of its line.
    edits = [only_edit((await actions(client, uri, d.range))[-1], uri) for d in diagnostics[1:]]
    assert [e.new_text for e in edits] == [f"{DIRECTIVE}\n", f" {DIRECTIVE}"]
    read = [[p.ignored for p in passages_of(tmp_path / "notes.md", applied(MARKDOWN, e))] for e in edits]
    assert read == [[False, False, True, False], [False, False, False, True]]

    logged = len(client.log_messages)
    thanks = MARKDOWN.index("Thank you for your time today.")
    start = position_of(MARKDOWN, "Thank you for your time today.")
    end = types.Position(start.line, start.character + len("Thank you for your time today."))
    edit = types.TextEdit(types.Range(start, end), "Sorry, I guess I'm just not sure I did well.")
    changed = applied(MARKDOWN, edit)
    assert changed[thanks:].startswith(edit.new_text)
    diagnostics = await edited(client, uri, 2, edit)
    assert edit.new_text in [at(changed, d.range) for d in diagnostics]
    assert [m.message for m in client.log_messages[logged:]] == [f"{uri}: analysed 1 of 4 statements"]
    await closed(client, uri)


@on_the_server
async def test_project_settings_then_client_settings(client: LanguageClient, workspace: Path) -> None:
    path, uri = workspace / "coached" / "script.txt", (workspace / "coached" / "script.txt").as_uri()
    passive, _ = await opened(client, path, TEXT, "plaintext")
    # The project's .closer-tone.toml hides hedges: the diagnostic names the next cue instead.
    assert passive.code == "deference.wait_to_hear"
    assert [r.message.split(" ")[0] for r in passive.related_information or []] == ["deference.wait_to_hear"]

    seen = len(PUBLISHED[uri])
    settings = {"closer-tone": {"severity": {"passive": "hint", "aggressive": "loud"}, "disable": []}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    passive, aggressive = await published(uri, seen)
    assert (passive.code, passive.severity) == ("hedge.i_guess", types.DiagnosticSeverity.Hint)
    assert aggressive.severity == types.DiagnosticSeverity.Warning
    assert any("'aggressive': 'loud'" in m.message for m in client.messages)

    # A client that pulls settings sends no settings with the change notification; the server asks for them.
    client.set_configuration({"severity": {"passive": "error"}}, section="closer-tone")
    seen = len(PUBLISHED[uri])
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    passive, _ = await published(uri, seen)
    assert (passive.code, passive.severity) == ("deference.wait_to_hear", types.DiagnosticSeverity.Error)
    await closed(client, uri)


@on_the_server
async def test_edits_in_quick_succession_are_analysed_once_and_a_save_republishes(
    client: LanguageClient, workspace: Path
) -> None:
    path, uri = workspace / "typing.txt", (workspace / "typing.txt").as_uri()
    await opened(client, path, TEXT, "plaintext")
    seen, logged = len(PUBLISHED[uri]), len(client.log_messages)
    text = TEXT
    for version, word in enumerate(["Well, ", "honestly, "], 2):
        start = position_of(text, "When can I")
        edit = types.TextEdit(types.Range(start, start), word)
        text = applied(text, edit)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)],
            )
        )
    await published(uri, seen)
    await asyncio.sleep(0.6)
    assert len(PUBLISHED[uri]) == seen + 1
    assert [m.message for m in client.log_messages[logged:]] == [f"{uri}: analysed 1 of 3 statements"]

    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert [at(text, d.range) for d in await published(uri, seen + 1)] == [PASSIVE, AGGRESSIVE]
    await closed(client, uri)


def test_the_statement_on_a_line_is_the_one_statements_finds_there() -> None:
    text = TEXT.replace("\r\n", "\n")
    lines = Lines(text, PositionCodec())
    found = {s.line: s for s in statements(text, markdown=False)}
    assert [statement_at(lines, line) for line in range(len(lines.lines))] == [
        found.get(line) for line in range(len(lines.lines))
    ]


@pytest.mark.asyncio
async def test_a_long_document_is_not_reanalysed_and_hover_analyses_only_its_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: a document with more statements than the cache holds was analysed again in full on every
    publish and every hover (a hover took 10-20 s in a 5,000-line document, bench/lsp_burst.py)."""
    monkeypatch.setattr(lsp, "CACHED_ANALYSES", 2)  # the document below has more statements than that
    server = lsp.CloserToneServer()
    for _ in server.protocol.lsp_initialize(types.InitializeParams(capabilities=types.ClientCapabilities())):
        pass  # sets up the workspace, as the initialize request does
    monkeypatch.setattr(server, "window_log_message", lambda params: None)
    uri = (tmp_path / "long.txt").as_uri()
    text = TEXT.replace("\r\n", "\n")
    server.workspace.put_text_document(types.TextDocumentItem(uri, "plaintext", 1, text))
    _, analyzer = await server._analyzer(server.workspace.get_text_document(uri))
    analysed: list[str] = []
    pipe = analyzer.pipe

    def recorded(texts: list[str]):  # type: ignore[no-untyped-def]
        analysed.extend(texts)
        return pipe(texts)

    monkeypatch.setattr(analyzer, "pipe", recorded)
    _, found = await server.findings(server.workspace.get_text_document(uri))
    assert len(analysed) == 3 and [f.sentence.text for f in found] == [PASSIVE, AGGRESSIVE]

    analysed.clear()
    await server.findings(server.workspace.get_text_document(uri))
    assert analysed == []

    # An edit to another line is pending (not analysed yet): hover answers from the cache.
    server.workspace.get_text_document(uri).apply_change(
        types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(2, 0), types.Position(2, 0)), text="So, "
        )
    )
    document = server.workspace.get_text_document(uri)
    _, finding = await server.hovered(document, position_of(text, "guess I'll"))
    assert analysed == [] and finding is not None and finding.sentence.text == PASSIVE
    _, finding = await server.hovered(document, position_of(text, "When can I"))
    assert analysed == ["So, When can I expect to hear from you about next steps?"] and finding is None


def test_spliced_edits_give_the_text_pygls_would() -> None:
    """Edits spliced in place match pygls's own line-by-line rebuild, across CRLF, accents and emoji."""
    import random

    from pygls.workspace import TextDocument

    from closer_tone.lsp import SplicedDocument

    pieces = ["a", "b", " ", "\n", "\r\n", "é", "😅", "x"]

    def units(line: str) -> int:
        return sum(2 if ord(char) > 0xFFFF else 1 for char in line)

    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        theirs = TextDocument("file:///a.txt", text, sync_kind=types.TextDocumentSyncKind.Incremental)
        ours = TextDocument("file:///a.txt", text, sync_kind=types.TextDocumentSyncKind.Incremental)
        ours.__class__ = SplicedDocument
        for _ in range(8):
            lines = theirs.source.replace("\r\n", "\n").split("\n")
            first = rng.randrange(len(lines))
            last = rng.randrange(first, len(lines))
            start = rng.randint(0, units(lines[first]))
            end = rng.randint(0 if last > first else start, units(lines[last]))
            where = types.Range(types.Position(first, start), types.Position(last, end))
            change = types.TextDocumentContentChangePartial(range=where, text="".join(rng.choices(pieces, k=3)))
            theirs.apply_change(change)
            ours.apply_change(change)
            assert ours.source == theirs.source


def test_the_chunked_reader_gives_pygls_lines_and_bodies_across_chunk_boundaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bodies = [b'{"id": 1}', '{"text": "Zoë 🎉"}'.encode(), b"x" * 50]
    sent = b"".join(b"Content-Length: %d\r\n\r\n" % len(body) + body for body in bodies)
    monkeypatch.setattr(lsp.ChunkedReader, "CHUNK", 7)  # every message straddles several reads
    read, write = os.pipe()
    os.write(write, sent)
    os.close(write)

    async def messages() -> list[tuple[bytes, bytes, bytes]]:
        reader, got = lsp.ChunkedReader(os.fdopen(read, "rb")), []
        while header := await reader.readline():
            blank = await reader.readline()
            got.append((header, blank, await reader.readexactly(int(header.split(b":")[1]))))
        assert await reader.readexactly(5) == b""  # the end of input, as pygls's reader reports it
        return got

    assert asyncio.run(messages()) == [(b"Content-Length: %d\r\n" % len(b), b"\r\n", b) for b in bodies]
