"""The same number of Running instances in mock-ecs and in moto.

mock-ecs: a fixtures file (design §4) of one account, its key and N instances in one region,
loaded by the server into a new on-disk SQLite database as a user's would be. moto: one
``RunInstances`` call per instance, through boto3 as a user's tests would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.describe_instances import ACCOUNT, FIXTURES, REGION, ZONES

# Each reboot acts on a Running instance: the requests cycle through the pool in order, and
# the pool's reboots last 2 x PHASE_SECONDS. At 8,000 requests a second over 2 wrk threads,
# each with its own half of a 1,000-instance pool, an instance comes round again every
# 0.125 s, long after it is Running again (even the smoke test's pool of 100 comes round
# after 12.5 ms); the non-2xx count of each run proves it.
# (Short phases rather than a pool too large to come round: a pool of millions would measure
# the size of the table, not the reboot.)
PHASE_SECONDS = 0.005

MOTO_REGION = "us-east-1"
MOTO_INSTANCE_TYPE = "t2.micro"
MOTO_EXAMPLE_IMAGE = "ami-12c6146b"
_MOTO_LISTING_PAGE = 1000


def pool_instance_id(number: int) -> str:
    return f"i-pool{number:013d}"


def mock_ecs_fixtures(count: int) -> dict[str, Any]:
    """Fixtures of ``count`` Running instances with short reboot phases, in REGION."""
    instances = [
        {
            "id": pool_instance_id(number),
            "account": ACCOUNT,
            "region": REGION,
            "zone": ZONES[number % len(ZONES)],
            "name": f"pool-{number}",
            "status": "Running",
            "stopping_seconds": PHASE_SECONDS,
            "starting_seconds": PHASE_SECONDS,
        }
        for number in range(1, count + 1)
    ]
    return {**FIXTURES, "instances": instances}


def write_mock_ecs_fixtures(path: Path, count: int) -> list[str]:
    """Write the fixtures file; returns the instance ids, in the listing's order."""
    document = mock_ecs_fixtures(count)
    path.write_text(json.dumps(document), encoding="utf-8")
    return [instance["id"] for instance in document["instances"]]


@dataclass(frozen=True)
class MotoWorld:
    instance_ids: list[str]
    # moto pages DescribeInstances by reservation, and a page's NextToken is the id of the
    # last reservation of the page before: with these, any page can be asked for directly.
    reservation_ids: list[str]


def _moto_image(client: Any) -> str:
    """An AMI of moto's catalogue (it refuses others): the one moto's own examples use, or,
    should it be gone, the catalogue's first (listing all of it takes moto seconds)."""
    try:
        return str(client.describe_images(ImageIds=[MOTO_EXAMPLE_IMAGE])["Images"][0]["ImageId"])
    except Exception:  # moto answers InvalidAMIID.NotFound: any failure means "look it up"
        return str(client.describe_images(Owners=["amazon"])["Images"][0]["ImageId"])


def seed_moto(url: str, count: int) -> MotoWorld:
    """``count`` instances, one per reservation so that a page of 10 reservations holds 10
    instances, as a page of 10 does in mock-ecs."""
    import boto3  # type: ignore[import-untyped]  # moto[server] brings it; only the comparison needs it

    client = boto3.client(
        "ec2", endpoint_url=url, region_name=MOTO_REGION,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    image = _moto_image(client)
    # One call at a time: concurrent calls are no faster (moto serves them under one GIL).
    for _ in range(count):
        client.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType=MOTO_INSTANCE_TYPE)
    instances, reservations = [], []
    token: str | None = None
    for _ in range(count // _MOTO_LISTING_PAGE + 2):
        more = {"NextToken": token} if token else {}
        page = client.describe_instances(MaxResults=_MOTO_LISTING_PAGE, **more)
        for reservation in page["Reservations"]:
            reservations.append(reservation["ReservationId"])
            instances += [instance["InstanceId"] for instance in reservation["Instances"]]
        token = page.get("NextToken")
        if not token:
            break
    if len(instances) != count:
        raise RuntimeError(f"moto holds {len(instances)} instances, {count} were started")
    return MotoWorld(instances, reservations)
