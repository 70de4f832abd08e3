"""Statements built once, compiled once per dialect, and run straight on the driver.

Executing a Core statement makes SQLAlchemy build it, derive its cache key, look up its
compiled form and wrap the cursor in a result: about 100 µs a statement, paid a dozen
times by every API request (design notes §2, "a lean hot path"). The hot path's statements
have a fixed shape, so each is written once as Core (from the same tables, dialect-neutral),
compiled once per dialect, and run on the DB-API cursor of the request's connection, inside
the request's transaction. Statements whose shape depends on the request (a
filter given or not, N instance ids) are built per shape and kept (:func:`by_shape`).

Values are bound by name (:func:`sqlalchemy.bindparam`), never rendered into the SQL.
Rows of a SELECT come back as named tuples of the driver's values: a SQLite boolean is 0 or 1.
"""

from __future__ import annotations

import functools
import importlib
from collections import namedtuple
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import Select

_NO_PARAMS: Mapping[str, Any] = {}
_SHAPES_KEPT = 512  # distinct statement shapes kept per builder


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...] | None  # positional drivers (SQLite): the bind names in order
    constants: Mapping[str, Any]  # the values written into the statement (``id == 1``)

    def parameters(self, values: Mapping[str, Any]) -> Any:
        if self.constants:
            values = {**self.constants, **values}
        if self.names is None:
            return values
        return tuple(values[name] for name in self.names)


class Prepared:
    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        self._row: Any = None
        if isinstance(statement, Select):
            keys = [str(column.key) for column in statement.selected_columns]
            self._row = namedtuple("Row", keys, rename=True)  # type: ignore[misc]

    def execute(self, connection: Connection, values: Mapping[str, Any] = _NO_PARAMS) -> Any:
        """Run it in ``connection``'s transaction; the DB-API cursor holds the result."""
        compiled = self._compiled.get(connection.dialect.name) or self._compile(connection.dialect)
        cursor = connection.connection.cursor()
        cursor.execute(compiled.sql, compiled.parameters(values))
        return cursor

    def all(self, connection: Connection, values: Mapping[str, Any] = _NO_PARAMS) -> list[Any]:
        make = self._row._make
        return [make(row) for row in self.execute(connection, values).fetchall()]

    def first(self, connection: Connection, values: Mapping[str, Any] = _NO_PARAMS) -> Any:
        row = self.execute(connection, values).fetchone()
        return None if row is None else self._row._make(row)

    def scalar(self, connection: Connection, values: Mapping[str, Any] = _NO_PARAMS) -> Any:
        row = self.execute(connection, values).fetchone()
        return None if row is None else row[0]

    def rowcount(self, connection: Connection, values: Mapping[str, Any] = _NO_PARAMS) -> int:
        count: int = self.execute(connection, values).rowcount
        return count

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = cast(SQLCompiler, self.statement.compile(dialect=dialect))
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a prepared statement binds every value by name: no expanding IN, no literals")
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        constants = {
            name: bind.effective_value for bind, name in compiled.bind_names.items() if not bind.required
        }
        result = _Compiled(compiled.string, names, constants)
        self._compiled[dialect.name] = result
        return result


def listed(name: str, count: int) -> list[Any]:
    """``count`` values bound as ``name_0`` … (an ``IN`` list of a shape with that many)."""
    return [bindparam(f"{name}_{n}") for n in range(count)]


def listed_values(name: str, items: Iterable[Any]) -> dict[str, Any]:
    """The values of :func:`listed`."""
    return {f"{name}_{n}": item for n, item in enumerate(items)}


Shape = TypeVar("Shape", bound=Hashable)


def by_shape(build: Callable[[Shape], ClauseElement]) -> Callable[[Shape], Prepared]:
    """``build(shape)`` as a :class:`Prepared`, built once per shape."""

    @functools.lru_cache(maxsize=_SHAPES_KEPT)
    def prepared(shape: Shape) -> Prepared:
        return Prepared(build(shape))

    return prepared


_UPSERT_DIALECTS = ("sqlite", "postgresql")


def upsert_insert(dialect: str, table: Any) -> Any | None:
    """An INSERT of ``dialect`` that takes ON CONFLICT clauses; None where there is none.

    The dialect's module is imported here, when first needed: a SQLite server never loads
    PostgreSQL's, which would add a tenth to its start-up.
    """
    if dialect not in _UPSERT_DIALECTS:
        return None
    return importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert(table)
