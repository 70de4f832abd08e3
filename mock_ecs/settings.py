"""All configuration, in one typed object read at start-up (never at import).

Every field comes from a ``MOCK_ECS_<FIELD>`` environment variable or the matching
``mock-ecs serve --<field>`` flag; flags win over the environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_fixtures_path() -> Path:
    """``fixtures/default.yaml``: inside the installed package (the wheel carries a copy), or
    at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent / "fixtures" / "default.yaml"
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parents[1] / "fixtures" / "default.yaml"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mock-ecs"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MOCK_ECS_", extra="ignore", frozen=True)

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(8080, ge=0, le=65535, description="Port to listen on (0: any free port).")
    data_dir: Path = Field(default_factory=default_data_dir, description="Where the default database lives.")
    db: str | None = Field(
        None,
        description="A SQLite file path, ':memory:', or any SQLAlchemy URL. "
        "Default: mock-ecs.sqlite3 in the data directory.",
    )
    fixtures: Path = Field(
        default_factory=default_fixtures_path,
        description="Fixtures loaded into a new database and on POST /_mock/reset.",
    )
    reset: bool = Field(False, description="Start from the fixtures, dropping the stored state.")
    stopping_seconds: float = Field(
        5.0, ge=0, allow_inf_nan=False, description="How long an instance stays Stopping."
    )
    starting_seconds: float = Field(
        5.0, ge=0, allow_inf_nan=False, description="How long an instance stays Starting."
    )
    force_stopping_seconds: float = Field(
        1.0,
        ge=0,
        allow_inf_nan=False,
        description="Stopping phase of ForceReboot/ForceStop (capped by stopping_seconds).",
    )
    check_timestamp: bool = Field(True, description="Reject requests signed more than 15 minutes off.")
    check_nonce: bool = Field(True, description="Reject a SignatureNonce used before by the same key.")
    admin_token: str | None = Field(
        None,
        description="When set, every /_mock/ route but GET /_mock/health needs "
        "'Authorization: Bearer <token>'.",
    )
    rate_limit: float | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="API requests per second allowed per access key (beyond it: Throttling.User); "
        "0 or unset: no limit.",
    )
    seed: int | None = Field(
        None,
        description="Seeds generated instance ids and RequestIds; POST /_mock/reset restarts the sequences.",
    )
    request_log_size: int = Field(
        1000, ge=0, le=100_000, description="API calls kept for GET /_mock/requests (0: keep none)."
    )
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = Field(
        "info", description="uvicorn log level."
    )

    @property
    def database_url(self) -> str:
        return database_url(self.db, self.data_dir)


def database_url(db: str | None, data_dir: Path) -> str:
    """Turn the ``--db`` value into a SQLAlchemy URL."""
    if db is None:
        return f"sqlite:///{(data_dir / 'mock-ecs.sqlite3').resolve()}"
    if db == ":memory:":
        return "sqlite://"
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"
