"""Which language a text is in: py3langid's identifier, loaded once, on a thread of its own if asked.

Kept apart from the screen (which imports spaCy) so that a scan can start loading it before spaCy is imported.
"""

from __future__ import annotations

import io
import lzma
import threading
from functools import cache

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
from py3langid.modelio import _to_array

_loading = threading.Lock()


def language_identifier() -> LanguageIdentifier:
    """The identifier, loaded once; a call made while another thread loads it waits for that load."""
    with _loading:
        return _load_identifier()


@cache
def _load_identifier() -> LanguageIdentifier:
    """py3langid's own model, read as its `modelio.load_model` reads it but decompressed in one call.

    Its loader decompresses through a temporary file in 8 KB pieces, and on a thread beside a busy one each
    piece waited for the interpreter lock: 1.6 s instead of 0.5 s. In one call the lock is free throughout.
    """
    raw = lzma.decompress((MODEL_DIR / MODEL_FILE).read_bytes())
    with np.load(io.BytesIO(raw), allow_pickle=False) as model:
        return LanguageIdentifier(
            np.asarray(model["ptc"]),
            np.asarray(model["pc"]),
            model["classes"].tolist(),
            _to_array(model["nextmove"]),
            model["out_feat"].tolist(),
            norm_probs=True,
            tk_row=_to_array(model["nextmove_row"]),
        )


def load_language_identifier_in_background() -> None:
    """Start loading the identifier on another thread, for a caller about to load spaCy and then read many
    lines, about one in twenty of which needs it (a scan): the load then overlaps spaCy's instead of
    following it."""
    threading.Thread(target=language_identifier, name="closer-tone language identifier", daemon=True).start()
