"""closer-tone: is an interview close passive, assertive or aggressive, and which words make it so."""

__version__ = "0.1.0"
