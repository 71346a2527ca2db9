"""Small builders the tests share."""

from __future__ import annotations

import json
from pathlib import Path


def user_lexicon(tmp_path: Path, **rule: object) -> Path:
    """A user lexicon file with one rule, `mine.circle_back`, changed by `rule`."""
    path = tmp_path / "mine.json"
    entry = {
        "id": "mine.circle_back",
        "tone": "passive",
        "message": "Say when you will follow up instead.",
        "patterns": [[{"LOWER": "circle"}, {"LOWER": "back"}]],
        "examples": {"flag": ["I'll circle back."], "pass": ["I'll follow up Friday."]},
    }
    entry.update(rule)
    path.write_text(json.dumps({"family": "mine", "rules": [entry]}), encoding="utf-8")
    return path
