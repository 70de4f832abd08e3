"""DescribeInstanceStatus: the status of an account's instances in a region, a page at a time
(spec §6). Status is as the mock clock sees it now."""

from __future__ import annotations

from mock_ecs.ecs import errors
from mock_ecs.ecs.batch import INSTANCE_ID, MAX_INSTANCE_IDS
from mock_ecs.ecs.instances import EcsStore
from mock_ecs.ecs.listing import InstanceFilter, Paging
from mock_ecs.ecs.paging import integer
from mock_ecs.protocol import params
from mock_ecs.protocol.render import Body, Items
from mock_ecs.protocol.request import ApiCall

MAX_PAGE_SIZE = 50


def describe_instance_status(call: ApiCall, store: EcsStore) -> Body:
    region_id = params.required(call.params, "RegionId")
    if not store.region_exists(region_id):
        raise errors.INVALID_REGION_ID_NOT_FOUND()
    zone_id = call.params.get("ZoneId") or None
    if zone_id is not None and not store.zone_exists(region_id, zone_id):
        raise errors.INVALID_ZONE_ID_NOT_FOUND()
    ids = params.repeated(call.params, "InstanceId")
    if len(ids) > MAX_INSTANCE_IDS:
        raise errors.TOO_MANY_INSTANCE_IDS()
    if not all(INSTANCE_ID.fullmatch(instance_id) for instance_id in ids):
        raise errors.INSTANCE_IDS_MALFORMED()
    page_number = integer(call.params, "PageNumber", 1, 1, 2**31 - 1)
    page_size = integer(call.params, "PageSize", 10, 1, MAX_PAGE_SIZE)
    where = InstanceFilter(
        account_id=call.account_id,
        region_id=region_id,
        zone_id=zone_id,
        instance_ids=tuple(dict.fromkeys(ids)) if ids else None,
    )
    now = store.mock_now()
    page = store.instance_statuses(where, Paging(size=page_size, number=page_number), now)
    # Key order of the documented example: PageSize, (RequestId), PageNumber, TotalCount, list.
    return {
        "PageSize": page_size,
        "PageNumber": page_number,
        "TotalCount": page.total,
        "InstanceStatuses": Items(
            "InstanceStatus",
            [{"Status": record.status.value, "InstanceId": record.id} for record in page.instances],
        ),
    }
