"""`closer-tone lsp`: the tone checks as a language server, so a script or notes file shows them as you type.

Plain-text and Markdown documents are split into statements exactly as `closer-tone scan` splits the files
(each non-empty line; each paragraph or list item), every passive or aggressive sentence becomes a diagnostic,
hovering one explains its cues, and code actions offer its verified rewrites and the ignore marker.

Decisions beyond the issue:
- Markdown statements are analysed as `scan` analyses them, as the rendered text (emphasis marks and link
  targets dropped), and each character is mapped back to the source by aligning the two; a rewrite replaces
  the sentence's source, markup inside it included.
- Analyses are cached by statement text per settings, so an edit re-analyses only the statements it changed;
  an open document's latest analyses are kept whatever its size (the shared cache holds CACHED_ANALYSES more).
  Hover and code actions read the current text, never a stale copy.
- Nothing slow runs on the event loop: documents are split into statements and analysed in threads. Hover
  answers from the cache: in plain text it reads only the hovered line and the one before it, and it analyses
  only the hovered statement, and only if that statement changed since it was last analysed.
- "Ignore" puts `<!-- closer-tone: ignore -->` on its own line before the statement, which `scan` honours for
  .txt and .md alike; a Markdown paragraph inside a block quote gets it at the end of its first line instead,
  since a line of its own would end the quote.
- Settings the client sends replace those it sent before; `closer-tone.disable` from the client replaces the
  project's `disable`, lexicons come from the project file only.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import os
import re
import sys
import threading
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path
from pygls.workspace import PositionCodec, TextDocument
from pygls.workspace.position_codec import ServerTextPosition

from closer_tone import __version__, readers
from closer_tone.api import Analyzer
from closer_tone.config import load_settings
from closer_tone.errors import CloserToneError
from closer_tone.results import Analysis, Sentence

SOURCE = "closer-tone"
DEBOUNCE_SECONDS = 0.3
CACHED_ANALYSES = 2048
KEPT_ANALYZERS = 3
DIRECTIVE = f"<!-- {readers.IGNORE_MARKER} -->"
SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "info": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}
DEFAULT_SEVERITY = {"aggressive": types.DiagnosticSeverity.Warning, "passive": types.DiagnosticSeverity.Information}

AnalyzerKey = tuple[tuple[str, ...], tuple[str, ...]]
"""What an analyzer is built from: the disabled rule prefixes and the lexicon files."""

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the protocol's line ends, and only those
_LIST_MARKER = re.compile(r"\s*(?:[-+*]|\d{1,9}[.)])\s+")
# Markdown a reader never sees: link destinations and reference labels, and HTML tags (not autolinks).
_HIDDEN_MARKUP = re.compile(
    r"\]\((?:[^()\n]|\([^()\n]*\))*\)|\]\[[^\]\n]*\]|<(?![A-Za-z][A-Za-z0-9.+-]*:|[^<>\s]+@)[A-Za-z/!?][^<>]*>"
)


class Lines:
    """A document split at the protocol's line ends, converting offsets to and from client positions.

    Offsets index `text`, the document with every line end made `\\n` as the readers see it; the client's
    units (UTF-16 unless negotiated otherwise) are left to pygls's position codec.
    """

    def __init__(self, source: str, codec: PositionCodec) -> None:
        self.lines = _LINE_BREAK.split(source)
        self.text = "\n".join(self.lines)
        self.starts = list(itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))
        self.newline = found.group() if (found := _LINE_BREAK.search(source)) else "\n"
        self._codec = codec

    def position(self, offset: int) -> types.Position:
        line = bisect_right(self.starts, offset) - 1
        return self._codec.position_to_client_units(self.lines, ServerTextPosition(line, offset - self.starts[line]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def offset(self, position: types.Position) -> int:
        found = self._codec.position_from_client_units(self.lines, position)
        return self.starts[found.line] + found.character


@dataclass(frozen=True)
class Statement:
    """What `scan` would analyse (`text`) and the stretch of the document it was read from (`source` at `start`)."""

    text: str
    ignored: bool
    line: int
    column: int
    start: int
    source: str

    @cached_property
    def offsets(self) -> list[int]:
        """The document offset of each character of `text`; computed only for statements with findings."""
        return _aligned(self.text, self.source, self.start)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Document offsets of `text[start:end]` (non-empty)."""
        return self.offsets[start], self.offsets[end - 1] + 1


