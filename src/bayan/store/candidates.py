"""Which stored meeting records a new report is compared with when it is linked.

Linking compares a report with a few bounded sets of records: the same date window,
the same city, the same named format, the same format and round (``Store._lookups``
chooses them from the report's values). This module turns that choice into one SQL
statement per report:

* the ids of bounded subqueries, each read in index order (``ORDER BY id DESC
  LIMIT n`` on an index whose entries are already in id order), then each record's
  row once: a record reached by several lookups comes back once, and a report costs
  one statement, not four;
* "undated records of these formats" as one such subquery per format, cut to the same
  ``n`` overall: ``format IN (a, b)`` made SQLite scan every undated record in id order;
* on SQLite, a filter that drops, inside the database, records whose only reported
  start date (``start_dates_vary`` false, migration 0007) cannot be the report's. A date that cannot match is why most candidates
  are rejected (19 of the 33 records scored per meeting at 5,000–10,000 generated
  articles). The filter drops only records ``Store._compat`` would reject for their
  date, so every report links to the same record as without it; it saves reading,
  decoding and scoring those rows in Python. PostgreSQL gets the same statement
  without the filter: the same records are then rejected by ``Store._compat``.

Hand-written because the semantics are Bayan's: which dates "can be the same
meeting" is :func:`bayan.store.repository.dates_close`, restated here for the
canonical date forms the extractor writes (anything else is kept for Python to judge).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Text,
    bindparam,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
)

from bayan.store.models import MeetingRow

LINK_CANDIDATES = 60  # per lookup when linking a meeting (most recent records first)
UNDATED_RECENT = 50  # undated records a dated meeting with no named format is compared with

_M = MeetingRow.__table__
_UNDATED = _M.c.undated == true()

# name -> condition; every lookup reads LINK_CANDIDATES rows (UNDATED_RECENT for undated_recent)
_CONDITIONS: dict[str, Any] = {
    "window": _M.c.start_date.between(bindparam("lo"), bindparam("hi")),
    "undated_recent": _UNDATED,
    # every date that starts with the month or year, newest records first
    # (expression indexes of migration 0007: a date range had to sort the whole month)
    "month": func.substr(_M.c.start_date, literal_column("1"), literal_column("7")) == bindparam("prefix"),
    "year": func.substr(_M.c.start_date, literal_column("1"), literal_column("4")) == bindparam("prefix"),
    "date_prefix": (_M.c.start_date >= bindparam("prefix")) & (_M.c.start_date < bindparam("prefix_end")),
    "format_round": (_M.c.format == bindparam("fmt")) & (_M.c.round == bindparam("round")),
    "format_round_undated": (_M.c.format == bindparam("fmt")) & (_M.c.round == bindparam("round")) & _UNDATED,
    "city": _M.c.city == bindparam("city"),
    "city_undated": (_M.c.city == bindparam("city")) & _UNDATED,
    "format": _M.c.format == bindparam("fmt"),
}
# lookups that keep only compatible formats (the rest already name the format)
FORMAT_FILTERED = frozenset({"window", "month", "year", "date_prefix", "city", "city_undated"})


def format_ok(allowed: int) -> Any:
    """The record's format (``""`` for none) is one of ``allowed_0`` … ``allowed_{n-1}``.

    coalesce() keeps the planner on the date / city index: the format index would visit
    every record of the common formats. One parameter per format instead of an
    expanding list: the statement then compiles once per shape, which lets the writer
    run it straight on the sqlite3 cursor (``bayan.store.direct``).
    """
    return func.coalesce(_M.c.format, "").in_([bindparam(f"allowed_{i}") for i in range(allowed)])

# the date forms the extractor writes; a stored date of another form is never filtered out
_DIGIT = "[0-9]"
_DAY_GLOB = _DIGIT * 4 + "-" + _DIGIT * 2 + "-" + _DIGIT * 2
_MONTH_GLOB = _DIGIT * 4 + "-" + _DIGIT * 2
_YEAR_GLOB = _DIGIT * 4
_YEARLESS_GLOBS = tuple(p + _DIGIT * 2 + "-" + _DIGIT * 2 for p in ("--", "XXXX-", "xxxx-", ""))
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MONTH_OR_YEAR = re.compile(r"\d{4}(?:-\d{2})?", re.ASCII)


def date_filter(start_date: Any, window_days: int) -> tuple[str, dict[str, Any]] | None:
    """(mode, parameters) of the SQL date filter for a report's start date, or None.

    ``day`` for a full date D: a stored date can be D when it is a day within
    ``window_days``, a year-less day within as many days (in one year, as
    ``dates_close`` compares them), or D's year or month. ``partial`` for a month or a
    year P: a stored date can be P when it starts with P, is a prefix of P, or has no
    year. None (no filter) for other forms.
    """
    sd = start_date if isinstance(start_date, str) else None
    if not sd:
        return None
    if _DAY.fullmatch(sd):
        try:
            day = date.fromisoformat(sd)
        except ValueError:
            return None
        base = date(2000, day.month, day.day)  # 2000 is a leap year: 29 February exists
        md_lo = max(base - timedelta(days=window_days), date(2000, 1, 1))
        md_hi = min(base + timedelta(days=window_days), date(2000, 12, 31))
        return "day", {
            "d_lo": (day - timedelta(days=window_days)).isoformat(),
            "d_hi": (day + timedelta(days=window_days)).isoformat(),
            "md_lo": md_lo.isoformat()[5:],
            "md_hi": md_hi.isoformat()[5:],
            "d_year": sd[:4],
            "d_month": sd[:7],
        }
    if _MONTH_OR_YEAR.fullmatch(sd):
        return "partial", {"d_prefix": sd, "d_prefix_len": len(sd), "d_year": sd[:4]}
    return None


def _date_keep(mode: str, sub: Any) -> Any:
    """The filter's condition on a union row: keep unless its one stored date cannot match.

    A stored date is dropped only when it has one of the extractor's forms and that
    form cannot be close: a day outside the window, a year or month that is not the
    report's, a year-less day too many days away (``day`` mode), or a day, month or
    year that neither starts with the report's month or year nor is a prefix of it
    (``partial`` mode). Keeping too much is harmless: ``Store._compat`` decides.
    """
    stored = sub.c.start_date
    glob = stored.op("GLOB", is_comparison=True)
    is_day = glob(_DAY_GLOB)
    is_month_or_year = or_(glob(_MONTH_GLOB), glob(_YEAR_GLOB))
    is_yearless = or_(*(glob(g) for g in _YEARLESS_GLOBS))
    if mode == "day":
        cannot = or_(
            is_day & ~stored.between(bindparam("d_lo"), bindparam("d_hi")),
            is_month_or_year & stored.not_in([bindparam("d_year"), bindparam("d_month")]),
            is_yearless & ~func.substr(stored, -5).between(bindparam("md_lo"), bindparam("md_hi")),
        )
    else:
        prefix = bindparam("d_prefix")
        related = or_(func.substr(stored, 1, bindparam("d_prefix_len")) == prefix, stored == bindparam("d_year"),
                      stored == prefix)
        cannot = or_(is_day, is_month_or_year) & ~related
    return or_(sub.c.start_dates_vary == true(), stored.is_(None), ~cannot)


def _part(cond: Any, limit: int, with_dates: bool) -> Any:
    """One bounded lookup: the ids of the newest ``limit`` records meeting ``cond``
    (with what the date filter reads)."""
    cols = [_M.c.id, _M.c.start_date, _M.c.start_dates_vary] if with_dates else [_M.c.id]
    return select(*cols).where(cond).order_by(_M.c.id.desc()).limit(limit)


@lru_cache(maxsize=512)
def statement(lookups: tuple[str, ...], named: int, date_mode: str | None, sqlite: bool, allowed: int = 0) -> Any:
    """The statement for a combination of lookups; parameters as :meth:`Store._lookups` sets them.

    ``allowed``: how many formats the ``_fmt`` lookups keep (parameters ``allowed_0`` …).

    ``lookups``: names from ``_CONDITIONS``, with ``_fmt`` for the format-filtered form.
    ``named``: how many formats the "undated records of the same named format" lookup
    covers (0: not used; parameters ``named_0`` …). Rows: (id, city, link summary as
    stored), each record once. The lookups collect ids only; the wide rows are read
    once, for the records that pass (carrying them through the union took twice as
    long). Cached: a handful of shapes cover every report.
    """
    with_dates = sqlite and date_mode is not None
    parts = []
    for name in lookups:
        base = name.removesuffix("_fmt")
        cond = _CONDITIONS[base]
        if name.endswith("_fmt"):
            cond = cond & format_ok(allowed)
        limit = UNDATED_RECENT if base == "undated_recent" else LINK_CANDIDATES
        parts.append(_part(cond, limit, with_dates))
    if named == 1:
        parts.append(_part(_UNDATED & (_M.c.format == bindparam("named_0")), LINK_CANDIDATES, with_dates))
    elif named > 1:
        per_format = [
            select(*_part(_UNDATED & (_M.c.format == bindparam(f"named_{i}")), LINK_CANDIDATES, with_dates)
                   .subquery().c)
            for i in range(named)
        ]
        merged = union_all(*per_format).subquery()
        parts.append(select(*merged.c).order_by(merged.c.id.desc()).limit(LINK_CANDIDATES))
    wide = select(_M.c.id, _M.c.city, cast(_M.c.link_summary, Text))
    if not parts:
        return wide.where(false())
    # SQLite allows no ORDER BY / LIMIT inside a compound member: each is a subquery;
    # UNION ALL, because IN keeps each id once
    wrapped = [select(*p.subquery().c) for p in parts]
    found = (union_all(*wrapped) if len(wrapped) > 1 else wrapped[0]).subquery()
    ids = select(found.c.id)
    if with_dates:
        ids = ids.where(_date_keep(date_mode, found))  # type: ignore[arg-type]
    return wide.where(_M.c.id.in_(ids))
