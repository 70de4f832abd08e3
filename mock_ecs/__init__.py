"""mock-ecs: a faithful local stand-in for the Alibaba Cloud ECS OpenAPI (2014-05-26)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mock_ecs.app import MockEcsApp, create_app
    from mock_ecs.settings import Settings

__version__ = "0.1.0"  # the package's version (pyproject.toml reads it from here)

__all__ = ["MockEcsApp", "Settings", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the pytest plugin (mock_ecs.testing) loads in every test session
    # of a project that installs mock-ecs, and must not pay for FastAPI and SQLAlchemy there.
    if name in ("MockEcsApp", "create_app"):
        from mock_ecs import app

        return getattr(app, name)
    if name == "Settings":
        from mock_ecs.settings import Settings

        return Settings
    raise AttributeError(f"module 'mock_ecs' has no attribute {name!r}")
