"""The `closer-tone` command: thin typer commands over the library, every user error reported in one line."""

from __future__ import annotations

import atexit
import enum
import gc
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from closer_tone.display import render
from closer_tone.errors import CloserToneError

if TYPE_CHECKING:
    from closer_tone.api import Analyzer
    from closer_tone.config import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_show_locals=False)
PROGRESS_FROM = 200


class HeldOutSplit(enum.StrEnum):
    dev = "dev"
    test = "test"


class OutputFormat(enum.StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class FailLevel(enum.StrEnum):
    passive = "passive"
    aggressive = "aggressive"


DisableOption = Annotated[
    list[str] | None,
    typer.Option("--disable", help="Hide cue rules whose id starts with this (e.g. 'hedge'); repeatable."),
]
LexiconOption = Annotated[
    list[Path] | None, typer.Option("--lexicon", help="A JSON file of your own cue rules; repeatable.")
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show a traceback for unexpected errors.")]
ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="A model directory to use instead of the shipped one (needs --trust-model)."),
]
TrustOption = Annotated[
    bool,
    typer.Option(
        "--trust-model", help="Use the --model directory: only for a model you built or whose maker you trust."
    ),
]
PROMPT_HELP = "Paste a closing line and press Enter; Ctrl-D to leave."


def _fail(message: object) -> typer.Exit:
    typer.echo(f"closer-tone: {message}", err=True)
    return typer.Exit(code=2)


@contextmanager
def _reported(debug: bool) -> Iterator[None]:
    """Known errors in one line, and unexpected ones too unless --debug asks for the traceback."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except CloserToneError as error:
        raise _fail(error) from None
    except Exception as error:
        if debug:
            raise
        raise _fail(f"unexpected error: {error!r}; rerun with --debug to see where it happened") from None


def _settings() -> Settings:
    from closer_tone.config import load_settings

    return load_settings(Path.cwd())


def _analyzer(
    model: Path | None = None, disable: Sequence[str] = (), lexicons: Sequence[Path] = (), trust: bool = False
) -> Analyzer:
    """Build the Analyzer, turning a missing spaCy model or a bad tone model into a one-line error.

    The interpreter's last garbage collection, as the command exits, walks every object spaCy and the model
    made: 0.15 s of a one-line check. Frozen at exit, they are left to the operating system to reclaim.
    """
    from closer_tone.api import Analyzer

    atexit.register(gc.freeze)
    try:
        return Analyzer(model, trust=trust, disable=disable, lexicons=[str(path) for path in lexicons])
    except CloserToneError as error:
        raise _fail(error) from None
    except OSError as error:
        raise _fail(f"cannot load spaCy's English model ({error}); reinstall with `make run`") from None


def _configured(
    disable: Sequence[str] | None, lexicon: Sequence[Path] | None, model: Path | None = None, trust: bool = False
) -> tuple[Settings, Analyzer]:
    """The project's settings, and an Analyzer with its rules unless the command line names others."""
    settings = _settings()
    return settings, _analyzer(model, disable or settings.disable, lexicon or settings.lexicons, trust)


def _read_stdin() -> str:
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(f"standard input is not UTF-8 text (invalid byte at offset {error.start})") from None