def _aligned(text: str, source: str, base: int) -> list[int]:
    """Where each character of `text` sits in `source`, which holds it in order among markup characters.

    Link destinations and tags are masked first, so that a "." in a web address cannot stand in for the full
    stop after the link. Characters Markdown made up (a line break read as a space, a decoded entity) take the
    place just after the character before them.
    """
    if text == source:
        return list(range(base, base + len(text)))
    masked = _HIDDEN_MARKUP.sub(lambda markup: "\0" * len(markup.group()), source)
    found: list[int | None] = [None] * len(text)
    for a, b, size in SequenceMatcher(None, text, masked, autojunk=False).get_matching_blocks():
        found[a : a + size] = range(base + b, base + b + size)
    offsets, previous = [], base - 1
    for spot in found:
        previous = spot if spot is not None else previous + 1
        offsets.append(previous)
    return offsets


def statement_at(lines: Lines, line: int) -> Statement | None:
    """The plain-text statement on `line`, read by the same code as `statements` from that line and the one before
    (all a line's statement depends on), so that finding it costs the same in a long document as in a short one."""
    first = max(line - 1, 0)
    for statement in statements("\n".join(lines.lines[first : line + 1]), markdown=False):
        if statement.line == line - first:
            start = lines.starts[line] + statement.column
            return Statement(statement.text, statement.ignored, line, statement.column, start, statement.source)
    return None


def statements(text: str, markdown: bool) -> list[Statement]:
    """The statements of a document's text (line ends already `\\n`), read by the same code as `scan`."""
    lines = text.split("\n")
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    if not markdown:
        return [
            Statement(p.text, p.ignored, p.line - 1, p.column - 1, starts[p.line - 1] + p.column - 1, p.text)
            for p in readers.text_passages(text)
        ]
    found = []
    for passage, end_line in readers.markdown_passages(text):
        first, last = passage.line - 1, end_line - 1
        start = starts[first] + passage.column - 1
        source = text[start : starts[last] + len(lines[last])]
        found.append(Statement(passage.text, passage.ignored, first, passage.column - 1, start, source))
    return found


@dataclass(frozen=True)
class Finding:
    """A passive or aggressive sentence and where it is in the document."""

    statement: Statement
    sentence: Sentence
    start: int
    end: int

    def cue_spans(self) -> list[tuple[int, int]]:
        return [self.statement.span(cue.start, cue.end) for cue in self.sentence.cues]


@dataclass(frozen=True)
class ClientSettings:
    severity: dict[str, types.DiagnosticSeverity] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    disable: tuple[str, ...] | None = None


def client_settings(raw: object) -> tuple[ClientSettings, list[str]]:
    """Settings from `{"closer-tone": {...}}`, `{"closer-tone.severity": ...}` or the bare section, and problems."""
    section = _section(raw)
    problems = []
    severity = dict(DEFAULT_SEVERITY)
    chosen = section.get("severity") or {}
    if not isinstance(chosen, dict):
        chosen, problems = {}, ["closer-tone.severity must map passive and aggressive to a severity"]
    for label, name in chosen.items():
        if label in severity and isinstance(name, str) and name.lower() in SEVERITIES:
            severity[label] = SEVERITIES[name.lower()]
        else:
            problems.append(
                f"closer-tone.severity: {label!r}: {name!r} is not one of {', '.join(SEVERITIES)} "
                "for passive or aggressive"
            )
    disable = section.get("disable")
    if disable is not None and not (isinstance(disable, list) and all(isinstance(item, str) for item in disable)):
        disable, problems = None, [*problems, "closer-tone.disable must be a list of rule ids or prefixes"]
    return ClientSettings(severity, None if disable is None else tuple(disable)), problems


