"""How well the rewrites do on the rewrite set: python bench/rewrites.py

data/rewrites.jsonl holds single passive or aggressive sentences, each with the intent a rewrite must keep and
the words it must not lose (`must_keep`: names, roles, amounts, dates). Reports:
- how many the model flags (only flagged sentences get rewrites);
- coverage: flagged sentences with at least one rewrite (target >= 95%);
- first rewrites judged assertive with P >= 0.7 when analysed again (target 100%, by construction);
- first rewrites keeping every must_keep string (target >= 95%);
then prints 30 before/after pairs for a person to read.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from closer_tone.api import REWRITE_BAR, Analyzer

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    items = [json.loads(line) for line in (ROOT / "data" / "rewrites.jsonl").open(encoding="utf-8")]
    analyzer = Analyzer()
    analyses = list(analyzer.pipe([item["text"] for item in items]))
    flagged = [(item, a) for item, a in zip(items, analyses, strict=True) if a.label in ("passive", "aggressive")]
    rewritten = [(item, a) for item, a in flagged if a.rewrites]
    firsts = [a.rewrites[0].text for _, a in rewritten]
    again = list(analyzer.pipe(firsts))
    assertive = sum(a.label == "assertive" and a.scores["assertive"] >= REWRITE_BAR for a in again)
    with_content = [(item, a) for item, a in rewritten if item["must_keep"]]
    kept = sum(all(word in a.rewrites[0].text for word in item["must_keep"]) for item, a in with_content)

    _line("sentences the model flags", len(flagged), len(items))
    _line("coverage (flagged with a rewrite)", len(rewritten), len(flagged))
    _line(f"first rewrite judged assertive (P >= {REWRITE_BAR})", assertive, len(firsts))
    _line("first rewrite keeps every must_keep word", kept, len(with_content))
    print()
    for item, analysis in random.Random(7).sample(rewritten, min(30, len(rewritten))):
        print(f"- [{item['label']}, {item['intent']}] {item['text']}")
        print(f"  -> {analysis.rewrites[0].text}   ({'; '.join(analysis.rewrites[0].changes)})")


def _line(measure: str, part: int, whole: int) -> None:
    share = f"{100 * part / whole:.1f}%" if whole else "-"
    print(f"{measure:<46} {part:>4}/{whole:<4} {share}")


if __name__ == "__main__":
    main()
