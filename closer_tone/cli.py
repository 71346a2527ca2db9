"""The `closer-tone` command: thin typer commands over the library, every user error reported in one line."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from closer_tone.errors import CloserToneError

if TYPE_CHECKING:
    from closer_tone.api import Analyzer

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


class HeldOutSplit(enum.StrEnum):
    dev = "dev"
    test = "test"


def _fail(message: object) -> typer.Exit:
    typer.echo(f"closer-tone: {message}", err=True)
    return typer.Exit(code=2)


def _analyzer(model: Path | None = None) -> Analyzer:
    """Build the Analyzer, turning a missing spaCy model or a bad tone model into a one-line error."""
    from closer_tone.api import Analyzer

    try:
        return Analyzer(model)
    except CloserToneError as error:
        raise _fail(error) from None
    except OSError as error:
        raise _fail(f"cannot load spaCy's English model ({error}); reinstall with `make run`") from None


@app.command()
def check(
    text: Annotated[str, typer.Argument(help="The closing line or statement to check.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the analysis as JSON.")] = False,
) -> None:
    """Say whether TEXT reads passive, assertive or aggressive, sentence by sentence."""
    analysis = _analyzer().analyze(text)
    if as_json:
        typer.echo(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=2))
        if analysis.label is None:
            raise typer.Exit(code=2)
        return
    if analysis.label is None:
        raise _fail(f"cannot judge this text: {analysis.reason}")
    typer.echo(f"{analysis.label} ({analysis.confidence:.2f})")
    if len(analysis.sentences) > 1:
        for sentence in analysis.sentences:
            typer.echo(f"  {sentence.label:<10} ({sentence.scores[sentence.label]:.2f})  {sentence.text}")
    for cue in analysis.cues:
        if cue.tone != "assertive":
            typer.echo(f'  {cue.tone} cue {cue.rule} "{cue.text}": {cue.message}')
    if analysis.rewrites:
        typer.echo(f"  try instead: {analysis.rewrites[0].text}")
    elif analysis.rewrite_note:
        typer.echo(f"  {analysis.rewrite_note}")
    missing = [item for item in analysis.checklist if not item.present]
    for item in missing:
        typer.echo(f'  missing {item.item.replace("_", " ")}: add "{item.suggestion}"')


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
    model: Annotated[Path | None, typer.Option(help="A model directory (default: the shipped one).")] = None,
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
    reports = run_evaluation(corpus, held_out, _analyzer(model))
    if as_json:
        typer.echo(json.dumps([item.to_dict() for item in reports], indent=2))
    else:
        typer.echo(format_reports(reports))
