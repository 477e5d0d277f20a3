"""Bayan: structured, sourced records of diplomatic meetings from Arabic news reports."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
