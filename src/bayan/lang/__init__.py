"""Language data. Only Arabic for now: ``bayan.lang.ar``."""
