"""The fixtures format (design notes §4, a contract: change only by adding), validated on load.

A fixtures document names regions, accounts with their access keys, and instances. Loading
one adds what it names and replaces what exists under the same id; everything else stays.
Every error names the file and the field: ``fixtures/x.yaml: instances[2].zone: …``.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, overload

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator
from sqlalchemy import delete, func, select

from mock_ecs.ecs import catalogue, ids
from mock_ecs.ecs.lifecycle import LockReason, Status
from mock_ecs.store import tables
from mock_ecs.store.session import StoreSession

DEFAULT_INSTANCE_TYPE = "ecs.g7.large"
DEFAULT_IMAGE_ID = "aliyun_3_x64_20G_alibase_20240819.vhd"

InstanceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]+$", max_length=64)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=128)]
ResourceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]+$", max_length=64)]
IPv4 = Annotated[str, StringConstraints(pattern=r"^(\d{1,3})(\.\d{1,3}){3}$")]


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
    # What DescribeInstances shows; absent: believable defaults, chosen once and stored.
    description: Annotated[str, StringConstraints(max_length=256)] = ""
    cpu: int | None = Field(None, ge=1, le=1024)  # absent: from the instance type
    memory: int | None = Field(None, ge=256)  # MiB; absent: from the instance type
    os_name: str | None = None  # absent: from the image id
    os_name_en: str | None = None
    os_type: Literal["linux", "windows"] | None = None
    instance_charge_type: Literal["PostPaid", "PrePaid"] = "PostPaid"
    expired_time: datetime | None = None  # PrePaid only; absent: a month after creation
    internet_charge_type: Literal["PayByTraffic", "PayByBandwidth"] = "PayByTraffic"
    internet_max_bandwidth_out: int = Field(0, ge=0, le=1024)  # above 0: a public IP address
    vpc_id: ResourceId | None = None  # absent: the account's default VPC in the region
    vswitch_id: ResourceId | None = None  # absent: the account's default vSwitch in the zone
    private_ip: IPv4 | None = None  # absent: a distinct address in 172.16.0.0/12
    public_ip: IPv4 | None = None
    security_group_ids: list[ResourceId] | None = None  # absent: the account's default group
    key_pair_name: str = ""
    resource_group_id: str = ""
    deletion_protection: bool = False
    tags: dict[Annotated[str, StringConstraints(min_length=1, max_length=128)], str] = Field(
        default_factory=dict
    )


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
        for table in (tables.INSTANCE_LOCKS, tables.INSTANCE_SECURITY_GROUPS, tables.INSTANCE_TAGS):
            store.connection.execute(delete(table).where(table.c.instance_id == instance_id))
        session.delete(existing)
        session.flush()
    row = instance_row(spec, instance_id, seq, zone, store.mock_now(), rng)
    session.add(tables.Instance(**row, version=version))
    session.flush()
    store.connection.execute(tables.INSTANCE_SECURITY_GROUPS.insert(), security_group_rows(spec, row))
    if spec.tags:
        store.connection.execute(tables.INSTANCE_TAGS.insert(), tag_rows(spec, instance_id))
    for lock in spec.locks:
        session.add(
            tables.InstanceLock(instance_id=instance_id, reason=lock.reason.value, message=lock.message)
        )
    session.flush()
    return instance_id


def instance_row(
    spec: InstanceSpec, instance_id: str, seq: int, zone: str, now: float, rng: random.Random
) -> dict[str, Any]:
    """The ``instances`` row of a spec: what it gives, and believable defaults for the rest.

    Also what the benchmark uses to bulk-insert instances.
    """
    cpu, memory = catalogue.instance_type_size(spec.instance_type)
    system = catalogue.operating_system(spec.image_id)
    created_at = now if spec.created_at is None else _epoch(spec.created_at)
    expired_at = None
    if spec.instance_charge_type == "PrePaid":
        expired_at = created_at + _PREPAID_TERM if spec.expired_time is None else _epoch(spec.expired_time)
    public_ip = spec.public_ip
    if public_ip is None and spec.internet_max_bandwidth_out > 0:
        public_ip = catalogue.public_ip(seq)
    return {
        "id": instance_id,
        "seq": seq,
        "account_id": spec.account,
        "region_id": spec.region,
        "zone_id": zone,
        "name": spec.name or instance_id,
        "hostname": spec.hostname or ids.host_name(instance_id),
        "instance_type": spec.instance_type,
        "image_id": spec.image_id,
        "created_at": created_at,
        "description": spec.description,
        "cpu": spec.cpu or cpu,
        "memory": spec.memory or memory,
        "os_name": spec.os_name or system.name,
        "os_name_en": spec.os_name_en or system.name_en,
        "os_type": spec.os_type or system.type,
        "instance_charge_type": spec.instance_charge_type,
        "internet_charge_type": spec.internet_charge_type,
        "internet_max_bandwidth_out": spec.internet_max_bandwidth_out,
        "vpc_id": spec.vpc_id or catalogue.vpc_id(spec.account, spec.region),
        "vswitch_id": spec.vswitch_id or catalogue.vswitch_id(spec.account, spec.region, zone),
        "private_ip": spec.private_ip or catalogue.private_ip(seq),
        "public_ip": public_ip,
        "network_interface_id": catalogue.network_interface_id(instance_id, spec.region),
        "mac_address": catalogue.mac_address(instance_id),
        "key_pair_name": spec.key_pair_name,
        "resource_group_id": spec.resource_group_id,
        "serial_number": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "deletion_protection": spec.deletion_protection,
        "expired_at": expired_at,
        "started_at": created_at if spec.status is Status.RUNNING else None,
        "status": spec.status.value,
        "stopping_seconds": spec.stopping_seconds,
        "starting_seconds": spec.starting_seconds,
    }


def security_group_rows(spec: InstanceSpec, row: Mapping[str, Any]) -> list[dict[str, Any]]:
    groups = spec.security_group_ids or [catalogue.security_group_id(spec.account, spec.region)]
    return [
        {"instance_id": row["id"], "security_group_id": group, "position": position}
        for position, group in enumerate(dict.fromkeys(groups))
    ]


def tag_rows(spec: InstanceSpec, instance_id: str) -> list[dict[str, Any]]:
    return [{"instance_id": instance_id, "key": key, "value": value} for key, value in spec.tags.items()]


_PREPAID_TERM = 30 * 24 * 3600  # a month: the shortest subscription the console offers


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
