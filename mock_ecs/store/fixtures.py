"""The fixtures format (design notes §4, a contract: change only by adding), validated on load.

A fixtures document names regions, accounts with their access keys, and instances. Loading
one adds what it names and replaces what exists under the same id; everything else stays.
Every error names the file and the field: ``fixtures/x.yaml: instances[2].zone: …``.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, overload

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from sqlalchemy import delete, func, select

from mock_ecs.ecs import ids
from mock_ecs.ecs.lifecycle import LockReason, Status
from mock_ecs.store import tables
from mock_ecs.store.session import StoreSession

DEFAULT_INSTANCE_TYPE = "ecs.g7.large"
DEFAULT_IMAGE_ID = "aliyun_3_x64_20G_alibase_20240819.vhd"

InstanceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]+$", max_length=64)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class FixtureError(Exception):
    """A fixtures document that cannot be loaded; the message names file and field."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LockSpec(_Spec):
    reason: LockReason
    message: str = ""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        """``locks: [security]`` is short for ``locks: [{reason: security}]``."""
        return {"reason": data} if isinstance(data, str) else data


class RegionSpec(_Spec):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]
    zones: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+$")]] = Field(min_length=1)
    local_names: dict[str, str] = Field(default_factory=dict)  # by language: zh-CN, en-US, ja


class AccessKeySpec(_Spec):
    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.]+$", max_length=128)]
    secret: Annotated[str, StringConstraints(min_length=1)]
    active: bool = True
    security_token: Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]+$")] | None = None
    token_expires: datetime | None = None
    actions: list[str] | None = None  # RAM: the actions allowed; absent allows all


class AccountSpec(_Spec):
    id: Name
    balance: float = Field(0.0, allow_inf_nan=False)
    access_keys: list[AccessKeySpec] = Field(default_factory=list)


class InstanceSpec(_Spec):
    id: InstanceId | None = None  # absent: a realistic id in the region's style
    account: Name
    region: str
    zone: str | None = None  # absent: the region's first zone
    name: Name | None = None
    hostname: Name | None = None
    status: Status = Status.RUNNING
    locks: list[LockSpec] = Field(default_factory=list)
    instance_type: Name = DEFAULT_INSTANCE_TYPE
    image_id: Name = DEFAULT_IMAGE_ID
    created_at: datetime | None = None  # absent: the mock clock's now
    # Finite: a phase that never ends has no time to show (use a very long one instead).
    stopping_seconds: float | None = Field(None, ge=0, allow_inf_nan=False)
    starting_seconds: float | None = Field(None, ge=0, allow_inf_nan=False)


class FixtureDocument(_Spec):
    regions: list[RegionSpec] = Field(default_factory=list)
    accounts: list[AccountSpec] = Field(default_factory=list)
    instances: list[InstanceSpec] = Field(default_factory=list)


def parse_document(data: Any, source: str) -> FixtureDocument:
    if data is None:
        data = {}
    try:
        return FixtureDocument.model_validate(data)
    except ValidationError as error:
        raise FixtureError(
            "\n".join(f"{source}: {_field_path(e['loc'])}: {e['msg']}" for e in error.errors())
        ) from None


def read_file(path: Path) -> FixtureDocument:
    """Read a YAML (or JSON, a subset of YAML) fixtures file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise FixtureError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise FixtureError(f"{path}: not valid YAML: {error}") from None
    return parse_document(data, str(path))


def apply_document(
    store: StoreSession, document: FixtureDocument, source: str, rng: random.Random
) -> list[str]:
    """Add or replace what the document names, in one transaction; returns the instance ids."""
    session = store.orm
    _check_unique(document, source)
    regions = tables.REGIONS
    next_position = (store.connection.execute(select(func.max(regions.c.position))).scalar() or 0) + 1
    for region in document.regions:
        existing = session.get(tables.Region, region.id)
        position = existing.position if existing else next_position
        if existing is None:
            next_position += 1
        session.merge(
            tables.Region(id=region.id, position=position, local_names=json.dumps(region.local_names))
        )
        for index, zone in enumerate(region.zones):
            session.merge(tables.Zone(id=zone, region_id=region.id, position=index))
    for account in document.accounts:
        session.merge(tables.Account(id=account.id, balance=account.balance))
        for key in account.access_keys:
            session.merge(
                tables.AccessKey(
                    id=key.id,
                    secret=key.secret,
                    account_id=account.id,
                    active=key.active,
                    security_token=key.security_token,
                    token_expires_at=_epoch(key.token_expires),
                    allowed_actions=None if key.actions is None else json.dumps(key.actions),
                )
            )
    session.flush()
    created = []
    for index, instance in enumerate(document.instances):
        created.append(add_instance(store, instance, f"{source}: instances[{index}]", rng))
    return created


def add_instance(store: StoreSession, spec: InstanceSpec, where: str, rng: random.Random) -> str:
    """Create or replace one instance; ``where`` prefixes the errors (file and field)."""
    session = store.orm
    if session.get(tables.Account, spec.account) is None:
        raise FixtureError(f"{where}.account: no account {spec.account!r}")
    if session.get(tables.Region, spec.region) is None:
        raise FixtureError(f"{where}.region: no region {spec.region!r}")
    zone_table, instance_table = tables.ZONES, tables.INSTANCES
    zones = (
        store.connection.execute(
            select(zone_table.c.id)
            .where(zone_table.c.region_id == spec.region)
            .order_by(zone_table.c.position)
        )
        .scalars()
        .all()
    )
    zone = spec.zone or zones[0]
    if zone not in zones:
        raise FixtureError(f"{where}.zone: {zone!r} is not a zone of {spec.region}")
    instance_id = spec.id or ids.instance_id(spec.region, rng)
    existing = session.get(tables.Instance, instance_id)
    if existing is None:
        seq = (store.connection.execute(select(func.max(instance_table.c.seq))).scalar() or 0) + 1
        version = 0
    else:
        seq, version = existing.seq, existing.version + 1
        locks = tables.INSTANCE_LOCKS
        store.connection.execute(delete(locks).where(locks.c.instance_id == instance_id))
        session.delete(existing)
        session.flush()
    session.add(
        tables.Instance(
            id=instance_id,
            seq=seq,
            account_id=spec.account,
            region_id=spec.region,
            zone_id=zone,
            name=spec.name or instance_id,
            hostname=spec.hostname or ids.host_name(instance_id),
            instance_type=spec.instance_type,
            image_id=spec.image_id,
            created_at=store.mock_now() if spec.created_at is None else _epoch(spec.created_at),
            status=spec.status.value,
            stopping_seconds=spec.stopping_seconds,
            starting_seconds=spec.starting_seconds,
            version=version,
        )
    )
    for lock in spec.locks:
        session.add(
            tables.InstanceLock(instance_id=instance_id, reason=lock.reason.value, message=lock.message)
        )
    session.flush()
    return instance_id


def _check_unique(document: FixtureDocument, source: str) -> None:
    for kind, entries in (
        ("regions", [r.id for r in document.regions]),
        ("accounts", [a.id for a in document.accounts]),
        ("instances", [i.id for i in document.instances if i.id]),
        ("access_keys", [k.id for a in document.accounts for k in a.access_keys]),
    ):
        seen: set[str] = set()
        for entry in entries:
            if entry in seen:
                raise FixtureError(f"{source}: {kind}: {entry!r} appears twice")
            seen.add(entry)


@overload
def _epoch(moment: datetime) -> float: ...
@overload
def _epoch(moment: None) -> None: ...
def _epoch(moment: datetime | None) -> float | None:
    """Epoch seconds; a time without a zone is UTC."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _field_path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"
