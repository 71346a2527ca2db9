"""The `closer-tone` command: thin typer commands over the library, errors reported in one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from closer_tone.errors import CloserToneError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def _fail(error: Exception) -> typer.Exit:
    typer.echo(f"closer-tone: {error}", err=True)
    return typer.Exit(code=2)


@app.command()
def check(
    text: Annotated[str, typer.Argument(help="The closing line or statement to check.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the analysis as JSON.")] = False,
) -> None:
    """Say whether TEXT reads passive, assertive or aggressive, sentence by sentence."""
    from closer_tone.api import Analyzer

    try:
        analysis = Analyzer().analyze(text)
    except CloserToneError as error:
        raise _fail(error) from None
    if as_json:
        typer.echo(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2))
        if analysis.label is None:
            raise typer.Exit(code=2)
        return
    if analysis.label is None:
        raise _fail(Exception(f"cannot judge this text: {analysis.reason}"))
    typer.echo(f"{analysis.label} ({analysis.confidence:.2f})")
    if len(analysis.sentences) > 1:
        for sentence in analysis.sentences:
            confidence = sentence.scores[sentence.label]
            typer.echo(f"  {sentence.label:<10} ({confidence:.2f})  {sentence.text}")


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
    except (OSError, CorpusError) as error:
        raise _fail(error) from None
    artefact = save_model(model, out)
    typer.echo(
        f"wrote {artefact} ({model.manifest['training_sentences']} training sentences, "
        f"dev macro-F1 {model.manifest['metrics']['dev_sentence_macro_f1']})"
    )


@app.command()
def evaluate(
    data: Annotated[Path, typer.Option(help="The corpus to evaluate on.")] = Path("data/statements.jsonl"),
    split: Annotated[str, typer.Option(help="Which split of the corpus to score: test or dev.")] = "test",
    on: Annotated[Path | None, typer.Option(help="Score this file of statements instead of a corpus split.")] = None,
    model_dir: Annotated[
        Path | None, typer.Option("--model", help="A model directory (default: the shipped one).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
) -> None:
    """Score the model and two baselines on a held-out split: per-class P/R/F1, macro-F1, confusion, ECE."""
    from closer_tone.corpus import CorpusError, load_statements
    from closer_tone.evaluate import evaluate as run_evaluation
    from closer_tone.evaluate import format_reports
    from closer_tone.model import load_model
    from closer_tone.parse import load_nlp

    try:
        corpus = load_statements(data)
        held_out = load_statements(on) if on else [s for s in corpus if s.split == split]
        model = load_model(model_dir)
    except (OSError, CorpusError, CloserToneError) as error:
        raise _fail(error) from None
    if not held_out:
        raise _fail(Exception(f"nothing to evaluate: no statements in split {split!r}"))
    reports = run_evaluation(corpus, held_out, model, load_nlp())
    if as_json:
        typer.echo(json.dumps([item.to_dict() for item in reports], indent=2))
    else:
        typer.echo(format_reports(reports))
