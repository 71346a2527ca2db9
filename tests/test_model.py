"""Training is deterministic and a model loads only when its files match their manifest."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from closer_tone.corpus import load_statements
from closer_tone.errors import ModelIntegrityError, ModelMissingError, ModelVersionError, UntrustedModelError
from closer_tone.model import (
    ARTEFACT,
    MANIFEST,
    SCORER,
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


def test_the_scorer_gives_the_pipelines_probabilities(trained: TrainedModel, small_corpus: list, nlp: Language) -> None:
    inputs = labelled_sentence_inputs(nlp, small_corpus[:200])
    expected = trained.pipeline.predict_proba(inputs)
    assert list(trained.pipeline.classes_) == list(trained.scorer.labels)
    assert np.abs(trained.scorer.probabilities(inputs) - expected).max() < 1e-12


def test_saving_the_same_model_twice_writes_the_same_scorer_bytes(trained: TrainedModel, tmp_path: Path) -> None:
    save_model(trained, tmp_path / "a")
    save_model(trained, tmp_path / "b")
    assert (tmp_path / "a" / SCORER).read_bytes() == (tmp_path / "b" / SCORER).read_bytes()


def test_analysis_never_imports_scikit_learn_or_unpickles() -> None:
    script = (
        "import sys, closer_tone; closer_tone.analyze('Thanks for your time today.'); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'sklearn', 'joblib'}))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_scorer_holding_pickled_objects_is_refused(saved: Path) -> None:
    np.savez(saved / SCORER, labels=np.asarray([{"run": "code"}], dtype=object))
    manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
    from closer_tone.model import sha256_of

    manifest["scorer_sha256"] = sha256_of(saved / SCORER)
    (saved / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match=r"\[E102\].*not a closer-tone scorer"):
        load_model(saved, trust=True)


def test_a_saved_model_round_trips(saved: Path, small_corpus: list, nlp: Language) -> None:
    model = load_model(saved, trust=True)
    assert model.manifest["training_data_sha256"] == "0" * 64
    assert model.pipeline.predict(labelled_sentence_inputs(nlp, small_corpus[:1]))[0] in LABELS
    assert "mood.imperative" in model.manifest["features"]["named"]


@pytest.mark.parametrize("name", [ARTEFACT, SCORER])
def test_a_changed_artefact_is_refused_before_unpickling(
    saved: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (saved / name).open("ab") as artefact:
        artefact.write(b"\0")
    monkeypatch.setattr("joblib.load", lambda *a, **k: pytest.fail("unpickled a file that failed its hash"))
    with pytest.raises(ModelIntegrityError, match=rf"\[E102\].*{re.escape(name)}.*closer-tone train"):
        load_model(saved, trust=True)


def test_a_missing_model_says_how_to_rebuild(tmp_path: Path, saved: Path) -> None:
    with pytest.raises(ModelMissingError, match="closer-tone train"):
        load_model(tmp_path / "nowhere", trust=True)
    (saved / ARTEFACT).unlink()
    with pytest.raises(ModelMissingError, match="missing"):
        load_model(saved, trust=True)


def test_a_corrupt_manifest_is_refused(saved: Path) -> None:
    (saved / MANIFEST).write_text("{oops", encoding="utf-8")
    with pytest.raises(ModelIntegrityError, match="not a closer-tone manifest"):
        load_model(saved, trust=True)


def test_a_model_parsed_by_another_spacy_minor_version_is_refused(saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
    (saved / MANIFEST).write_text(json.dumps(dict(manifest, spacy="3.7.5")), encoding="utf-8")
    with pytest.raises(ModelVersionError, match=r"\[E103\].*spacy 3\.7\.5.*pyproject.toml"):
        load_model(saved, trust=True)


def test_a_pipeline_pickled_by_another_scikit_learn_minor_version_is_not_unpickled(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
    (saved / MANIFEST).write_text(json.dumps(dict(manifest, scikit_learn="0.1.0")), encoding="utf-8")
    model = load_model(saved, trust=True)  # the scorer is plain arrays: scoring does not depend on scikit-learn
    monkeypatch.setattr("joblib.load", lambda *a, **k: pytest.fail("unpickled with the wrong scikit-learn"))
    with pytest.raises(ModelVersionError, match=r"\[E103\].*scikit-learn 0\.1\.0.*pyproject.toml"):
        model.pipeline  # noqa: B018


def test_a_model_trained_on_other_cue_rules_is_refused(saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
    (saved / MANIFEST).write_text(json.dumps(dict(manifest, lexicon_sha256="0" * 64)), encoding="utf-8")
    with pytest.raises(ModelVersionError, match="cue lexicon has changed"):
        load_model(saved, trust=True)


def test_a_model_from_another_patch_release_still_loads(saved: Path) -> None:
    manifest = json.loads((saved / MANIFEST).read_text(encoding="utf-8"))
    major, minor, *_ = manifest["scikit_learn"].split(".")
    (saved / MANIFEST).write_text(json.dumps(dict(manifest, scikit_learn=f"{major}.{minor}.99")), encoding="utf-8")
    assert list(load_model(saved, trust=True).pipeline.classes_) == sorted(LABELS)


def test_the_manifest_records_the_shipped_corpus_hash() -> None:
    from closer_tone.model import sha256_of

    manifest = load_model().manifest
    assert manifest["training_data_sha256"] == sha256_of(ROOT / "data" / "statements.jsonl"), (
        "models/ is stale: run `closer-tone train`"
    )


def test_a_model_from_a_path_needs_the_callers_trust(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("closer_tone.model.sha256_of", lambda path: pytest.fail("read an untrusted model"))
    with pytest.raises(UntrustedModelError, match=r"\[E104\].*--trust-model"):
        load_model(saved)
