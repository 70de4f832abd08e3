"""The database schema, as SQLModel tables. All state lives here and nowhere else.

Times are epoch seconds (floats): wall time for nonces and security tokens, mock time for
everything about instances. An instance's status is not a column one can read alone: it is
derived from ``status`` and the schedule columns with the mock clock (``mock_ecs.ecs.lifecycle``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

# Bump when a table changes: an older database is refused with a clear message rather
# than misread (mock_ecs.store.database).
SCHEMA_VERSION = "4"

_registry = registry()


class _Table(SQLModel, registry=_registry):
    """Base of mock-ecs's tables. They live in their own metadata, not SQLModel's global one,
    so an application's SQLModel tables never land in the mock's database (mock-ecs may run
    inside someone else's process, e.g. a test session)."""


METADATA = _registry.metadata


class Meta(_Table, table=True):
    __tablename__ = "meta"

    key: str = Field(primary_key=True)
    value: str


class Region(_Table, table=True):
    __tablename__ = "regions"

    id: str = Field(primary_key=True)
    position: int = Field(index=True)  # listing order: the order the fixtures give
    local_names: str = "{}"  # JSON {"zh-CN": …, "en-US": …, "ja": …}


class Zone(_Table, table=True):
    __tablename__ = "zones"

    id: str = Field(primary_key=True)
    region_id: str = Field(foreign_key="regions.id", index=True)
    position: int


class Account(_Table, table=True):
    __tablename__ = "accounts"

    id: str = Field(primary_key=True)
    balance: float = 0.0


class AccessKey(_Table, table=True):
    __tablename__ = "access_keys"

    id: str = Field(primary_key=True)
    secret: str
    account_id: str = Field(foreign_key="accounts.id", index=True)
    active: bool = True
    security_token: str | None = None
    token_expires_at: float | None = None
    allowed_actions: str | None = None  # JSON list; NULL allows every action


class Instance(_Table, table=True):
    __tablename__ = "instances"
    # DescribeInstances lists an owner's instances in one region in creation order, filtered
    # by at most a few attributes: each filter has an index that keeps that order.
    __table_args__ = (
        Index("ix_instances_owner", "account_id", "region_id", "seq"),
        *(
            Index(f"ix_instances_{column}", "account_id", "region_id", column, "seq")
            for column in (
                "zone_id",
                "name",
                "instance_type",
                "image_id",
                "vpc_id",
                "vswitch_id",
                "private_ip",
                "public_ip",
                "key_pair_name",
                "resource_group_id",
            )
        ),
    )

    id: str = Field(primary_key=True)
    seq: int = Field(unique=True, sa_type=BigInteger)  # creation order: stable listing order
    account_id: str = Field(foreign_key="accounts.id")
    region_id: str = Field(foreign_key="regions.id")
    zone_id: str = Field(foreign_key="zones.id")
    name: str
    hostname: str
    instance_type: str
    image_id: str
    created_at: float
    # Attributes DescribeInstances shows, chosen when the instance is created (store.fixtures).
    description: str = ""
    cpu: int = 2
    memory: int = 8192  # MiB
    os_name: str = ""
    os_name_en: str = ""
    os_type: str = "linux"
    instance_charge_type: str = "PostPaid"
    internet_charge_type: str = "PayByTraffic"
    internet_max_bandwidth_out: int = 0  # Mbit/s
    internet_max_bandwidth_in: int = 100
    vpc_id: str = ""
    vswitch_id: str = ""
    private_ip: str = ""
    public_ip: str | None = None
    network_interface_id: str = ""
    mac_address: str = ""
    key_pair_name: str = ""
    resource_group_id: str = ""
    serial_number: str = ""
    deletion_protection: bool = False
    io_optimized: bool = True
    expired_at: float | None = None  # PrePaid only; PostPaid instances never expire
    started_at: float | None = None  # when it last became Running, before any schedule
    # Lifecycle: the status before the schedule began (or the status, with no schedule),
    # then up to two timed phases and the status the operation settles to.
    status: str
    operation: str | None = None
    operation_started_at: float | None = None
    phase1_status: str | None = None
    phase1_ends_at: float | None = None
    phase2_status: str | None = None
    phase2_ends_at: float | None = None
    settles_to: str | None = None
    stopping_seconds: float | None = None
    starting_seconds: float | None = None
    stopped_mode: str | None = None  # StopInstances' StoppedMode, while Stopped
    version: int = 0  # bumped by every change: the check-and-set guard


class InstanceCount(_Table, table=True):
    """How many instances an account has in a region: DescribeInstances' TotalCount without a
    filter, which counting the rows would make grow with the instances stored. Kept by the
    database itself, in triggers on ``instances`` (mock_ecs.store.triggers)."""

    __tablename__ = "instance_counts"

    account_id: str = Field(primary_key=True)
    region_id: str = Field(primary_key=True)
    count: int = 0
    # Bumped whenever one of these instances is added or removed: page anchors of an older
    # generation no longer point at the right positions.
    generation: int = 0


class PageAnchor(_Table, table=True):
    """Every ``ANCHOR_EVERY``-th instance of an account's listing in a region, by position, for
    one generation of its instances: a page by number walks from the anchor before it, not
    from the first instance (mock_ecs.store.page_anchors)."""

    __tablename__ = "page_anchors"

    account_id: str = Field(primary_key=True)
    region_id: str = Field(primary_key=True)
    position: int = Field(primary_key=True, sa_type=BigInteger)  # 0-based, in creation order
    seq: int = Field(sa_type=BigInteger)
    generation: int


class InstanceLock(_Table, table=True):
    __tablename__ = "instance_locks"

    instance_id: str = Field(foreign_key="instances.id", primary_key=True, ondelete="CASCADE")
    reason: str = Field(primary_key=True)
    message: str = ""


class InstanceSecurityGroup(_Table, table=True):
    __tablename__ = "instance_security_groups"

    instance_id: str = Field(foreign_key="instances.id", primary_key=True, ondelete="CASCADE")
    security_group_id: str = Field(primary_key=True, index=True)
    position: int = 0  # the order the instance lists its groups in


class InstanceTag(_Table, table=True):
    __tablename__ = "instance_tags"
    __table_args__ = (Index("ix_instance_tags_key_value", "key", "value"),)

    instance_id: str = Field(foreign_key="instances.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True)
    value: str = ""


class Nonce(_Table, table=True):
    __tablename__ = "nonces"

    access_key_id: str = Field(primary_key=True)
    nonce: str = Field(primary_key=True)
    seen_at: float = Field(index=True)


class ClockRow(_Table, table=True):
    __tablename__ = "clock"

    id: int = Field(default=1, primary_key=True)
    frozen_at: float | None = None
    offset: float = 0.0


class FaultRow(_Table, table=True):
    """A fault rule of the control plane (``mock_ecs.protocol.faults``); ``matched`` and
    ``fired`` count in the requests' own transactions, so every worker sees one count."""

    __tablename__ = "faults"
    # Never reuse the id of a removed rule (SQLite would): a stale DELETE /_mock/faults/{id}
    # must not remove a newer rule, nor a rule removed mid-request pass for another.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(index=True)
    instance_id: str | None = None
    access_key_id: str | None = None
    code: str | None = None  # None: a delay alone, then the normal answer
    http_status: int | None = None
    message: str | None = None
    retry_after_ms: int | None = None
    times: int | None = None
    probability: float | None = None
    seed: int
    delay_ms: int = 0
    matched: int = 0
    fired: int = 0


class RequestLogRow(_Table, table=True):
    __tablename__ = "request_log"

    seq: int | None = Field(default=None, primary_key=True)  # arrival order
    request_id: str
    time: float  # wall time
    action: str | None = None
    access_key_id: str | None = None
    params: str = "{}"  # JSON, secrets redacted
    headers: str = "{}"  # JSON: authorization and x-acs-* headers, secrets redacted
    code: str
    http_status: int
    duration_ms: float


class RateWindow(_Table, table=True):
    """Requests counted per access key in the current fixed window of the rate limit."""

    __tablename__ = "rate_windows"

    access_key_id: str = Field(primary_key=True)
    # Which window: floor(wall time / window length); 64 bits, as epoch seconds outgrow 32 in 2038.
    slot: int = Field(primary_key=True, sa_type=BigInteger)
    requests: int = 0


# The same tables for SQLAlchemy Core, typed (the hot path and bulk statements use these).
META = METADATA.tables["meta"]
REGIONS = METADATA.tables["regions"]
ZONES = METADATA.tables["zones"]
ACCOUNTS = METADATA.tables["accounts"]
ACCESS_KEYS = METADATA.tables["access_keys"]
INSTANCES = METADATA.tables["instances"]
INSTANCE_COUNTS = METADATA.tables["instance_counts"]
INSTANCE_LOCKS = METADATA.tables["instance_locks"]
PAGE_ANCHORS = METADATA.tables["page_anchors"]
INSTANCE_SECURITY_GROUPS = METADATA.tables["instance_security_groups"]
INSTANCE_TAGS = METADATA.tables["instance_tags"]
NONCES = METADATA.tables["nonces"]
CLOCK = METADATA.tables["clock"]
FAULTS = METADATA.tables["faults"]
REQUEST_LOG = METADATA.tables["request_log"]
RATE_WINDOWS = METADATA.tables["rate_windows"]
