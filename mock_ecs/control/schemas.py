"""The JSON shapes of the control plane (design notes §3, a contract: change only by adding)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mock_ecs.ecs.lifecycle import Status
from mock_ecs.store.fixtures import LockSpec


class ControlError(BaseModel):
    error: str
    message: str
    detail: list[dict[str, Any]] | None = None


class Health(BaseModel):
    status: str
    version: str
    database: str
    api_version: str
    actions: list[str]


class AccessKeyView(BaseModel):
    id: str
    secret: str
    account: str


class ResetResult(BaseModel):
    status: str
    instances: int


class FixturesResult(BaseModel):
    instances: list[str]


class Phase(BaseModel):
    operation: str
    status: Status
    started_at: str
    ends_at: str  # when the phase under way ends
    settles_to: Status
    settles_at: str  # when the whole operation is over


class InstanceView(BaseModel):
    id: str
    name: str
    account: str
    region: str
    zone: str
    instance_type: str
    image_id: str
    hostname: str
    status: Status  # as the mock clock sees it now
    phase: Phase | None
    locks: list[LockSpec]
    stopping_seconds: float | None
    starting_seconds: float | None
    created_at: str
    # The attributes DescribeInstances shows (added with it).
    description: str = ""
    cpu: int = 0
    memory: int = 0  # MiB
    os_name: str = ""
    os_type: str = ""
    instance_charge_type: str = ""
    expired_time: str | None = None  # PrePaid only
    internet_charge_type: str = ""
    internet_max_bandwidth_out: int = 0
    vpc_id: str = ""
    vswitch_id: str = ""
    private_ip: str = ""
    public_ip: str | None = None
    security_group_ids: list[str] = Field(default_factory=list)
    key_pair_name: str = ""
    resource_group_id: str = ""
    deletion_protection: bool = False
    tags: dict[str, str] = Field(default_factory=dict)


class InstanceList(BaseModel):
    instances: list[InstanceView]


class InstancePatch(BaseModel):
    """Set a status (ending any operation under way), the locks, or phase durations."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    locks: list[LockSpec] | None = None
    stopping_seconds: float | None = Field(None, ge=0, allow_inf_nan=False)
    starting_seconds: float | None = Field(None, ge=0, allow_inf_nan=False)
    description: str | None = Field(None, max_length=256)
    tags: dict[str, str] | None = None  # replaces every tag


class AccountView(BaseModel):
    id: str
    balance: float


class AccountPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    balance: float = Field(allow_inf_nan=False)


class ClockView(BaseModel):
    now: str
    epoch: float
    frozen: bool


class ClockCommand(BaseModel):
    """Applied in this order: ``freeze``, then ``set``, then ``advance_seconds``."""

    model_config = ConfigDict(extra="forbid")

    freeze: bool | None = None
    set: str | None = Field(None, description="An ISO 8601 time, e.g. 2026-01-01T00:00:00Z")
    advance_seconds: float | None = Field(
        None, allow_inf_nan=False, description="May be fractional, and negative"
    )


# -- faults, the request log (design notes §3) ------------------------------------------

_INT32 = 2**31 - 1  # the columns are 32-bit integers on PostgreSQL


class FaultSpec(BaseModel):
    """A fault rule. ``code`` null makes a delay rule: wait ``delay_ms``, then answer as usual."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(min_length=1, description="An implemented action, e.g. RebootInstances")
    instance_id: str | None = Field(
        None, description="Match only requests naming this instance (InstanceId, InstanceId.N, InstanceIds)"
    )
    access_key_id: str | None = Field(None, description="Match only requests signed by this access key")
    code: str | None = Field(None, min_length=1, description="The error Code to answer, e.g. Throttling.User")
    http_status: int | None = Field(
        None, ge=400, le=599, description="Default: the catalogue's status for a known code, else 400"
    )
    message: str | None = Field(
        None, description="Default: the catalogue's message for a known code; required for another code"
    )
    retry_after_ms: int | None = Field(
        None,
        ge=0,
        le=_INT32,
        description="x-acs-retry-after on the answer (Tea SDKs raise ThrottlingException on it). "
        "Default: 1000 for codes starting with Throttling, else none; 0: none",
    )
    times: int | None = Field(None, ge=1, le=_INT32, description="Fire on the first N matches only")
    probability: float | None = Field(
        None, ge=0, le=1, allow_inf_nan=False, description="Fire on each match with this probability"
    )
    seed: int | None = Field(
        None, ge=0, le=_INT32, description="Seeds the probability draws; default: drawn and shown"
    )
    delay_ms: int = Field(0, ge=0, le=60_000, description="Wait this long before answering when firing")


class FaultView(BaseModel):
    id: str
    action: str
    instance_id: str | None
    access_key_id: str | None
    code: str | None
    http_status: int | None
    message: str | None
    retry_after_ms: int | None
    times: int | None
    probability: float | None
    seed: int
    delay_ms: int
    matched: int  # requests the rule matched (a rule after a firing one does not see the request)
    fired: int


class FaultList(BaseModel):
    faults: list[FaultView]


class Deleted(BaseModel):
    deleted: int


class LoggedRequestView(BaseModel):
    request_id: str
    time: str  # ISO 8601, UTC wall time
    action: str | None
    access_key_id: str | None
    params: dict[str, str]  # secrets as "***"
    headers: dict[str, str]  # authorization and x-acs-* headers, secrets as "***"
    code: str  # "200" or the error Code
    http_status: int
    duration_ms: float


class RequestList(BaseModel):
    requests: list[LoggedRequestView]
