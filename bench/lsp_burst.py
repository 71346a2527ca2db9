"""`closer-tone lsp` under a burst of typing: python bench/lsp_burst.py [--lines 5000] [--edits 500]

Starts `closer-tone lsp` (the installed command beside this Python) over stdio with pygls's LanguageClient,
initializes, and opens a .txt document of `--lines` closing lines drawn with a fixed seed from
data/statements.jsonl and data/fresh.jsonl (one line each; each corpus line is used once before any repeats).
Then:

1. waits for the document's first diagnostics and reports how long that full publish took;
2. types `--edits` characters, one incremental didChange each, at the end of one line, as fast as the client can
   send them, while a second task hovers on a flagged sentence of another line every 20 ms, during the burst
   and until the final diagnostics arrive, and then 50 more times;
3. waits for the diagnostics of the final version and checks them against a fresh analysis of the final text
   (a new Analyzer in this process, statements split by the server's own `statements`): the same ranges,
   messages, codes and severities, in order.

Targets (issue: reliability under load): every hover answered within 200 ms (p50/p99/max reported), each with
the same flagged sentence; the server still running after the burst and shutting down cleanly; the final
diagnostics published (for the final version) and equal to the fresh analysis. Exit status 1 if any fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from closer_tone.lsp import DEFAULT_SEVERITY, Finding, statements

ROOT = Path(__file__).resolve().parents[1]
COMMAND = str(Path(sys.executable).with_name("closer-tone"))
SEED = 20251126
HOVER_TARGET = 0.200  # seconds
HOVER_EVERY = 0.020
TYPED = "Sorry, I guess I'll just wait to hear back, if that's okay. "
WAIT = 600.0  # seconds for any one publication


def corpus_lines(count: int, rng: random.Random) -> list[str]:
    texts = []
    for name in ("statements.jsonl", "fresh.jsonl"):
        with open(ROOT / "data" / name, encoding="utf-8") as lines:
            texts += [json.loads(line)["text"] for line in lines if line.strip()]
    single = [text for text in dict.fromkeys(texts) if "\n" not in text and "\r" not in text and text.strip()]
    rng.shuffle(single)
    return list(islice(cycle(single), count))


def utf16_offset(text: str, position: types.Position) -> int:
    starts = [0] + [found.end() for found in re.finditer(r"\n", text)]
    line = text[starts[position.line] :]
    return starts[position.line] + len(line.encode("utf-16-le")[: 2 * position.character].decode("utf-16-le"))


def at(text: str, span: types.Range) -> str:
    return text[utf16_offset(text, span.start) : utf16_offset(text, span.end)]


def end_of_line(lines: list[str], number: int) -> types.Position:
    return types.Position(number, len(lines[number].encode("utf-16-le")) // 2)


def quantile(seconds: list[float], q: float) -> float:
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def machine() -> str:
    model = "unknown CPU"
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = " ".join(f"{figure:.2f}" for figure in os.getloadavg())
    return f"{model}, {cores} cores usable ({os.cpu_count()} online); Python {platform.python_version()}; load {load}"


def described(text: str, diagnostics: list[types.Diagnostic]) -> list[tuple[str, str, str | None, int | None]]:
    return [(at(text, d.range), d.message, None if d.code is None else str(d.code), d.severity) for d in diagnostics]


def fresh(text: str) -> list[tuple[str, str, str | None, int | None]]:
    """What the diagnostics of `text` should be, from a new Analyzer with the default settings."""
    from closer_tone.api import Analyzer

    judged = [s for s in statements(text, markdown=False) if not s.ignored]
    expected = []
    for statement, analysis in zip(judged, Analyzer().pipe([s.text for s in judged]), strict=True):
        for sentence in analysis.sentences:
            if sentence.label == "assertive":
                continue
            finding = Finding(statement, sentence, *statement.span(sentence.start, sentence.end))
            cue = sentence.main_cue
            reason = (
                cue.message if cue else f"no single phrase stands out; the sentence as a whole reads {sentence.label}"
            )
            expected.append(
                (
                    text[finding.start : finding.end],
                    f"{sentence.label} ({sentence.scores[sentence.label]:.2f}): {reason}",
                    cue.rule if cue else None,
                    DEFAULT_SEVERITY[sentence.label],
                )
            )
    return expected


class Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("closer-tone-lsp-burst", "1")
        self.published: list[tuple[float, types.PublishDiagnosticsParams]] = []
        self.logged: list[str] = []
        self.stderr = bytearray()


async def run(lines_wanted: int, edits: int, seed: int) -> int:
    failures: list[str] = []
    rng = random.Random(seed)
    lines = corpus_lines(lines_wanted, rng)
    text = "\n".join(lines) + "\n"
    client = Client()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        client.published.append((time.perf_counter(), params))

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        client.logged.append(params.message)

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def on_message(params: types.ShowMessageParams) -> None:
        client.logged.append(f"shown: {params.message}")

    async def published(version: int, since: int) -> tuple[float, types.PublishDiagnosticsParams]:
        deadline = time.perf_counter() + WAIT
        while time.perf_counter() < deadline:
            for when, params in client.published[since:]:
                if params.version == version:
                    return when, params
            if client._server is not None and client._server.returncode is not None:
                raise RuntimeError(f"the server exited with status {client._server.returncode}")
            await asyncio.sleep(0.01)
        raise TimeoutError(f"no diagnostics for version {version} within {WAIT:.0f} s")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "closes.txt"
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        await client.start_io(COMMAND, "lsp", cwd=folder)
        try:
            server = client._server
            assert server is not None and server.stderr is not None
            stderr = server.stderr

            async def drain() -> None:  # the server's stderr, read so that it never blocks on a full pipe
                while chunk := await stderr.read(65536):
                    client.stderr += chunk

            draining = asyncio.create_task(drain())
            started = time.perf_counter()
            await client.initialize_async(
                types.InitializeParams(
                    capabilities=types.ClientCapabilities(), root_uri=Path(folder).as_uri(), process_id=os.getpid()
                )
            )
            client.initialized(types.InitializedParams())
            print(f"closer-tone lsp (pid {server.pid}) initialized in {time.perf_counter() - started:.2f} s")

            # 1. The first full publish.
            opened = time.perf_counter()
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "plaintext", 1, text))
            )
            when, first = await published(1, 0)
            flagged = list(first.diagnostics)
            print(
                f"opened {len(lines)} lines ({len(text.encode('utf-8')) / 1024:.0f} KiB, {len(set(lines))} distinct): "
                f"first diagnostics after {when - opened:.2f} s, {len(flagged)} flagged sentences"
            )

            # The hovered sentence: a flagged one in the first half; the typing goes into a line in the second half.
            target = next(d for d in flagged if d.range.start.line < len(lines) // 2 and d.range.start.line > 10)
            hovered_text = at(text, target.range)
            middle = types.Position(
                target.range.start.line, (target.range.start.character + target.range.end.character) // 2
            )
            typed_line = len(lines) * 3 // 4
            print(
                f"hovering line {target.range.start.line + 1} ({target.message.split(':')[0]}); "
                f"typing into line {typed_line + 1}"
            )

            hover_times: list[float] = []
            hover_sent: list[float] = []
            hover_problems: list[str] = []
            stop_hovering = asyncio.Event()

            async def hover_once() -> None:
                sent = time.perf_counter()
                hover_sent.append(sent)
                try:
                    shown = await asyncio.wait_for(
                        client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), middle)),
                        30,
                    )
                except Exception as error:  # any failure (a timeout, an error answer) is a failed hover
                    hover_times.append(time.perf_counter() - sent)
                    hover_problems.append(f"{type(error).__name__}: {error}")
                    return
                hover_times.append(time.perf_counter() - sent)
                if shown is None or shown.range is None or at(text, shown.range) != hovered_text:
                    hover_problems.append(f"hover answered {shown!r}, not the flagged sentence")

            async def hovering() -> None:
                while not stop_hovering.is_set():
                    await hover_once()
                    await asyncio.sleep(HOVER_EVERY)

            # 2. The burst.
            hovers = asyncio.create_task(hovering())
            seen = len(client.published)
            logged = len(client.logged)
            typed = "".join(islice(cycle(TYPED), edits))
            burst_started = time.perf_counter()
            for version, character in enumerate(typed, 2):
                position = end_of_line(lines, typed_line)
                lines[typed_line] += character
                change = types.TextDocumentContentChangePartial(range=types.Range(position, position), text=character)
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]
                    )
                )
                await asyncio.sleep(0)  # let the hover task send and receive in between
            burst = time.perf_counter() - burst_started
            text = "\n".join(lines) + "\n"
            final_version = edits + 1
            hovers_in_burst = len(hover_times)
            print(
                f"sent {edits} didChange edits in {burst:.2f} s ({edits / burst:.0f}/s); "
                f"{hovers_in_burst} hovers answered meanwhile"
            )

            try:
                when, last = await published(final_version, seen)
            except (TimeoutError, RuntimeError) as error:
                failures.append(f"final diagnostics: {error}")
                last = None
            else:
                print(
                    f"final diagnostics (version {final_version}) "
                    f"{when - burst_started - burst:.2f} s after the last edit"
                )
            stop_hovering.set()
            await hovers
            for _ in range(50):
                await hover_once()
            intermediate = [p.version for _, p in client.published[seen:] if p.version != final_version]
            print(
                f"publications after the burst: {len(client.published) - seen} "
                f"(versions before the final: {intermediate})"
            )
            print("server log during the burst: " + "; ".join(client.logged[logged:][-5:]))

            # Hover targets.
            p50, p99, worst = (quantile(hover_times, q) * 1000 for q in (0.5, 0.99, 1.0))
            verdict = "met" if worst <= HOVER_TARGET * 1000 and not hover_problems else "NOT MET"
            print(
                f"hover latency over {len(hover_times)} hovers ({hovers_in_burst} during the burst): "
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms "
                f"(target: all <= {HOVER_TARGET * 1000:.0f} ms: {verdict})"
            )
            last_edit = burst_started + burst
            for sent, seconds in zip(hover_sent, hover_times, strict=True):
                if seconds > HOVER_TARGET:
                    print(f"  slow hover: sent {sent - last_edit:+.3f} s after the last edit, took {seconds:.3f} s")
            if worst > HOVER_TARGET * 1000:
                slow = sum(seconds > HOVER_TARGET for seconds in hover_times)
                failures.append(f"{slow} of {len(hover_times)} hovers took over {HOVER_TARGET * 1000:.0f} ms")
            for problem in sorted(set(hover_problems))[:5]:
                failures.append(f"hover: {problem} ({hover_problems.count(problem)} times)")

            alive = server.returncode is None
            print(f"server still running after the burst: {'yes' if alive else 'NO'}")
            if not alive:
                failures.append(f"the server exited with status {server.returncode}")
            else:
                await asyncio.wait_for(client.shutdown_async(None), 30)
                client.exit(None)
                try:
                    status = await asyncio.wait_for(server.wait(), 30)
                except TimeoutError:
                    server.kill()
                    status = await server.wait()
                    failures.append("the server did not exit within 30 s of shutdown and exit")
                print(f"server exited with status {status} after shutdown and exit")
                if status != 0:
                    failures.append(f"the server exited with status {status}")
            await client.stop()
            draining.cancel()
        finally:
            if client._server is not None and client._server.returncode is None:
                client._server.kill()  # only after a failure of this script: the server is ours
                await client._server.wait()

        # 3. The final diagnostics against a fresh analysis (after the server has gone, so as not to compete).
        if last is not None:
            started = time.perf_counter()
            expected = fresh(text)
            got = described(text, list(last.diagnostics))
            print(
                f"fresh analysis of the final text in this process: {time.perf_counter() - started:.1f} s, "
                f"{len(expected)} flagged sentences; the server published {len(got)}"
            )
            if got == expected:
                print("final diagnostics match the fresh analysis: yes")
            else:
                print("final diagnostics match the fresh analysis: NO")
                differing = [(g, e) for g, e in zip(got, expected, strict=False) if g != e][:3]
                for g, e in differing:
                    print(f"  published {g!r}\n  expected  {e!r}")
                failures.append("the final diagnostics differ from a fresh analysis of the final text")
            typed_flags = sum(1 for item in expected if item[0] and item[0] in lines[typed_line])
            print(f"flagged sentences in the typed line: {typed_flags}")

    errors = [line for line in client.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    print(f"server stderr: {len(errors)} lines")
    for line in errors[:40]:
        print(f"  {line}")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("result: " + ("PASS" if not failures else "FAIL"))
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000, help="lines in the document (default 5,000)")
    parser.add_argument("--edits", type=int, default=500, help="didChange edits in the burst (default 500)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    if args.lines < 100 or args.edits < 1:
        parser.error("--lines must be at least 100 and --edits at least 1")
    print(f"machine: {machine()}")
    return asyncio.run(run(args.lines, args.edits, args.seed))


if __name__ == "__main__":
    sys.exit(main())
