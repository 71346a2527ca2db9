"""The library entry point: `Analyzer().analyze(text)` labels each sentence and the whole statement."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from closer_tone.errors import EmptyTextError
from closer_tone.model import TrainedModel, load_model
from closer_tone.parse import load_nlp, sentence_input
from closer_tone.tone import LABELS, most_severe


@dataclass(frozen=True)
class SentenceTone:
    text: str
    start: int
    end: int
    label: str
    scores: dict[str, float]

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "scores": self.scores,
        }


@dataclass(frozen=True)
class Analysis:
    text: str
    label: str
    scores: dict[str, float]
    sentences: tuple[SentenceTone, ...]

    @property
    def confidence(self) -> float:
        return self.scores[self.label]

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "label": self.label,
            "scores": self.scores,
            "sentences": [sentence.to_dict() for sentence in self.sentences],
        }


def statement_scores(sentences: list[dict[str, float]]) -> dict[str, float]:
    """Rule 5 in probabilities: assertive only if every sentence is, aggressive if any sentence is.

    Treating sentences as independent, P(assertive) is the product of the sentences' P(assertive),
    P(aggressive) is one minus the product of their P(not aggressive), and passive takes the rest.
    """
    assertive = math.prod(p["assertive"] for p in sentences)
    aggressive = 1.0 - math.prod(1.0 - p["aggressive"] for p in sentences)
    passive = max(0.0, 1.0 - assertive - aggressive)
    return {"assertive": assertive, "passive": passive, "aggressive": aggressive}


class Analyzer:
    """Holds the spaCy pipeline and the tone model; build one and reuse it, loading them is the slow part."""

    def __init__(self, model_dir: Path | None = None) -> None:
        self.nlp = load_nlp()
        self.model: TrainedModel = load_model(model_dir)

    def analyze(self, text: str) -> Analysis:
        if not isinstance(text, str):
            raise ValueError(f"analyze() takes a string, not {type(text).__name__}")
        if not text.strip():
            raise EmptyTextError("the text is empty: paste a closing line to check")
        spans = [sent for sent in self.nlp(text).sents if sent.text.strip()]
        rows = self.model.pipeline.predict_proba([sentence_input(span) for span in spans]) if spans else []
        classes = list(self.model.pipeline.classes_)
        sentences = []
        for span, row in zip(spans, rows):
            scores = {label: float(row[classes.index(label)]) for label in LABELS}
            label = max(scores, key=scores.__getitem__)
            sentences.append(SentenceTone(span.text, span.start_char, span.end_char, label, scores))
        label = most_severe(sentence.label for sentence in sentences)
        scores = statement_scores([sentence.scores for sentence in sentences])
        return Analysis(text, label, scores, tuple(sentences))
