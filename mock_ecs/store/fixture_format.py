"""The fixtures format (design notes §4, a contract: change only by adding), validated on load.

A fixtures document names regions, accounts with their access keys, and instances. Every
error names the file and the field: ``fixtures/x.yaml: instances[2].zone: …``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, overload

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from mock_ecs.ecs.lifecycle import LockReason, Status

# libyaml's loader where PyYAML was built with it: the default fixtures load in a tenth of
# the time, which a server's start-up feels.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DEFAULT_INSTANCE_TYPE = "ecs.g7.large"
DEFAULT_IMAGE_ID = "aliyun_3_x64_20G_alibase_20240819.vhd"
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
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except OSError as error:
        raise FixtureError(f"{path}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise FixtureError(f"{path}: not valid YAML: {error}") from None
    return parse_document(data, str(path))


def check_unique(document: FixtureDocument, source: str) -> None:
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
def epoch_seconds(moment: datetime) -> float: ...
@overload
def epoch_seconds(moment: None) -> None: ...
def epoch_seconds(moment: datetime | None) -> float | None:
    """Epoch seconds; a time without a zone is UTC."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _field_path(location: tuple[int | str, ...]) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"
