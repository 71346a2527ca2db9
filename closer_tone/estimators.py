"""The scikit-learn side of the tone model: what a sentence looks like to it, its transformers, its Pipeline.

spaCy runs first and turns each sentence into a `SentenceInput` (its lemmas and its feature dict); the
Pipeline never sees spaCy objects, so it pickles small and can be inspected and printed on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import spmatrix
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MaxAbsScaler


@dataclass(frozen=True)
class SentenceInput:
    text: str
    lemmas: str
    features: dict[str, float]


class FeatureDictVectorizer(TransformerMixin, BaseEstimator):
    """The named features of each sentence as columns (`cue.family.hedge`, `mood.imperative`, ...)."""

    def fit(self, X: Sequence[SentenceInput], y: object = None) -> FeatureDictVectorizer:
        self.vectorizer_ = DictVectorizer().fit([x.features for x in X])
        return self

    def transform(self, X: Sequence[SentenceInput]) -> spmatrix:
        return self.vectorizer_.transform([x.features for x in X])

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return self.vectorizer_.get_feature_names_out()


class LemmaNgrams(TransformerMixin, BaseEstimator):
    """TF-IDF over lemma n-grams, so 'called', 'calls' and 'call' are one word to the model."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df

    def fit(self, X: Sequence[SentenceInput], y: object = None) -> LemmaNgrams:
        self.vectorizer_ = TfidfVectorizer(
            ngram_range=self.ngram_range, min_df=self.min_df, sublinear_tf=True, lowercase=False,
            token_pattern=r"\S+",
        ).fit([x.lemmas for x in X])
        return self

    def transform(self, X: Sequence[SentenceInput]) -> spmatrix:
        return self.vectorizer_.transform([x.lemmas for x in X])

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray([f"lemma={name}" for name in self.vectorizer_.get_feature_names_out()], dtype=object)


def build_pipeline(C: float = 2.0) -> Pipeline:
    """Named features and lemma n-grams, scaled, into a logistic regression calibrated by 5-fold CV."""
    return Pipeline(
        [
            ("features", FeatureUnion([("named", FeatureDictVectorizer()), ("lemmas", LemmaNgrams())])),
            ("scale", MaxAbsScaler()),
            (
                "classifier",
                CalibratedClassifierCV(
                    LogisticRegression(C=C, max_iter=5000), method="sigmoid", cv=StratifiedKFold(n_splits=5)
                ),
            ),
        ]
    )


def raw_text_baseline() -> Pipeline:
    """The learned baseline: TF-IDF word n-grams of the raw text into a logistic regression, no spaCy."""
    return Pipeline(
        [
            ("ngrams", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)),
            ("classifier", LogisticRegression(C=4.0, max_iter=2000)),
        ]
    )
