"""One settings loader: shipped ``settings.toml`` merged with a user file."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bayan.errors import E006, BayanError

DEFAULTS = Path(__file__).with_name("settings.toml")


@dataclass(frozen=True)
class Settings:
    include_body: bool = True
    eval_thresholds: dict[str, float] = field(default_factory=dict)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise BayanError(E006.format(path=path, reason=exc)) from None
    except OSError as exc:
        raise BayanError(E006.format(path=path, reason=exc.strerror)) from None


def load_settings(path: str | Path | None = None) -> Settings:
    """Shipped defaults, then ``path`` (or ``$BAYAN_CONFIG``) on top."""
    data = _read(DEFAULTS)
    user = path or os.environ.get("BAYAN_CONFIG")
    if user:
        data = _merge(data, _read(Path(user)))
    return Settings(
        include_body=bool(data.get("extract", {}).get("include_body", True)),
        eval_thresholds={k: float(v) for k, v in data.get("eval", {}).items()},
    )
