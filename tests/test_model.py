"""Training is deterministic and a model loads only when its files match their manifest."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from spacy.language import Language

from closer_tone.corpus import load_statements
from closer_tone.errors import ModelIntegrityError, ModelMissingError, ModelVersionError
from closer_tone.model import (
    ARTEFACT,
    MANIFEST,
    TrainedModel,
    load_model,
    save_model,
    sentence_examples,
    train,
)
from closer_tone.parse import labelled_sentence_inputs, load_nlp
from closer_tone.tone import LABELS

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small_corpus() -> list:
    statements = load_statements(ROOT / "data" / "statements.jsonl")
    return statements[::6]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture(scope="module")
def trained(small_corpus: list, nlp: Language) -> TrainedModel:
    return train(small_corpus, "0" * 64, nlp)


@pytest.fixture
def saved(tmp_path: Path, trained: TrainedModel) -> Path:
    save_model(trained, tmp_path)
    return tmp_path


def test_the_shipped_model_loads_and_knows_the_labels() -> None:
    model = load_model()
    assert sorted(model.manifest["labels"]) == sorted(LABELS)
    train_sentences, _ = sentence_examples(load_statements(ROOT / "data" / "statements.jsonl"), "train")
    assert model.manifest["training_sentences"] == len(train_sentences)


def test_training_twice_gives_the_same_model(small_corpus: list, nlp: Language, trained: TrainedModel) -> None:
    inputs = labelled_sentence_inputs(nlp, small_corpus[:50])
    first = trained.pipeline.predict_proba(inputs)
    second = train(small_corpus, "0" * 64, nlp).pipeline.predict_proba(inputs)
    assert (first == second).all()


def test_a_saved_model_round_trips(saved: Path, small_corpus: list, nlp: Language) -> None:
    model = load_model(saved)
    assert model.manifest["training_data_sha256"] == "0" * 64
    assert model.pipeline.predict(labelled_sentence_inputs(nlp, small_corpus[:1]))[0] in LABELS
    assert "mood.imperative" in model.manifest["features"]["named"]


def test_a_changed_artefact_is_refused_before_unpickling(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with (saved / ARTEFACT).open("ab") as artefact:
        artefact.write(b"\0")
    monkeypatch.setattr("joblib.load", lambda *a, **k: pytest.fail("unpickled a file that failed its hash"))
    with pytest.raises(ModelIntegrityError, match=r"\[E102\].*closer-tone train"):
        load_model(saved)


def test_a_missing_model_says_how_to_rebuild(tmp_path: Path, saved: Path) -> None:
    with pytest.raises(ModelMissingError, match="closer-tone train"):
        load_model(tmp_path / "nowhere")
    (saved / ARTEFACT).unlink()
    with pytest.raises(ModelMissingError, match="missing"):
        load_model(saved)


def test_a_corrupt_manifest_is_refused(saved: Path) -> None:
    (saved / MANIFEST).write_text("{oops", encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="not a closer-tone manifest"):
        load_model(saved)


@pytest.mark.parametrize(("package", "built"), [("scikit_learn", "0.1.0"), ("spacy", "3.7.5")])
def test_a_model_from_another_minor_version_is_refused(saved: Path, package: str, built: str) -> None:
    manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
    (saved / MANIFEST).write_text(json.dumps(dict(manifest, **{package: built})), encoding="utf-8")
    with pytest.raises(ModelVersionError, match=rf"\[E103\].*{re.escape(built)}.*pyproject.toml"):
        load_model(saved)


def test_a_model_trained_on_other_cue_rules_is_refused(saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
    (saved / MANIFEST).write_text(json.dumps(dict(manifest, lexicon_sha256="0" * 64)), encoding="utf-8")
    with pytest.raises(ModelVersionError, match="cue lexicon has changed"):
        load_model(saved)


def test_a_model_from_another_patch_release_still_loads(saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
    major, minor, *_ = manifest["scikit_learn"].split(".")
    (saved / MANIFEST).write_text(json.dumps(dict(manifest, scikit_learn=f"{major}.{minor}.99")), encoding="utf-8")
    assert load_model(saved).manifest["scikit_learn"].endswith(".99")


def test_the_manifest_records_the_shipped_corpus_hash() -> None:
    from closer_tone.model import sha256_of

    manifest = load_model().manifest
    assert manifest["training_data_sha256"] == sha256_of(ROOT / "data" / "statements.jsonl"), (
        "models/ is stale: run `closer-tone train`"
    )
