"""The labelled corpus of closing lines: its record format, loading with validation, and duplicate checks.

Training, evaluation, the corpus tests and the import tool all read the corpus through this module, so the
schema of `data/statements.jsonl` is stated once, here.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from closer_tone.tone import is_label, most_severe

SPLITS = ("train", "dev", "test")
REGISTERS = ("spoken", "written")
SOURCES = ("handwritten", "paraphrase", "template")
NEAR_DUPLICATE_JACCARD = 0.8
STYLE_TAGS = (
    "formal",
    "casual",
    "fillers",
    "lowercase",
    "no-punctuation",
    "typos",
    "non-native",
    "emoji",
    "fragment",
    "cut-off",
    "ellipsis",
    "exclamation",
    "shouting",
    "sarcasm",
    "long",
)
"""Register and form tags a writer may put on a statement (`style`)."""

_REQUIRED = ("id", "text", "label", "sentences", "split", "register", "occupation", "source")
_WORD = re.compile(r"\w+")


class CorpusError(ValueError):
    """A corpus record that breaks the schema; the message names the file and line."""


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    label: str


@dataclass(frozen=True)
class Statement:
    """One closing statement with its sentences; fields beyond the schema's required ones are provenance."""

    id: str
    text: str
    label: str
    sentences: tuple[LabelledSentence, ...]
    split: str
    register: str
    occupation: str
    source: str
    note: str | None = None
    situation: str | None = None
    style: tuple[str, ...] = field(default_factory=tuple)
    hard: str | None = None
    writer: str | None = None

    def sentence_offsets(self) -> list[tuple[int, int]]:
        """Where each labelled sentence sits in `text`: its first occurrence after the previous one."""
        return _locate(self.text, [sentence.text for sentence in self.sentences])

    def to_dict(self) -> dict[str, object]:
        record: dict[str, object] = {
            "id": self.id,
            "text": self.text,
            "label": self.label,
            "sentences": [{"text": s.text, "label": s.label} for s in self.sentences],
            "split": self.split,
            "register": self.register,
            "occupation": self.occupation,
            "source": self.source,
        }
        optional = {
            "situation": self.situation,
            "style": list(self.style) or None,
            "hard": self.hard,
            "writer": self.writer,
            "note": self.note,
        }
        record.update({key: value for key, value in optional.items() if value is not None})
        return record


def statement_from_dict(record: dict[str, object]) -> Statement:
    """Build a Statement, raising CorpusError for anything the schema or rule 5 forbids."""
    missing = [key for key in _REQUIRED if key not in record]
    if missing:
        raise CorpusError(f"missing field(s) {', '.join(missing)}")
    text = record["text"]
    if not isinstance(text, str) or not text.strip():
        raise CorpusError("'text' must be a non-empty string")
    sentences = _sentences(record["sentences"], text)
    for key, allowed in (("split", SPLITS), ("register", REGISTERS), ("source", SOURCES)):
        if record[key] not in allowed:
            raise CorpusError(f"'{key}' is {record[key]!r}, expected one of {', '.join(allowed)}")
    if not is_label(record["label"]):
        raise CorpusError(f"'label' is {record['label']!r}")
    expected = most_severe(s.label for s in sentences)
    if record["label"] != expected:
        raise CorpusError(f"label {record['label']!r} breaks rule 5: its sentences make it {expected!r}")
    if record["source"] == "template" and record["split"] != "train":
        raise CorpusError("template lines belong in the train split only")
    style = record.get("style") or []
    if not isinstance(style, list) or not all(isinstance(tag, str) for tag in style):
        raise CorpusError("'style' must be a list of tags")
    return Statement(
        id=str(record["id"]),
        text=text,
        label=str(record["label"]),
        sentences=sentences,
        split=str(record["split"]),
        register=str(record["register"]),
        occupation=str(record["occupation"]),
        source=str(record["source"]),
        note=_optional_str(record.get("note")),
        situation=_optional_str(record.get("situation")),
        style=tuple(style),
        hard=_optional_str(record.get("hard")),
        writer=_optional_str(record.get("writer")),
    )