def _is_utf8(text: str) -> bool:
    """False for an argument whose bytes were not UTF-8 (Python keeps them as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@app.command()
def check(
    text: Annotated[
        str | None,
        typer.Argument(help="The closing line or statement; '-' reads standard input; none on a terminal prompts."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the analysis as JSON and nothing else.")] = False,
    disable: DisableOption = None,
    lexicon: LexiconOption = None,
    model: ModelOption = None,
    trust_model: TrustOption = False,
    debug: DebugOption = False,
) -> None:
    """Say whether TEXT reads passive, assertive or aggressive, which words make it so, and what to say instead."""
    with _reported(debug):
        interactive = text is None and sys.stdin.isatty()
        if interactive:
            typer.echo(PROMPT_HELP, err=True)
        elif text is None or text == "-":
            text = _read_stdin()
        elif not _is_utf8(text):
            raise _fail("the text is not valid UTF-8; check the terminal's encoding")
        analyzer = _configured(disable, lexicon, model, trust_model)[1]
        console = Console(highlight=False, soft_wrap=True)
        if text is not None:
            analysis = analyzer.analyze(text)
            if as_json:
                console.print_json(json.dumps(analysis.to_dict(), ensure_ascii=False))
            elif analysis.label is not None:
                render(analysis, console)
            if analysis.label is None:
                raise _fail(f"cannot judge this text: {analysis.reason}")
            return
        while True:
            try:
                line = input("> ")
            except EOFError:
                typer.echo("", err=True)
                return
            if line.strip():
                analysis = analyzer.analyze(line)
                if analysis.label is None:
                    console.print(f"cannot judge this text: {analysis.reason}", style="dim")
                else:
                    render(analysis, console)


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Script files or directories (walked recursively).")],
    output_format: Annotated[OutputFormat | None, typer.Option("--format", help="Report format.")] = None,
    fail_on: Annotated[
        FailLevel | None, typer.Option(help="Exit with 1 when any statement is this tone or worse [default: passive].")
    ] = None,
    jobs: Annotated[int | None, typer.Option(min=1, help="Processes for parsing large inputs.")] = None,
    column: Annotated[str | None, typer.Option(help="CSV column with the statements [default: text].")] = None,
    field: Annotated[str | None, typer.Option(help="JSONL field with the statements [default: text].")] = None,
    output: Annotated[Path | None, typer.Option(help="Write the report to this file, whole or not at all.")] = None,
    disable: DisableOption = None,
    lexicon: LexiconOption = None,
    model: ModelOption = None,
    trust_model: TrustOption = False,
    debug: DebugOption = False,
) -> None:
    """Check every statement in script files (.txt, .md, .csv, .jsonl, .docx); exit 1 on a flagged one."""
    from closer_tone.fast_components import reuse_freed_memory
    from closer_tone.language import load_language_identifier_in_background
    from closer_tone.readers import ReadError
    from closer_tone.report import atomic_output, make_report
    from closer_tone.scan import Summary, read_all
    from closer_tone.scan import scan as scan_findings

    with _reported(debug):
        load_language_identifier_in_background()
        reuse_freed_memory()
        settings, analyzer = _configured(disable, lexicon, model, trust_model)
        kind = output_format.value if output_format else settings.format
        level = fail_on.value if fail_on else settings.fail_on or "passive"
        options = {"column": column or settings.column, "field": field or settings.field}
        summary = Summary()

        def report_error(error: ReadError) -> None:
            typer.echo(f"closer-tone: {error}", err=True)

        items = read_all(paths, summary, report_error, **options)
        with atomic_output(output) if output else nullcontext(sys.stdout) as stream:
            report = make_report(kind, stream, colour=output is None and sys.stdout.isatty())
            findings = scan_findings(items, analyzer, summary, jobs=jobs or settings.jobs, brief=report.brief)
            with _progress(paths, options) as advance:
                for finding in findings:
                    report.add(finding)
                    advance()
            report.close(summary)
        if kind != "text":
            typer.echo(summary.describe(), err=True)
    if summary.had_errors:
        raise typer.Exit(code=2)
    if summary.worst_at_least(level):
        raise typer.Exit(code=1)


@contextmanager
def _progress(paths: Sequence[Path], options: dict[str, str]) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr for long scans at a terminal; counting the statements first is cheap."""
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from closer_tone.scan import Summary, read_all

    total = sum(1 for _ in read_all(paths, Summary(), lambda error: None, **options))
    if total < PROGRESS_FROM:
        yield lambda: None
        return
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("scanning", total=total)
        yield lambda: progress.advance(task)


@app.command()
def lsp() -> None:
    """Run the language server over standard input and output, for editors (see the README for setup)."""
    from closer_tone.lsp import start_io

    start_io()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; anything but loopback exposes it.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    disable: DisableOption = None,
    lexicon: LexiconOption = None,
    debug: DebugOption = False,
) -> None:
    """Serve the HTTP API and the paste-a-line page (http://127.0.0.1:8000/ by default)."""
    from closer_tone.server import serve as run_server

    with _reported(debug):
        _check_free(host, port)
        run_server(host, port, analyzer=_configured(disable, lexicon)[1])


def _check_free(host: str, port: int) -> None:
    """A port in use (or a host this machine is not) as closer-tone's one-line error, before the model loads."""
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise _fail(f"cannot listen on {host}:{port} ({error.strerror or error})") from None


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="The corpus to learn from.")] = Path("data/statements.jsonl"),
    out: Annotated[Path, typer.Option(help="Where to write the model and its manifest.")] = Path("models"),
) -> None:
    """Rebuild the tone model from the corpus (deterministic: same data, same model)."""
    from closer_tone.corpus import CorpusError, load_statements
    from closer_tone.model import save_model, sha256_of
    from closer_tone.model import train as train_model
    from closer_tone.parse import load_nlp

    try:
        model = train_model(load_statements(data), sha256_of(data), load_nlp())
        artefact = save_model(model, out)
    except (OSError, CorpusError) as error:
        raise _fail(error) from None
    metrics = model.manifest["metrics"]
    assert isinstance(metrics, dict)
    typer.echo(
        f"wrote {artefact} ({model.manifest['training_sentences']} training sentences, "
        f"dev macro-F1 {metrics['dev_sentence_macro_f1']})"
    )


@app.command()
def evaluate(
    data: Annotated[Path, typer.Option(help="The corpus (its train split trains the TF-IDF baseline).")] = Path(
        "data/statements.jsonl"
    ),
    split: Annotated[HeldOutSplit, typer.Option(help="Which held-out split of the corpus to score.")] = (
        HeldOutSplit.test
    ),
    on: Annotated[Path | None, typer.Option(help="Score this file of statements instead of a corpus split.")] = None,
    model: ModelOption = None,
    trust_model: TrustOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
) -> None:
    """Score the model and two baselines on held-out statements: per-class P/R/F1, macro-F1, confusion, ECE."""
    from closer_tone.corpus import CorpusError, load_statements
    from closer_tone.evaluate import evaluate as run_evaluation
    from closer_tone.evaluate import format_reports

    try:
        corpus = load_statements(data)
        held_out = load_statements(on) if on else [s for s in corpus if s.split == split.value]
    except (OSError, CorpusError) as error:
        raise _fail(error) from None
    if not held_out:
        raise _fail(f"nothing to evaluate in {on or f'the {split.value} split of {data}'}")
    reports = run_evaluation(corpus, held_out, _analyzer(model, trust=trust_model))
    if as_json:
        typer.echo(json.dumps([item.to_dict() for item in reports], indent=2))
    else:
        typer.echo(format_reports(reports))