def _section(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    if isinstance(raw.get(SOURCE), dict):
        return raw[SOURCE]
    dotted = {key.removeprefix(f"{SOURCE}."): value for key, value in raw.items() if key.startswith(f"{SOURCE}.")}
    return dotted or raw


def _kind(document: TextDocument) -> str | None:
    """By language id, else suffix: "markdown", "plaintext", or None for a document closer-tone does not read."""
    if document.language_id in ("markdown", "plaintext"):
        return document.language_id
    suffix = Path(document.path).suffix.lower()
    return {".md": "markdown", ".markdown": "markdown", ".txt": "plaintext"}.get(suffix)


_LINE_END = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 units each


class SplicedDocument(TextDocument):
    """pygls's document with each incremental edit spliced into the text where it falls.

    pygls rebuilds the whole text for every edit, line by line (3 ms on a 5,000-line document, so a burst of
    500 keystrokes held a hover up for 2 s). This keeps where each line starts, splitting lines only where the
    protocol does (CR, LF, CRLF), and updates the text and those offsets in place.
    """

    _starts: list[int] | None = None

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = [0, *(match.end() for match in _LINE_END.finditer(self.source))]
        return self._starts

    def _offset(self, position: types.Position) -> int:
        starts, source = self._line_starts(), self.source
        if position.line >= len(starts):
            return len(source)
        start = starts[position.line]
        line = source[start : starts[position.line + 1] if position.line + 1 < len(starts) else len(source)]
        line = line.rstrip("\r\n")
        column = position.character  # client units are characters on a line without astral characters...
        if not line.isascii() and (
            self.position_codec.encoding == types.PositionEncodingKind.Utf8 or _ASTRAL.search(line)
        ):
            client = types.Position(0, position.character)  # ...and otherwise pygls converts them
            column = self.position_codec.position_from_client_units([line], client).character
        return start + min(column, len(line))

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        start, end = self._offset(change.range.start), self._offset(change.range.end)
        source, starts = self.source, self._line_starts()
        self._source = source[:start] + change.text + source[end:]
        if "\r" in change.text + source[max(start - 1, 0) : start] + source[max(end - 1, 0) : end]:
            self._starts = None  # a CR LF pair may be made or broken at the seam: count the lines again
            return
        shift = len(change.text) - (end - start)
        inserted = [start + match.end() for match in _LINE_END.finditer(change.text)]
        kept, moved = starts[: bisect_right(starts, start)], starts[bisect_right(starts, end) :]
        self._starts = kept + inserted + [offset + shift for offset in moved]

    def _apply_full_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        super()._apply_full_change(change)
        self._starts = None


class EncodingProtocol(LanguageServerProtocol):
    """pygls's protocol, plus notifications encoded to JSON ahead of sending, in any thread."""

    def encode_notification(self, method: str, params: object) -> str:
        return json.dumps({"jsonrpc": self.VERSION, "method": method, "params": self._converter.unstructure(params)})

    def send_encoded(self, body: str) -> None:
        """Send what `encode_notification` made, framed as pygls frames every message (on the event loop)."""
        if self.writer is None:
            return
        data = body.encode(self.CHARSET)
        if self._include_headers:
            header = f"Content-Length: {len(data)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
            data = header.encode(self.CHARSET) + data
        written = self.writer.write(data)
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)


class ChunkedReader:
    """pygls's reader contract (`readline`, `readexactly`) over a file descriptor read in large chunks.

    pygls's own stdin reader hands every header line and body to a thread, four trips per message; with it, the
    first hover after a burst of 500 keystrokes took 0.35 s, and 0.11-0.16 s with this reader.
    """

    CHUNK = 1 << 16

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream  # kept open as long as the reader is
        self._fd = stream.fileno()
        self._buffer = bytearray()
        self._ended = False

    async def _fill(self) -> bool:
        if not self._ended:
            chunk = await asyncio.get_running_loop().run_in_executor(None, os.read, self._fd, self.CHUNK)
            self._ended = not chunk
            self._buffer += chunk
        return not self._ended

    async def readline(self) -> bytes:
        while (end := self._buffer.find(b"\n")) < 0 and await self._fill():
            pass
        return self._take(end + 1 if end >= 0 else len(self._buffer))

    async def readexactly(self, n: int) -> bytes:
        while len(self._buffer) < n and await self._fill():
            pass
        return self._take(n)

    def _take(self, n: int) -> bytes:
        taken = bytes(self._buffer[:n])
        del self._buffer[:n]
        return taken


