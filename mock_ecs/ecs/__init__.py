"""The ECS product (API version 2014-05-26): actions, lifecycle and domain rules; no HTTP."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from mock_ecs.ecs.describe_instance_status import describe_instance_status
from mock_ecs.ecs.describe_instances import describe_instances
from mock_ecs.ecs.describe_regions import describe_regions
from mock_ecs.ecs.instances import EcsStore
from mock_ecs.ecs.lifecycle import PhaseDurations
from mock_ecs.ecs.reboot_instances import reboot_instances
from mock_ecs.ecs.single_instance import reboot_instance, start_instance, stop_instance
from mock_ecs.ecs.start_instances import start_instances
from mock_ecs.ecs.stop_instances import stop_instances
from mock_ecs.protocol.render import Body
from mock_ecs.protocol.request import ApiCall

PRODUCT = "Ecs"  # the product code in the service's troubleshooting links
API_VERSION = "2014-05-26"

Action = Callable[[ApiCall, EcsStore], Body]


def actions(defaults: PhaseDurations) -> dict[str, Action]:
    """Every implemented action by name; others answer ``InvalidAction.NotFound``."""
    return {
        "RebootInstances": partial(reboot_instances, defaults=defaults),
        "StartInstances": partial(start_instances, defaults=defaults),
        "StopInstances": partial(stop_instances, defaults=defaults),
        "RebootInstance": partial(reboot_instance, defaults=defaults),
        "StartInstance": partial(start_instance, defaults=defaults),
        "StopInstance": partial(stop_instance, defaults=defaults),
        "DescribeRegions": describe_regions,
        "DescribeInstances": describe_instances,
        "DescribeInstanceStatus": describe_instance_status,
    }
