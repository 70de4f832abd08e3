"""mock-ecs: a faithful local stand-in for the Alibaba Cloud ECS OpenAPI (2014-05-26)."""

from mock_ecs.app import MockEcsApp, create_app
from mock_ecs.settings import Settings

__all__ = ["MockEcsApp", "Settings", "create_app"]