class CloserToneServer(LanguageServer):
    """Holds the analyzers (one per distinct project/client settings) and the cache of analysed statements."""

    protocol: EncodingProtocol

    def __init__(self) -> None:
        super().__init__(
            "closer-tone",
            __version__,
            protocol_cls=EncodingProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.settings = ClientSettings()
        self._analyzers: OrderedDict[AnalyzerKey, asyncio.Task[Analyzer]] = OrderedDict()
        self._analyses: OrderedDict[tuple[AnalyzerKey, str], Analysis] = OrderedDict()
        self._latest: dict[str, tuple[AnalyzerKey, dict[str, Analysis]]] = {}
        """Each open document's statements as last analysed, by uri: never evicted while the document is open."""
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._due: dict[str, float] = {}
        """When each document with unpublished edits is due to be analysed (event-loop time)."""
        self._shown: set[str] = set()

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls's stdio server, reading stdin with `ChunkedReader`."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        reader = ChunkedReader(stdin or sys.stdin.buffer)
        try:
            asyncio.run(run_async(self._stop_event, reader, self.protocol, error_handler=self.report_server_error))
        except BrokenPipeError:
            pass  # the editor went away: nothing left to serve
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    def use_settings(self, raw: object) -> None:
        self.settings, problems = client_settings(raw)
        for problem in problems:
            self.tell(problem)

    def tell(self, problem: str) -> None:
        """Show a settings or lexicon problem once, not on every keystroke."""
        if problem not in self._shown:
            self._shown.add(problem)
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"closer-tone: {problem}"))

    def _project_folder(self, document: TextDocument) -> Path | None:
        if document.uri.startswith("file:"):
            return Path(document.path).parent
        root = self.workspace.root_uri and to_fs_path(self.workspace.root_uri)
        return Path(root) if root else None

    async def _analyzer(self, document: TextDocument) -> tuple[AnalyzerKey, Analyzer]:
        """The analyzer for the document's settings, built once in a thread (it loads spaCy and the model)."""
        folder = self._project_folder(document)
        project = load_settings(folder) if folder else None
        disable = self.settings.disable
        if disable is None:
            disable = project.disable if project else ()
        key: AnalyzerKey = (tuple(disable), tuple(map(str, project.lexicons)) if project else ())
        if key not in self._analyzers:
            self._analyzers[key] = asyncio.create_task(asyncio.to_thread(Analyzer, disable=key[0], lexicons=key[1]))
            while len(self._analyzers) > KEPT_ANALYZERS:
                self._analyzers.popitem(last=False)
        self._analyzers.move_to_end(key)
        try:
            return key, await self._analyzers[key]
        except CloserToneError:
            self._analyzers.pop(key, None)  # try again after the user fixes the file or setting
            raise

    async def findings(self, document: TextDocument) -> tuple[Lines, list[Finding]]:
        """The flagged sentences of the document as it is now; only statements not seen before are analysed."""
        kind = _kind(document)

        def split() -> tuple[Lines, list[Statement]]:
            lines = Lines(source, document.position_codec)
            return lines, [s for s in statements(lines.text, kind == "markdown") if not s.ignored] if kind else []

        source = document.source
        lines, judged = await asyncio.to_thread(split)  # a long document takes a while to split
        if kind is None:
            return lines, []
        try:
            key, analyzer = await self._analyzer(document)
        except CloserToneError as error:
            self.tell(str(error))
            return lines, []
        analyses = await self._analysed(document.uri, key, analyzer, [s.text for s in judged])
        if document.uri in self.workspace.text_documents:
            self._latest[document.uri] = key, analyses

        def flagged() -> list[Finding]:
            return [
                Finding(statement, sentence, *statement.span(sentence.start, sentence.end))
                for statement in judged
                for sentence in analyses[statement.text].sentences
                if sentence.label != "assertive"
            ]

        return lines, await asyncio.to_thread(flagged)

    async def _analysed(
        self, uri: str, key: AnalyzerKey, analyzer: Analyzer, texts: list[str], *, log: bool = True
    ) -> dict[str, Analysis]:
        """Analyses of `texts` by text: the document's latest and the shared cache first, the rest in a thread."""
        latest_key, latest = self._latest.get(uri, (key, {}))
        if latest_key != key:  # the settings changed since
            latest = {}
        # Taken out of the caches before waiting, so that another document's analysis cannot evict them meanwhile.
        analyses = {}
        for text in dict.fromkeys(texts):
            found = latest[text] if text in latest else self._analyses.get((key, text))
            if found is not None:
                analyses[text] = found
        new = [text for text in dict.fromkeys(texts) if text not in analyses]
        if new:
            analyses.update(zip(new, await asyncio.to_thread(lambda: list(analyzer.pipe(new))), strict=True))
            if log:
                self.window_log_message(
                    types.LogMessageParams(
                        types.MessageType.Log, f"{uri}: analysed {len(new)} of {len(texts)} statements"
                    )
                )
        for text in new[-CACHED_ANALYSES:]:  # the document's latest keeps the rest; the shared cache, the newest
            self._analyses[key, text] = analyses[text]
            self._analyses.move_to_end((key, text))
        while len(self._analyses) > CACHED_ANALYSES:
            self._analyses.popitem(last=False)
        return analyses

    async def hovered(self, document: TextDocument, position: types.Position) -> tuple[Lines, Finding | None]:
        """The flagged sentence at `position`, from the cache; only the hovered statement is analysed, if new."""
        if _kind(document) != "plaintext":  # a Markdown paragraph's extent depends on the whole document
            lines, found = await self.findings(document)
            offset = lines.offset(position)
            return lines, next((f for f in found if f.start <= offset <= f.end), None)
        lines = Lines(document.source, document.position_codec)
        offset = lines.offset(position)
        statement = statement_at(lines, min(position.line, len(lines.lines) - 1))
        if statement is None or statement.ignored:
            return lines, None
        try:
            key, analyzer = await self._analyzer(document)
        except CloserToneError as error:
            self.tell(str(error))
            return lines, None
        analysis = (await self._analysed(document.uri, key, analyzer, [statement.text], log=False))[statement.text]
        for sentence in analysis.sentences:
            if sentence.label != "assertive":
                finding = Finding(statement, sentence, *statement.span(sentence.start, sentence.end))
                if finding.start <= offset <= finding.end:
                    return lines, finding
        return lines, None

    async def publish(self, uri: str) -> None:
        """Diagnostics for the document, unless it changed or closed while it was being analysed.

        They are built and encoded as JSON in a thread: for the 4,000 diagnostics of a 5,000-line document,
        publishing held the event loop for 0.21 s (asyncio's slow-callback log) and kept hovers waiting.
        """
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return
        version = document.version
        lines, found = await self.findings(document)
        if self.workspace.text_documents.get(uri) is not document or document.version != version:
            return

        def encoded() -> str:
            diagnostics = [self.diagnostic(uri, lines, finding) for finding in found]
            params = types.PublishDiagnosticsParams(uri, diagnostics, version)
            return self.protocol.encode_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, params)

        message = await asyncio.to_thread(encoded)
        if self.workspace.text_documents.get(uri) is not document or document.version != version:
            return
        self.protocol.send_encoded(message)

    def publish_later(self, uri: str) -> None:
        """Wait for typing to pause: each edit moves the document's deadline on, and one task waits for it
        (made and cancelled per keystroke, such tasks took a quarter of the loop's busy time in a profiled burst)."""
        self._due[uri] = asyncio.get_running_loop().time() + DEBOUNCE_SECONDS
        if uri not in self._pending:
            self._pending[uri] = asyncio.create_task(self._publish_when_due(uri))

    async def _publish_when_due(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        while (wait := self._due[uri] - loop.time()) > 0:
            await asyncio.sleep(wait)
        del self._pending[uri], self._due[uri]  # from here on a newer edit does not cancel this; it starts its own
        await self.publish(uri)

    def publish_now(self, uri: str) -> asyncio.Task[None]:
        self.forget_pending(uri)
        return asyncio.create_task(self.publish(uri))

    def forget_pending(self, uri: str) -> None:
        self._due.pop(uri, None)
        if (pending := self._pending.pop(uri, None)) is not None:
            pending.cancel()

    def diagnostic(self, uri: str, lines: Lines, finding: Finding) -> types.Diagnostic:
        sentence, cue = finding.sentence, finding.sentence.main_cue
        reason = cue.message if cue else f"no single phrase stands out; the sentence as a whole reads {sentence.label}"
        related = [
            types.DiagnosticRelatedInformation(
                types.Location(uri, lines.range(*span)), f'{item.rule} "{item.text}": {item.message}'
            )
            for item, span in zip(finding.sentence.cues, finding.cue_spans(), strict=True)
        ]
        return types.Diagnostic(
            range=lines.range(finding.start, finding.end),
            message=f"{sentence.label} ({sentence.scores[sentence.label]:.2f}): {reason}",
            severity=self.settings.severity[sentence.label],
            code=cue.rule if cue else None,
            source=SOURCE,
            related_information=related or None,
        )


SERVER = CloserToneServer()


@SERVER.feature(types.INITIALIZE)
def initialize(server: CloserToneServer, params: types.InitializeParams) -> None:
    server.use_settings(params.initialization_options)


@SERVER.feature(types.INITIALIZED)
async def initialized(server: CloserToneServer, params: types.InitializedParams) -> None:
    await pull_settings(server)


@SERVER.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def configuration_changed(server: CloserToneServer, params: types.DidChangeConfigurationParams) -> None:
    """Clients either push the new settings or send nothing and expect the server to ask for them."""
    if isinstance(params.settings, dict) and params.settings:
        server.use_settings(params.settings)
    elif not await pull_settings(server):
        return
    await asyncio.gather(*(server.publish_now(uri) for uri in list(server.workspace.text_documents)))


async def pull_settings(server: CloserToneServer) -> bool:
    """Ask a client that answers `workspace/configuration` for the closer-tone section; True if it had one."""
    workspace = server.client_capabilities.workspace
    if not (workspace and workspace.configuration):
        return False
    answer = await server.workspace_configuration_async(
        types.ConfigurationParams([types.ConfigurationItem(section=SOURCE)])
    )
    if not answer or not isinstance(answer[0], dict):
        return False
    server.use_settings(answer[0])
    return True


@SERVER.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(server: CloserToneServer, params: types.DidOpenTextDocumentParams) -> None:
    document = server.workspace.get_text_document(params.text_document.uri)
    if type(document) is TextDocument:
        document.__class__ = SplicedDocument  # the document pygls just made, with edits spliced in place
    await server.publish_now(params.text_document.uri)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(server: CloserToneServer, params: types.DidChangeTextDocumentParams) -> None:
    server.publish_later(params.text_document.uri)


@SERVER.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(server: CloserToneServer, params: types.DidSaveTextDocumentParams) -> None:
    await server.publish_now(params.text_document.uri)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(server: CloserToneServer, params: types.DidCloseTextDocumentParams) -> None:
    """A closed document's diagnostics go with it."""
    server.forget_pending(params.text_document.uri)
    server._latest.pop(params.text_document.uri, None)
    server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))