def statement_from_batch_line(record: dict[str, object], writer: str, number: int) -> Statement:
    """A writer's batch line becomes a corpus record; its split is provisional until import assigns one."""
    return statement_from_dict(
        dict(record, id=f"{writer}-{number:04d}", split="train", source="handwritten", writer=writer)
    )


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _sentences(raw: object, text: str) -> tuple[LabelledSentence, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 4:
        raise CorpusError("'sentences' must be a list of 1 to 4 sentences")
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise CorpusError("each sentence needs a non-empty 'text'")
        if not is_label(item.get("label")):
            raise CorpusError(f"sentence label {item.get('label')!r} is not a tone label")
    _locate(text, [item["text"] for item in raw])
    return tuple(LabelledSentence(item["text"], item["label"]) for item in raw)


def _locate(text: str, sentences: Sequence[str]) -> list[tuple[int, int]]:
    offsets, position = [], 0
    for sentence in sentences:
        found = text.find(sentence, position)
        if found < 0:
            raise CorpusError(f"sentence {sentence!r} does not occur, in order, in the text")
        position = found + len(sentence)
        offsets.append((found, position))
    return offsets


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """Read JSON objects one per line, naming the line of any that does not parse."""
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise CorpusError(f"{path}:{number}: not JSON ({error.msg})") from None
            if not isinstance(record, dict):
                raise CorpusError(f"{path}:{number}: expected a JSON object")
            records.append(record)
    return records


def load_statements(path: Path) -> list[Statement]:
    """Load and validate the whole corpus; the first bad record stops the load with its line number."""
    statements = []
    seen_ids: set[str] = set()
    for number, record in enumerate(read_jsonl(path), 1):
        try:
            statement = statement_from_dict(record)
        except CorpusError as error:
            raise CorpusError(f"{path}: record {number}: {error}") from None
        if statement.id in seen_ids:
            raise CorpusError(f"{path}: record {number}: id {statement.id!r} is used twice")
        seen_ids.add(statement.id)
        statements.append(statement)
    return statements


def write_statements(path: Path, statements: Iterable[Statement]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for statement in statements:
            out.write(json.dumps(statement.to_dict(), ensure_ascii=False) + "\n")


def normalise(text: str) -> str:
    """Lowercase, punctuation and spacing removed: two texts equal here are exact repeats."""
    return " ".join(_WORD.findall(text.lower()))


def tokens(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def exact_duplicates(statements: Sequence[Statement]) -> list[tuple[Statement, Statement]]:
    """Pairs (first, repeat) whose normalised texts are equal."""
    first: dict[str, Statement] = {}
    repeats = []
    for statement in statements:
        key = normalise(statement.text)
        if key in first:
            repeats.append((first[key], statement))
        else:
            first[key] = statement
    return repeats


def near_duplicate_pairs(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[int, int, float]]:
    """All index pairs (i < j) whose token Jaccard is at least `threshold`.

    A prefix-filter join: with tokens ordered rarest first, two sets that reach the threshold must share a
    token within their first ``|A| - ceil(threshold * |A|) + 1`` tokens, so only those are indexed.
    """
    sets = [tokens(text) for text in texts]
    frequency = Counter(token for token_set in sets for token in token_set)
    index: dict[str, list[int]] = defaultdict(list)
    pairs = []
    for j, token_set in enumerate(sets):
        ordered = sorted(token_set, key=lambda token: (frequency[token], token))
        prefix = ordered[: len(ordered) - math.ceil(threshold * len(ordered)) + 1] if ordered else []
        candidates = {i for token in prefix for i in index[token]}
        for i in sorted(candidates):
            similarity = jaccard(sets[i], token_set)
            if similarity >= threshold:
                pairs.append((i, j, similarity))
        for token in prefix:
            index[token].append(j)
    return pairs


def counts_table(statements: Sequence[Statement]) -> str:
    """The datasheet's counts, as Markdown: labels by split, then shares, occupations and register tags."""
    rows = [
        "| split | assertive | passive | aggressive | total | multi-sentence | written | marked hard |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for split in (*SPLITS, "all"):
        part = [s for s in statements if split in ("all", s.split)]
        labels = Counter(s.label for s in part)
        rows.append(
            f"| {split} | {labels['assertive']} | {labels['passive']} | {labels['aggressive']} | {len(part)} "
            f"| {_share(part, lambda s: len(s.sentences) > 1)} | {_share(part, lambda s: s.register == 'written')} "
            f"| {_share(part, lambda s: s.hard is not None)} |"
        )
    occupations = Counter(s.occupation.lower() for s in statements)
    sources = Counter(s.source for s in statements)
    styles = Counter(tag for s in statements for tag in s.style)
    rows += [
        "",
        f"Occupations: {len(occupations)}. Sources: "
        + ", ".join(f"{source} {sources[source]}" for source in SOURCES)
        + ".",
        "",
        "| register tag | statements |",
        "|---|---:|",
        *(f"| {tag} | {styles[tag]} |" for tag in STYLE_TAGS),
    ]
    return "\n".join(rows)


def _share(part: Sequence[Statement], predicate: Callable[[Statement], bool]) -> str:
    if not part:
        return "-"
    return f"{100 * sum(1 for s in part if predicate(s)) / len(part):.0f}%"
