"""The scikit-learn pieces follow estimator conventions and calibration keeps every prediction."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone

from closer_tone.estimators import (
    FeatureDictVectorizer,
    LemmaNgrams,
    SentenceInput,
    build_pipeline,
    calibrate,
    strongest_features,
)
from closer_tone.tone import LABELS

SAMPLES = [
    (SentenceInput("Call me by Friday.", "call I by friday .", {"mood.imperative": 1.0}), "aggressive"),
    (
        SentenceInput("Send it today!", "send it today !", {"mood.imperative": 1.0, "punct.exclamation": 1.0}),
        "aggressive",
    ),
    (SentenceInput("I need an answer now.", "I need an answer now .", {"subject.i": 1.0}), "aggressive"),
    (SentenceInput("What are the next steps?", "what be the next step ?", {"mood.question": 1.0}), "assertive"),
    (SentenceInput("Thank you for today.", "thank you for today .", {"subject.none": 1.0}), "assertive"),
    (SentenceInput("When will I hear back?", "when will I hear back ?", {"mood.question": 1.0}), "assertive"),
    (SentenceInput("Sorry, I guess that's it.", "sorry , I guess that be it .", {"cue.family.hedge": 1.0}), "passive"),
    (SentenceInput("Whatever works for you.", "whatever work for you .", {"subject.other": 1.0}), "passive"),
    (SentenceInput("I'll just wait, sorry.", "I will just wait , sorry .", {"cue.family.hedge": 1.0}), "passive"),
] * 3
X = [x for x, _ in SAMPLES]
y = [label for _, label in SAMPLES]


def test_feature_dicts_become_named_columns() -> None:
    vectorizer = FeatureDictVectorizer().fit(X)
    names = list(vectorizer.get_feature_names_out())
    matrix = vectorizer.transform([SentenceInput("x", "x", {"mood.question": 1.0, "never.seen": 5.0})])
    assert matrix.shape == (1, len(names))
    assert matrix[0, names.index("mood.question")] == 1.0
    assert matrix.sum() == 1.0, "features unseen in training are ignored"


def test_lemma_ngrams_are_prefixed_and_fold_inflections() -> None:
    ngrams = LemmaNgrams(min_df=1).fit(X)
    names = set(ngrams.get_feature_names_out())
    assert {"lemma=call", "lemma=next step"} <= names
    assert ngrams.transform(X).shape == (len(X), len(names))


def test_parameters_follow_estimator_conventions() -> None:
    ngrams = LemmaNgrams(ngram_range=(1, 3), min_df=1)
    assert ngrams.get_params() == {"ngram_range": (1, 3), "min_df": 1}
    assert clone(ngrams).get_params() == ngrams.get_params()
    assert not hasattr(ngrams, "vectorizer_"), "nothing is learned before fit"


def test_pipeline_learns_and_calibration_keeps_every_prediction() -> None:
    pipeline = build_pipeline().set_params(features__lemmas__min_df=1).fit(X, y)
    calibrated = calibrate(pipeline, X, y)
    assert list(calibrated.predict(X)) == list(pipeline.predict(X))
    probabilities = calibrated.predict_proba(X)
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert sorted(calibrated.classes_) == sorted(LABELS)
    assert "CalibratedClassifierCV" in repr(calibrated)


def test_strongest_features_rank_by_weight() -> None:
    pipeline = calibrate(build_pipeline().set_params(features__lemmas__min_df=1).fit(X, y), X, y)
    strongest = strongest_features(pipeline, per_class=5)
    assert set(strongest) == set(LABELS)
    for ranked in strongest.values():
        weights = [weight for _, weight in ranked]
        assert weights == sorted(weights, reverse=True)
    assert any(name == "mood.question" for name, _ in strongest["assertive"])
