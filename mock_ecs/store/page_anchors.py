"""Page anchors: where a page by number of an unfiltered listing starts walking.

A page by number must skip every instance before it, and an index skips them one entry at a
time: the middle of 100,000 instances is some 50,000 steps away. So every ``ANCHOR_EVERY``-th
instance of an account's listing in a region is written down with its position, and a page
walks from the anchor before it: fewer than ``ANCHOR_EVERY`` steps, however deep the page.

Anchors hold for one generation of the account's instances in the region (the triggers bump
it whenever an instance comes or goes) and are built again, in one statement, by the first
page that finds them stale. Only SQLite uses them: its transaction holds the write lock, so
the generation read and the rows walked belong to the same moment.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Connection, Integer, bindparam, delete, func, insert, literal, select

from mock_ecs.store import tables
from mock_ecs.store.prepared import Prepared

ANCHOR_EVERY = 1000

_anchors = tables.PAGE_ANCHORS
_instances = tables.INSTANCES
_OWNER: dict[str, Any] = {"account": bindparam("account"), "region": bindparam("region")}

_ANCHOR = Prepared(
    select(_anchors.c.seq).where(
        _anchors.c.account_id == _OWNER["account"],
        _anchors.c.region_id == _OWNER["region"],
        _anchors.c.position == bindparam("position", type_=BigInteger),
        _anchors.c.generation == bindparam("generation", type_=Integer),
    )
)
_FORGET = Prepared(
    delete(_anchors).where(
        _anchors.c.account_id == _OWNER["account"], _anchors.c.region_id == _OWNER["region"]
    )
)


def _numbered() -> Any:
    ranked = (
        select(_instances.c.seq, (func.row_number().over(order_by=_instances.c.seq) - 1).label("position"))
        .where(_instances.c.account_id == _OWNER["account"], _instances.c.region_id == _OWNER["region"])
        .subquery()
    )
    every = bindparam("every", type_=Integer)
    return insert(_anchors).from_select(
        ["account_id", "region_id", "position", "seq", "generation"],
        select(
            _OWNER["account"], _OWNER["region"], ranked.c.position, ranked.c.seq,
            bindparam("generation", type_=Integer),
        ).where(ranked.c.position % every == literal(0)),
    )  # fmt: skip


_BUILD = Prepared(_numbered())


def anchor_before(
    connection: Connection, account_id: str, region_id: str, generation: int, position: int
) -> tuple[int, int] | None:
    """The anchor at or before ``position``: its position and creation number (None: start
    from the first instance)."""
    at = position - position % ANCHOR_EVERY
    if at == 0:
        return None
    values = {"account": account_id, "region": region_id, "generation": generation, "position": at}
    seq = _ANCHOR.scalar(connection, values)
    if seq is None:
        _FORGET.execute(connection, values)
        _BUILD.execute(connection, {**values, "every": ANCHOR_EVERY})
        seq = _ANCHOR.scalar(connection, values)
    return None if seq is None else (at, int(seq))
