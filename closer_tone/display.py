"""An analysis as a person reads it in a terminal: verdict with a confidence bar, cues highlighted, fixes.

Colour is only a help: every highlighted cue is also listed in words, so the output reads the same with
`NO_COLOR` set or piped into a file (rich drops colour by itself there).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from closer_tone.results import Analysis, Sentence

TONE_STYLES = {"passive": "bold yellow", "assertive": "bold green", "aggressive": "bold red"}
CUE_STYLES = {"passive": "black on yellow", "assertive": "black on green", "aggressive": "white on red"}
BAR_WIDTH = 10


def confidence_bar(probability: float, width: int = BAR_WIDTH) -> str:
    """A bar in eighths of a cell, so 0.93 and 0.99 look different at a glance."""
    eighths = round(probability * width * 8)
    full, rest = divmod(eighths, 8)
    partial = " ▏▎▍▌▋▊▉"[rest].strip() if rest else ""
    return ("█" * full + partial).ljust(width, "·")


def verdict(analysis: Analysis) -> Text:
    """'passive (0.93) █████████▍·' with the label in its tone's colour."""
    assert analysis.label is not None and analysis.confidence is not None
    line = Text(analysis.label, style=TONE_STYLES[analysis.label])
    line.append(f" ({analysis.confidence:.2f}) ")
    line.append(confidence_bar(analysis.confidence), style=TONE_STYLES[analysis.label].replace("bold ", ""))
    return line


def highlighted(sentence: Sentence) -> Text:
    """The sentence with each cue's words in its tone's colour."""
    text = Text(sentence.text)
    for cue in sentence.cues:
        text.stylize(CUE_STYLES[cue.tone], cue.start - sentence.start, cue.end - sentence.start)
    return text


def render(analysis: Analysis, console: Console) -> None:
    """The whole verdict: label, sentences with cues and rewrites, the statement rewrite, the checklist."""
    console.print(verdict(analysis))
    for sentence in analysis.sentences:
        row = Text("  ")
        row.append(f"{sentence.label:<10}", style=TONE_STYLES[sentence.label])
        row.append(f" ({sentence.scores[sentence.label]:.2f})  ")
        console.print(row + highlighted(sentence))
        for cue in sentence.cues:
            if cue.tone != "assertive":
                line = Text("      ")
                line.append(f'"{cue.text}"', style=CUE_STYLES[cue.tone])
                line.append(f" {cue.tone} cue {cue.rule}: {cue.message}")
                console.print(line)
        for rewrite in sentence.rewrites:
            console.print(Text("      try: ", style="green") + Text(rewrite.text) + _changes(rewrite.changes))
        if sentence.rewrite_note:
            console.print(Text(f"      {sentence.rewrite_note}", style="dim"))
    if analysis.rewrites and len(analysis.sentences) > 1:
        console.print(Text("  try instead: ", style="bold green") + Text(analysis.rewrites[0].text))
    elif analysis.rewrite_note and len(analysis.sentences) > 1:
        console.print(Text(f"  {analysis.rewrite_note}", style="dim"))
    for item in analysis.checklist:
        name = item.item.replace("_", " ")
        if item.present:
            console.print(Text("  ✓ ", style="green") + Text(f'{name}: "{item.sentence}"'))
        else:
            console.print(Text("  ✗ ", style="yellow") + Text(f'missing {name}: add "{item.suggestion}"'))


def _changes(changes: tuple[str, ...]) -> Text:
    return Text(f"  ({'; '.join(changes)})", style="dim") if changes else Text("")
