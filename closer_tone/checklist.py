"""The closing checklist: a strong close thanks the interviewer, recaps the fit, and asks about the next step.

Each move counts as present when a sentence carries its cue without undercutting it (thanks and fit in a
sentence that is not aggressive, the next-step question in an assertive one); a missing move comes with a line
to add, filled with the statement's own greeting, role, company and day where it has them.
"""

from __future__ import annotations

from spacy.tokens import Doc

from closer_tone.component import DEFAULT_SPANS_KEY
from closer_tone.results import ChecklistItem, Sentence
from closer_tone.rewrite import Details, context_details, suggestion

# item: (cue rules or families that make it, labels of the sentences it may stand in)
MOVES = {
    "thanks": ({"gratitude"}, {"assertive", "passive"}),
    "fit": ({"fit"}, {"assertive", "passive"}),
    "next_step": ({"question.next_step", "question.timeline", "question.concerns"}, {"assertive"}),
}


def checklist(sentences: tuple[Sentence, ...], doc: Doc, *, suggest: bool = True) -> tuple[ChecklistItem, ...]:
    """The three moves, present or missing; with `suggest`, each missing one with a line to add."""
    details: Details | None = None
    items = []
    found = doc.spans[DEFAULT_SPANS_KEY]  # every cue, including any the user chose not to see
    rules_in = [{c.label_ for c in found if c.start_char >= s.start and c.end_char <= s.end} for s in sentences]
    for item, (wanted, labels) in MOVES.items():
        making = next(
            (
                sentence
                for sentence, rules in zip(sentences, rules_in, strict=True)
                if sentence.label in labels and any(r in wanted or r.split(".", 1)[0] in wanted for r in rules)
            ),
            None,
        )
        if making is not None:
            items.append(ChecklistItem(item, True, sentence=making.text))
            continue
        if not suggest:
            items.append(ChecklistItem(item, False))
            continue
        details = details or context_details(doc[:])  # no greeting or name: a line to add goes after them
        items.append(ChecklistItem(item, False, suggestion=suggestion(item, details)))
    return tuple(items)
