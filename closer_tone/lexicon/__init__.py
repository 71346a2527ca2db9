"""Cue rules shipped with closer-tone, one JSON file per family."""
