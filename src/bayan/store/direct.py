"""The writer's hot statements run straight on the SQLite DBAPI cursor.

Per article the writer runs about 14 statements with about 40 rows. Through
SQLAlchemy's ``Connection.execute`` each one costs 14–40 µs of Python before SQLite
sees it (execution context, parameter processing, result wrapping): a fifth of the
writer's time at 40,000 articles (py-spy). Here a Core statement is compiled once per
dialect and parameter set, with SQLAlchemy's own compiler, bind processors (JSON,
dates, booleans) and Python-side column defaults, then executed with ``sqlite3``'s
``execute``/``executemany``. The rows written are the ones SQLAlchemy would write
(``tests/store/test_direct.py`` compares every table), and the reads see the values
SQLAlchemy would send, literals of the statement (``LIMIT 60``) included. Other
backends, and statements with expanding parameters, keep going through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # parameter names in placeholder order
    processors: tuple[Callable[[Any], Any] | None, ...]
    defaults: tuple[tuple[str, Callable[[], Any]], ...]  # (name, its value) of prefetched Python defaults


class DirectStatements:
    """Compiles Core statements once and runs them on the raw ``sqlite3`` cursor."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, tuple[str, ...]], _Compiled] = {}

    def _compiled(self, conn: Connection, stmt: ClauseElement, keys: tuple[str, ...]) -> _Compiled:
        key = (id(stmt), keys)
        got = self._cache.get(key)
        if got is not None:
            return got
        dialect = conn.dialect
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        names = tuple(compiled.positiontup or ())
        processors = []
        constants = []
        for name in names:
            bind = compiled.binds.get(name)
            processors.append(bind.type.dialect_impl(dialect).bind_processor(dialect) if bind is not None else None)
            if bind is not None and name not in keys and bind.value is not None and not callable(bind.value):
                constants.append((name, bind.value))  # a literal of the statement (LIMIT 60)
        defaults = []
        for col in getattr(compiled, "insert_prefetch", ()) or ():
            default = col.default
            if default is None or not (default.is_scalar or default.is_callable):
                raise ValueError(f"no direct execution for the default of {col}")
            arg = default.arg  # a callable default takes SQLAlchemy's execution context, unused by ours
            defaults.append((col.key, (lambda f=arg: f(None)) if default.is_callable else (lambda v=arg: v)))
        if getattr(compiled, "update_prefetch", None):
            raise ValueError("no direct execution for UPDATE defaults")
        defaults += [(name, (lambda v=value: v)) for name, value in constants]
        got = _Compiled(compiled.string, names, tuple(processors), tuple(defaults))
        self._cache[key] = got
        return got

    def _row(self, c: _Compiled, params: dict[str, Any]) -> tuple[Any, ...]:
        if c.defaults:
            params = dict(params)
            for name, value in c.defaults:
                if name not in params:
                    params[name] = value()
        return tuple(
            p(params[n]) if p is not None else params[n] for n, p in zip(c.names, c.processors, strict=True)
        )

    def execute(self, conn: Connection, stmt: ClauseElement, params: dict[str, Any] | Sequence[dict[str, Any]]) -> Any:
        """Run ``stmt`` with one parameter dict (returns the cursor) or many (executemany)."""
        many = not isinstance(params, dict)
        first = params[0] if many else params
        c = self._compiled(conn, stmt, tuple(first))
        cursor = conn.connection.driver_connection.cursor()
        if many:
            cursor.executemany(c.sql, [self._row(c, p) for p in params])
        else:
            cursor.execute(c.sql, self._row(c, first))
        return cursor
