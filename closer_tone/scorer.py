"""The trained Pipeline reduced to the arithmetic that scores a sentence, in NumPy alone.

Every step of the tone model is linear up to the final softmax: named features and lemma TF-IDF, divided by
the MaxAbsScaler's scales, times the logistic regression's coefficients, plus its intercepts, times the
calibration temperature's inverse. Folding the scales and the temperature into one weight matrix gives the
same probabilities as `Pipeline.predict_proba` without importing scikit-learn (about a second of every
command's start-up) and without its per-call checks. Saved as plain arrays, it loads with
`allow_pickle=False`: reading it can never run code.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from closer_tone.features import SentenceInput

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # so the same model always makes the same bytes


@dataclass(frozen=True, eq=False)
class LinearScorer:
    labels: tuple[str, ...]
    named: dict[str, int]  # feature name -> row of `weights`
    ngrams: dict[str, int]  # lemma n-gram -> row of `weights`
    idf: np.ndarray  # per n-gram row, in the order of `ngrams`' rows
    weights: np.ndarray  # (features, labels), scaled and tempered
    bias: np.ndarray  # (labels,), tempered
    ngram_range: tuple[int, int]

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> LinearScorer:
        union = pipeline.named_steps["features"]
        named = union.named_transformers["named"].vectorizer_.vocabulary_
        lemmas = union.named_transformers["lemmas"].vectorizer_
        calibrated = pipeline.named_steps["classifier"]
        regression = calibrated.estimator.estimator
        beta = float(calibrated.calibrated_classifiers_[0].calibrators[0].beta_)
        scale = pipeline.named_steps["scale"].scale_
        weights = beta * (regression.coef_ / scale).T
        offset = len(named)
        return cls(
            labels=tuple(str(label) for label in pipeline.classes_),
            named={str(name): int(column) for name, column in named.items()},
            ngrams={str(gram): offset + int(column) for gram, column in lemmas.vocabulary_.items()},
            idf=np.asarray(lemmas.idf_, dtype=np.float64),
            weights=np.ascontiguousarray(weights, dtype=np.float64),
            bias=beta * np.asarray(regression.intercept_, dtype=np.float64),
            ngram_range=tuple(lemmas.ngram_range),  # type: ignore[arg-type]
        )

    def probabilities(self, inputs: Sequence[SentenceInput]) -> np.ndarray:
        """One row per sentence, columns in `labels` order; what the Pipeline's predict_proba gives.

        Each sentence's few non-zero features are gathered for all sentences at once, so the weights are read
        in one step and summed per sentence in one `bincount` per label, rather than in a product per sentence.
        """
        owners: list[int] = []
        rows: list[int] = []
        values: list[float] = []
        for number, sentence in enumerate(inputs):
            for part_rows, part_values in (self._named_part(sentence), self._ngram_part(sentence)):
                owners += [number] * len(part_rows)
                rows += part_rows
                values += part_values
        contributions = self.weights[rows] * np.asarray(values, dtype=np.float64)[:, None]
        logits = np.tile(self.bias, (len(inputs), 1))
        for column in range(len(self.labels)):
            logits[:, column] += np.bincount(owners, weights=contributions[:, column], minlength=len(inputs))
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def _named_part(self, sentence: SentenceInput) -> tuple[list[int], list[float]]:
        rows, values = [], []
        for name, value in sentence.features.items():
            row = self.named.get(name)
            if row is not None and value:
                rows.append(row)
                values.append(float(value))
        return rows, values

    def _ngram_part(self, sentence: SentenceInput) -> tuple[list[int], list[float]]:
        """Sublinear TF-IDF, L2-normalised over the n-grams the model knows, as TfidfVectorizer does."""
        tokens = sentence.lemmas.split()
        low, high = self.ngram_range
        counts = Counter(
            " ".join(tokens[start : start + size])
            for size in range(low, high + 1)
            for start in range(len(tokens) - size + 1)
        )
        rows, values = [], []
        for gram, count in counts.items():
            row = self.ngrams.get(gram)
            if row is not None:
                rows.append(row)
                values.append((1.0 + math.log(count)) * self._idf[row])
        norm = math.sqrt(sum(value * value for value in values))
        return rows, [value / norm for value in values] if norm else values

    @cached_property
    def _idf(self) -> dict[int, float]:
        """Each n-gram's weight row to its IDF, as plain floats (a NumPy scalar per n-gram cost more than the
        arithmetic)."""
        offset = len(self.named)
        return {offset + column: float(value) for column, value in enumerate(self.idf.tolist())}

    def save(self, path: Path) -> None:
        arrays = {
            "labels": np.asarray(self.labels, dtype=str),
            "named": np.asarray(sorted(self.named, key=self.named.__getitem__), dtype=str),
            "ngrams": np.asarray(sorted(self.ngrams, key=self.ngrams.__getitem__), dtype=str),
            "idf": self.idf,
            "weights": self.weights,
            "bias": self.bias,
            "ngram_range": np.asarray(self.ngram_range, dtype=np.int64),
        }
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, array, allow_pickle=False)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, buffer.getvalue())

    @classmethod
    def load(cls, path: Path) -> LinearScorer:
        """Plain arrays only (`allow_pickle=False`); raises ValueError or KeyError for a file of another shape."""
        with np.load(path, allow_pickle=False) as arrays:
            named = [str(name) for name in arrays["named"]]
            ngrams = [str(gram) for gram in arrays["ngrams"]]
            scorer = cls(
                labels=tuple(str(label) for label in arrays["labels"]),
                named={name: row for row, name in enumerate(named)},
                ngrams={gram: len(named) + row for row, gram in enumerate(ngrams)},
                idf=arrays["idf"],
                weights=arrays["weights"],
                bias=arrays["bias"],
                ngram_range=(int(arrays["ngram_range"][0]), int(arrays["ngram_range"][1])),
            )
        if scorer.weights.shape != (len(named) + len(ngrams), len(scorer.labels)) or scorer.idf.shape != (len(ngrams),):
            raise ValueError("the scorer's arrays do not fit together")
        return scorer
