"""The trained tone model shipped with closer-tone (installed as ``closer_tone.models``)."""
