"""What each server is asked in each scenario: the request paths wrk replays.

Both servers get the same sequence of work: reboots cycling through the pool, and pages
spread over the whole listing (a deep page costs what it costs, not the first page's price).
mock-ecs requests are signed, one nonce each; moto's are plain EC2 queries (moto checks no
signature).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from benchmarks.comparison.seeding import MotoWorld
from benchmarks.comparison.servers import MOTO_VERSION
from benchmarks.comparison.signer import V1Signer


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    page_size: int | None = None


REBOOT = Scenario("reboot", "RebootInstances")
STATUS10 = Scenario("status10", "DescribeInstanceStatus, page of 10", 10)
DESCRIBE10 = Scenario("describe10", "DescribeInstances, page of 10", 10)
DESCRIBE100 = Scenario("describe100", "DescribeInstances, page of 100", 100)
SCENARIOS = (REBOOT, STATUS10, DESCRIBE10, DESCRIBE100)

# Scenarios moto cannot serve as asked, and why (skipped for moto, with this note).
MOTO_CANNOT = {
    STATUS10.key: "moto's DescribeInstanceStatus ignores MaxResults and NextToken: every answer lists "
    "every instance, so it has no page of 10 to compare",
}


def pool_cycle(pool: Sequence[str], count: int, threads: int) -> Iterator[str]:
    """The instance of each of ``count`` request lines. wrk thread k takes lines k, k+n, …;
    each thread cycles through its own share of the pool, so two threads never reboot the
    same instance and an instance comes round once its thread has done its whole share."""
    shares = [pool[thread::threads] for thread in range(threads)]
    if not all(shares):
        raise ValueError(f"a pool of {len(pool)} cannot be shared by {threads} threads")
    for line in range(count):
        share = shares[line % threads]
        yield share[(line // threads) % len(share)]


def random_pages(total: int, page_size: int, count: int, rng: random.Random) -> Iterator[int]:
    """``count`` page numbers (from 1) spread uniformly over a listing of ``total``."""
    pages = max(1, -(-total // page_size))
    for _ in range(count):
        yield rng.randint(1, pages)


def mock_ecs_paths(
    scenario: Scenario,
    signer: V1Signer,
    region: str,
    instance_ids: Sequence[str],
    count: int,
    threads: int,
    rng: random.Random,
) -> list[str]:
    if scenario is REBOOT:
        requests = (
            {"Action": "RebootInstances", "RegionId": region, "InstanceId.1": instance}
            for instance in pool_cycle(instance_ids, count, threads)
        )
    else:
        action = "DescribeInstanceStatus" if scenario is STATUS10 else "DescribeInstances"
        size = scenario.page_size or 10
        requests = (
            {"Action": action, "RegionId": region, "PageSize": str(size), "PageNumber": str(page)}
            for page in random_pages(len(instance_ids), size, count, rng)
        )
    return ["/?" + query for query in signer.sign_many(requests)]


def describe_page_paths(
    signer: V1Signer, region: str, total: int, page_size: int, count: int, rng: random.Random
) -> list[str]:
    """DescribeInstances pages of ``page_size`` over a listing of ``total`` (the scaling row)."""
    base = {"Action": "DescribeInstances", "RegionId": region, "PageSize": str(page_size)}
    requests = ({**base, "PageNumber": str(page)} for page in random_pages(total, page_size, count, rng))
    return ["/?" + query for query in signer.sign_many(requests)]


def moto_paths(
    scenario: Scenario, world: MotoWorld, count: int, threads: int, rng: random.Random
) -> list[str]:
    if scenario.key in MOTO_CANNOT:
        raise ValueError(MOTO_CANNOT[scenario.key])
    base = f"/?Version={MOTO_VERSION}"
    if scenario is REBOOT:
        return [
            f"{base}&Action=RebootInstances&InstanceId.1={instance}"
            for instance in pool_cycle(world.instance_ids, count, threads)
        ]
    size = scenario.page_size or 10
    paths = []
    for page in random_pages(len(world.reservation_ids), size, count, rng):
        # The token of page p is the last reservation of page p-1; the first page has none.
        token = f"&NextToken={quote(world.reservation_ids[(page - 1) * size - 1])}" if page > 1 else ""
        paths.append(f"{base}&Action=DescribeInstances&MaxResults={size}{token}")
    return paths
