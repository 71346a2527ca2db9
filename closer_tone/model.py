"""The sentence tone classifier: how it is built, trained from the corpus, saved with a manifest, and loaded safely.

Training saves two artefacts: the scikit-learn Pipeline (joblib), for inspection and retraining, and the
`LinearScorer` that analysis uses, plain arrays that load without scikit-learn and without unpickling. Both
are hashed in the manifest and checked before they are read; a joblib file runs code when it is loaded, so
the Pipeline is read only when someone asks for it (`TrainedModel.pipeline`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib.metadata import version
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language

from closer_tone import __version__
from closer_tone.corpus import CorpusError, Statement
from closer_tone.cues import shipped_lexicon_sha256
from closer_tone.errors import (
    REBUILD_HINT,
    ModelIntegrityError,
    ModelMissingError,
    ModelVersionError,
    UntrustedModelError,
)
from closer_tone.features import SentenceInput
from closer_tone.parse import SPACY_MODEL, labelled_sentence_inputs
from closer_tone.scorer import LinearScorer
from closer_tone.tone import LABELS

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

ARTEFACT = "tone-model.joblib"
SCORER = "tone-scorer.npz"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class TrainedModel:
    scorer: LinearScorer
    manifest: dict[str, object]
    read_pipeline: Callable[[], Pipeline]

    @cached_property
    def pipeline(self) -> Pipeline:
        """The scikit-learn Pipeline the scorer was made from, read (and its hash checked) on first use."""
        return self.read_pipeline()

    def score(self, inputs: Sequence[SentenceInput]) -> list[dict[str, float]]:
        """Calibrated probabilities per sentence, keyed by label."""
        if not inputs:
            return []
        columns = [self.scorer.labels.index(label) for label in LABELS]
        return [dict(zip(LABELS, map(float, row[columns]), strict=True)) for row in self.scorer.probabilities(inputs)]


def sentence_examples(statements: Sequence[Statement], split: str) -> tuple[list[str], list[str]]:
    """The text and label of every labelled sentence of a split (what the raw-text baseline learns from)."""
    chosen = [sentence for statement in statements if statement.split == split for sentence in statement.sentences]
    return [sentence.text for sentence in chosen], [sentence.label for sentence in chosen]


def split_examples(nlp: Language, statements: Sequence[Statement], split: str) -> tuple[list[SentenceInput], list[str]]:
    """Every labelled sentence of a split, read from its statement's parse, with its label."""
    chosen = [statement for statement in statements if statement.split == split]
    labels = [sentence.label for statement in chosen for sentence in statement.sentences]
    return labelled_sentence_inputs(nlp, chosen), labels


def train(statements: Sequence[Statement], corpus_sha256: str, nlp: Language) -> TrainedModel:
    """Fit on the train split, calibrate on the dev split; the test split is left for `closer-tone evaluate`."""
    import sklearn
    from sklearn.metrics import f1_score

    from closer_tone.estimators import build_pipeline, calibrate

    inputs, labels = split_examples(nlp, statements, "train")
    dev_inputs, dev_labels = split_examples(nlp, statements, "dev")
    if len(set(labels)) < len(LABELS) or len(set(dev_labels)) < len(LABELS):
        raise CorpusError("training needs sentences of every label in both the train and the dev split")
    fitted = build_pipeline().fit(inputs, labels)
    dev_f1 = round(float(f1_score(dev_labels, fitted.predict(dev_inputs), average="macro")), 4)
    pipeline = calibrate(fitted, dev_inputs, dev_labels)
    features = pipeline.named_steps["features"].named_transformers
    manifest: dict[str, object] = {
        "closer_tone": __version__,
        "scikit_learn": sklearn.__version__,
        "spacy": spacy.__version__,
        "spacy_model": SPACY_MODEL,
        "lexicon_sha256": shipped_lexicon_sha256(),
        "labels": list(pipeline.classes_),
        "training_data_sha256": corpus_sha256,
        "training_sentences": len(inputs),
        "features": {
            "named": [str(name) for name in features["named"].get_feature_names_out()],
            "lemma_ngrams": len(features["lemmas"].get_feature_names_out()),
        },
        "metrics": {"dev_sentence_macro_f1": dev_f1},
    }
    return TrainedModel(LinearScorer.from_pipeline(pipeline), manifest, lambda: pipeline)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: TrainedModel, directory: Path) -> Path:
    """Write the artefacts, then a manifest holding their hashes; the manifest is what makes them loadable."""
    import joblib

    directory.mkdir(parents=True, exist_ok=True)
    artefact = directory / ARTEFACT
    joblib.dump(model.pipeline, artefact, compress=3)
    model.scorer.save(directory / SCORER)
    manifest = dict(
        model.manifest,
        artefact=ARTEFACT,
        artefact_sha256=sha256_of(artefact),
        scorer=SCORER,
        scorer_sha256=sha256_of(directory / SCORER),
    )
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return artefact


