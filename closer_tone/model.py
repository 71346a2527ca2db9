"""The sentence tone classifier: how it is built, trained from the corpus, saved with a manifest, and loaded safely.

A joblib file runs code when it is loaded, so `load_model` hashes the artefact and compares it with the
manifest written beside it before unpickling anything.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

import joblib
import sklearn
import spacy
from sklearn.metrics import f1_score
from sklearn.pipeline import Pipeline
from spacy.language import Language

from closer_tone import __version__
from closer_tone.corpus import CorpusError, Statement
from closer_tone.cues import shipped_lexicon_sha256
from closer_tone.errors import REBUILD_HINT, ModelIntegrityError, ModelMissingError, ModelVersionError
from closer_tone.estimators import SentenceInput, build_pipeline, calibrate
from closer_tone.parse import SPACY_MODEL, labelled_sentence_inputs
from closer_tone.tone import LABELS

ARTEFACT = "tone-model.joblib"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class TrainedModel:
    pipeline: Pipeline
    manifest: dict[str, object]

    def score(self, inputs: Sequence[SentenceInput]) -> list[dict[str, float]]:
        """Calibrated probabilities per sentence, keyed by label."""
        if not inputs:
            return []
        classes = list(self.pipeline.classes_)
        rows = self.pipeline.predict_proba(inputs)
        return [{label: float(row[classes.index(label)]) for label in LABELS} for row in rows]


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
    return TrainedModel(pipeline, manifest)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: TrainedModel, directory: Path) -> Path:
    """Write the artefact, then a manifest holding its hash; the manifest is what makes the artefact loadable."""
    directory.mkdir(parents=True, exist_ok=True)
    artefact = directory / ARTEFACT
    joblib.dump(model.pipeline, artefact, compress=3)
    manifest = dict(model.manifest, artefact=ARTEFACT, artefact_sha256=sha256_of(artefact))
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return artefact


def load_model(directory: Path | None = None) -> TrainedModel:
    """Load the shipped model, or the one in `directory`, only if its hash and versions match its manifest."""
    if directory is None:
        with as_file(files("closer_tone.models")) as shipped:
            return _load_verified(Path(shipped))
    return _load_verified(directory)


def _load_verified(directory: Path) -> TrainedModel:
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        raise ModelMissingError(f"no tone model in {directory} (no {MANIFEST}); {REBUILD_HINT}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        artefact = directory / str(manifest["artefact"])
        expected = str(manifest["artefact_sha256"])
    except (ValueError, KeyError, TypeError):
        raise ModelIntegrityError(f"{manifest_path} is not a closer-tone manifest; {REBUILD_HINT}") from None
    if not artefact.is_file():
        raise ModelMissingError(f"the model file {artefact} is missing; {REBUILD_HINT}")
    if sha256_of(artefact) != expected:
        raise ModelIntegrityError(
            f"{artefact} does not match the hash in its manifest (changed or corrupt), so it was not loaded; "
            f"{REBUILD_HINT}"
        )
    for package, installed in (("scikit_learn", sklearn.__version__), ("spacy", spacy.__version__)):
        built = str(manifest.get(package))
        if _minor(built) != _minor(installed):
            raise ModelVersionError(
                f"the model was built with {package.replace('_', '-')} {built} but {installed} is installed; "
                f"install the versions pinned in pyproject.toml or {REBUILD_HINT}"
            )
    if manifest.get("lexicon_sha256") != shipped_lexicon_sha256():
        raise ModelVersionError(f"the cue lexicon has changed since the model was trained; {REBUILD_HINT}")
    pipeline = joblib.load(artefact)
    if list(pipeline.classes_) != sorted(LABELS):
        raise ModelIntegrityError(f"{artefact} predicts {list(pipeline.classes_)}, not the tone labels; {REBUILD_HINT}")
    return TrainedModel(pipeline, manifest)


def _minor(version: str) -> str:
    """Pickles and parses stay compatible across patch releases, not across minor ones."""
    return ".".join(version.split(".")[:2])
