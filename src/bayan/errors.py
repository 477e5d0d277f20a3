"""Error catalogue: every message says what went wrong and what to do next."""

from __future__ import annotations


class BayanError(Exception):
    """An error meant for the user: printed as one line, never as a traceback."""


E001 = "No input found at {path}: check the path, or pass a file or directory that exists."
E002 = "Cannot read {path}: {reason}."
E003 = "Gold file {path} is not valid: {reason}. See docs/gold-format.md."
E004 = "No gold files (*.gold.json) under {path}: pass the folder that holds them."
E005 = "Unknown output format {value!r}: choose one of {choices}."
E006 = "Settings file {path} is not valid TOML: {reason}."