def load_model(directory: str | Path | None = None, *, trust: bool = False) -> TrainedModel:
    """Load the shipped model, or the one in `directory` if the caller trusts it, only if its files match.

    A model decides what a candidate is told, and its Pipeline file runs code when it is unpickled, so a
    model from anywhere but the package needs the caller's explicit trust (`--trust-model`).
    """
    if directory is None:
        with as_file(files("closer_tone.models")) as shipped:
            return _load_verified(Path(shipped))
    if not trust:
        raise UntrustedModelError(
            f"not loading the model in {directory}: a model from a path is used only when you trust where it came "
            "from (pass --trust-model, or trust=True)"
        )
    return _load_verified(Path(directory))


def _load_verified(directory: Path) -> TrainedModel:
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ModelMissingError(f"no tone model in {directory} (no {MANIFEST}); {REBUILD_HINT}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        artefact, scorer_path = directory / str(manifest["artefact"]), directory / str(manifest["scorer"])
        expected = {artefact: str(manifest["artefact_sha256"]), scorer_path: str(manifest["scorer_sha256"])}
    except (ValueError, KeyError, TypeError):
        raise ModelIntegrityError(f"{manifest_path} is not a closer-tone manifest; {REBUILD_HINT}") from None
    for path, digest in expected.items():
        _check_hash(path, digest)
    _check_version("spacy", str(manifest.get("spacy")), spacy.__version__)
    if manifest.get("lexicon_sha256") != shipped_lexicon_sha256():
        raise ModelVersionError(f"the cue lexicon has changed since the model was trained; {REBUILD_HINT}")
    try:
        scorer = LinearScorer.load(scorer_path)
    except (ValueError, KeyError, OSError) as error:
        raise ModelIntegrityError(f"{scorer_path} is not a closer-tone scorer ({error}); {REBUILD_HINT}") from None
    if sorted(scorer.labels) != sorted(LABELS):
        raise ModelIntegrityError(f"{scorer_path} predicts {list(scorer.labels)}, not the tone labels; {REBUILD_HINT}")
    return TrainedModel(scorer, manifest, lambda: _read_pipeline(artefact, expected[artefact], manifest))


def _read_pipeline(artefact: Path, digest: str, manifest: dict[str, object]) -> Pipeline:
    """Unpickle the Pipeline only after its hash and scikit-learn's version are checked again."""
    import joblib

    _check_hash(artefact, digest)
    _check_version("scikit_learn", str(manifest.get("scikit_learn")), version("scikit-learn"))
    pipeline: Pipeline = joblib.load(artefact)
    return pipeline


def _check_hash(path: Path, digest: str) -> None:
    if not path.is_file():
        raise ModelMissingError(f"the model file {path} is missing; {REBUILD_HINT}")
    if sha256_of(path) != digest:
        raise ModelIntegrityError(
            f"{path} does not match the hash in its manifest (changed or corrupt), so it was not loaded; {REBUILD_HINT}"
        )


def _check_version(package: str, built: str, installed: str) -> None:
    if _minor(built) != _minor(installed):
        raise ModelVersionError(
            f"the model was built with {package.replace('_', '-')} {built} but {installed} is installed; "
            f"install the versions pinned in pyproject.toml or {REBUILD_HINT}"
        )


def _minor(version: str) -> str:
    """Pickles and parses stay compatible across patch releases, not across minor ones."""
    return ".".join(version.split(".")[:2])
