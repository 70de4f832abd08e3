"""What the gateway records per request, beside the product's state: fault rules and their
counts, flow-control windows, the request log. Part of one :class:`StoreSession`."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Integer, bindparam, delete, select, update

from mock_ecs.protocol.faults import Fault
from mock_ecs.protocol.request_log import LoggedRequest
from mock_ecs.store import tables
from mock_ecs.store.prepared import Prepared, upsert_insert

_faults = tables.FAULTS
_request_log = tables.REQUEST_LOG
_rate_windows = tables.RATE_WINDOWS
# The request log is pruned on one insert in this many; readers see exactly the newest rows.
_LOG_PRUNE_EVERY = 64
_LOGGED = (
    "request_id",
    "time",
    "action",
    "access_key_id",
    "params",
    "headers",
    "code",
    "http_status",
    "duration_ms",
)

# Every API request reads the fault rules of its action and writes its log row (prepared.py).
_FAULTS_OF_ACTION = Prepared(
    select(_faults).where(_faults.c.action == bindparam("action")).order_by(_faults.c.id)
)
_NEWEST_LOGGED = Prepared(
    select(_request_log.c.seq)
    .order_by(_request_log.c.seq.desc())
    .offset(bindparam("skip", type_=Integer))
    .limit(1)
)
_PRUNE_LOG = Prepared(delete(_request_log).where(_request_log.c.seq < bindparam("oldest")))
_LOG_REQUEST = Prepared(
    _request_log.insert().values({name: bindparam(name) for name in _LOGGED}).returning(_request_log.c.seq)
)


class TrafficRecords:
    connection: Connection

    def faults_for(self, action: str) -> list[Fault]:
        return [fault_of(row) for row in _FAULTS_OF_ACTION.all(self.connection, {"action": action})]

    def count_fault_match(self, fault_id: int) -> tuple[int, int] | None:
        # One UPDATE … RETURNING: it locks the row (PostgreSQL) until the transaction ends,
        # so the firing decided on these counts cannot interleave with another worker's.
        # No row: another worker removed the rule since this request read it (READ COMMITTED).
        row = self.connection.execute(
            update(_faults)
            .where(_faults.c.id == fault_id)
            .values(matched=_faults.c.matched + 1)
            .returning(_faults.c.matched, _faults.c.fired)
        ).first()
        return None if row is None else (int(row.matched), int(row.fired))

    def count_fault_fired(self, fault_id: int) -> None:
        self.connection.execute(
            update(_faults).where(_faults.c.id == fault_id).values(fired=_faults.c.fired + 1)
        )

    def count_request(self, access_key_id: str, window: int) -> int:
        table = _rate_windows
        values = {"access_key_id": access_key_id, "slot": window, "requests": 1}
        dialect = self.connection.dialect.name
        insert = upsert_insert(dialect, table)
        if insert is not None:
            statement: Any = (
                insert.values(values)
                .on_conflict_do_update(
                    index_elements=[table.c.access_key_id, table.c.slot],
                    set_={"requests": table.c.requests + 1},
                )
                .returning(table.c.requests)
            )
            count = int(self.connection.execute(statement).scalar_one())
        else:  # a database without upsert: count, then write
            key = (table.c.access_key_id == access_key_id) & (table.c.slot == window)
            current = self.connection.execute(select(table.c.requests).where(key)).scalar()
            count = (current or 0) + 1
            if current is None:
                self.connection.execute(table.insert().values(values))
            else:
                self.connection.execute(update(table).where(key).values(requests=count))
        if count == 1:  # a new window: the key's older ones are over
            self.connection.execute(
                delete(table).where(table.c.access_key_id == access_key_id, table.c.slot < window)
            )
        return count

    def log_request(self, entry: LoggedRequest, keep: int) -> None:
        values = {
            "request_id": entry.request_id,
            "time": entry.time,
            "action": entry.action,
            "access_key_id": entry.access_key_id,
            "params": json.dumps(entry.params, ensure_ascii=False),
            "headers": json.dumps(entry.headers, ensure_ascii=False),
            "code": entry.code,
            "http_status": entry.http_status,
            "duration_ms": entry.duration_ms,
        }
        seq = int(_LOG_REQUEST.scalar(self.connection, values))
        if seq % _LOG_PRUNE_EVERY == 0:
            oldest = self._oldest_logged(keep)
            if oldest is not None:
                _PRUNE_LOG.execute(self.connection, {"oldest": oldest})

    def logged_requests(self, *, keep: int, limit: int, action: str | None = None) -> list[LoggedRequest]:
        """The newest ``limit`` calls of the last ``keep`` (of ``action``), oldest first."""
        if keep <= 0:
            return []
        oldest = self._oldest_logged(keep)
        conditions = [] if oldest is None else [_request_log.c.seq >= oldest]
        if action is not None:
            conditions.append(_request_log.c.action == action)
        rows = self.connection.execute(
            select(_request_log).where(*conditions).order_by(_request_log.c.seq.desc()).limit(limit)
        ).all()
        return [
            LoggedRequest(
                request_id=row.request_id,
                time=row.time,
                action=row.action,
                access_key_id=row.access_key_id,
                params=json.loads(row.params),
                headers=json.loads(row.headers),
                code=row.code,
                http_status=row.http_status,
                duration_ms=row.duration_ms,
            )
            for row in reversed(rows)
        ]

    def _oldest_logged(self, keep: int) -> int | None:
        """The seq of the ``keep``-th newest call; None while fewer are logged. Counted in rows,
        not seq numbers: PostgreSQL's sequences skip the numbers of rolled-back inserts."""
        oldest = _NEWEST_LOGGED.scalar(self.connection, {"skip": keep - 1})
        return None if oldest is None else int(oldest)


def fault_of(row: Any) -> Fault:
    return Fault(
        id=row.id,
        action=row.action,
        code=row.code,
        http_status=row.http_status,
        message=row.message,
        seed=row.seed,
        instance_id=row.instance_id,
        access_key_id=row.access_key_id,
        retry_after_ms=row.retry_after_ms,
        times=row.times,
        probability=row.probability,
        delay_ms=row.delay_ms,
    )