@SERVER.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(server: CloserToneServer, params: types.HoverParams) -> types.Hover | None:
    document = server.workspace.get_text_document(params.text_document.uri)
    lines, finding = await server.hovered(document, params.position)
    if finding is None:
        return None
    sentence = finding.sentence
    parts = [f"**{sentence.label}** ({sentence.scores[sentence.label]:.2f})"]
    parts += [f'- `{cue.rule}` "{cue.text}": {cue.message}' for cue in sentence.cues]
    if sentence.rewrites:
        parts.append(f"Try instead: {sentence.rewrites[0].text}")
    elif sentence.rewrite_note:
        parts.append(sentence.rewrite_note)
    content = types.MarkupContent(types.MarkupKind.Markdown, "\n\n".join(parts))
    return types.Hover(content, lines.range(finding.start, finding.end))


@SERVER.feature(
    types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])
)
async def code_actions(server: CloserToneServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """Each rewrite of a flagged sentence in the range, then "ignore" once for each statement they are in."""
    uri = params.text_document.uri
    document = server.workspace.get_text_document(uri)
    lines, found = await server.findings(document)
    start, end = lines.offset(params.range.start), lines.offset(params.range.end)
    chosen = [f for f in found if f.start <= end and start <= f.end]
    actions = []
    for finding in chosen:
        diagnostic = server.diagnostic(uri, lines, finding)
        for number, rewrite in enumerate(finding.sentence.rewrites):
            edit = types.TextEdit(lines.range(finding.start, finding.end), rewrite.text)
            actions.append(
                types.CodeAction(
                    f"Rewrite: {rewrite.text}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                    is_preferred=number == 0,
                )
            )
    for statement in dict.fromkeys(f.statement for f in chosen):
        diagnostics = [server.diagnostic(uri, lines, f) for f in chosen if f.statement is statement]
        actions.append(
            types.CodeAction(
                "Ignore this line (closer-tone: ignore)",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=diagnostics,
                edit=types.WorkspaceEdit(changes={uri: [ignore_edit(lines, statement, _kind(document))]}),
            )
        )
    return actions


def ignore_edit(lines: Lines, statement: Statement, kind: str | None) -> types.TextEdit:
    """The directive on a line of its own just before the statement, which `scan` reads as "skip the next one".

    Inside a Markdown block quote that line would end the quote, so there it goes after the first line's text.
    """
    text = lines.lines[statement.line]
    prefix = text[: statement.column]
    if kind == "markdown" and prefix.strip() and not _LIST_MARKER.fullmatch(prefix):
        end = lines.starts[statement.line] + len(text)
        return types.TextEdit(lines.range(end, end), f" {DIRECTIVE}")
    indent = prefix[: len(prefix) - len(prefix.lstrip())]
    start = lines.starts[statement.line]
    return types.TextEdit(lines.range(start, start), f"{indent}{DIRECTIVE}{lines.newline}")


def start_io() -> None:
    """Serve one client over standard input and output, as editors start language servers."""
    SERVER.start_io()


if __name__ == "__main__":
    start_io()
