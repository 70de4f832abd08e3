"""How DescribeInstances' latency grows with the number of instances.

For each size it builds an on-disk SQLite database (bulk insert), starts a real
``mock-ecs serve`` on 127.0.0.1, sends signed DescribeInstances requests of PageSize=100 over
one keep-alive connection (pages spread over the whole listing, and NextToken pages), and
prints p50/p99/mean latency per size and the ratio between the largest and smallest size.

    python -m benchmarks.describe_instances [--sizes 1000,100000] [--requests 300]
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from mock_ecs.protocol.signing import v1_signature, v1_string_to_sign
from mock_ecs.store import tables
from mock_ecs.store.database import Database
from mock_ecs.store.fixtures import (
    InstanceSpec,
    apply_document,
    instance_row,
    parse_document,
    security_group_rows,
)

ACCOUNT = "1000000000000001"
KEY, SECRET = "benchAKID", "benchSecret"
REGION = "cn-hangzhou"
ZONES = ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"]
PAGE_SIZE = 100
_BATCH = 5000
_BANNER = re.compile(r"serving the ECS API \(2014-05-26\) at http://127\.0\.0\.1:(\d+)")
_START_TIMEOUT = 60
FIXTURES = {
    "regions": [{"id": REGION, "zones": ZONES}],
    "accounts": [{"id": ACCOUNT, "balance": 100.0, "access_keys": [{"id": KEY, "secret": SECRET}]}],
}


@dataclass(frozen=True)
class Result:
    size: int
    latencies: list[float]  # seconds

    def line(self) -> str:
        ms = sorted(value * 1000 for value in self.latencies)
        p99 = ms[min(len(ms) - 1, round(0.99 * (len(ms) - 1)))]
        return (
            f"{self.size:>9,} instances: p50 {statistics.median(ms):7.2f} ms  p99 {p99:7.2f} ms  "
            f"mean {statistics.fmean(ms):7.2f} ms  ({len(ms)} requests)"
        )


def build_database(path: Path, size: int) -> None:
    """A database holding ``size`` instances of one account in one region."""
    database = Database(f"sqlite:///{path}", time.time)
    try:
        database.prepare()
        with database.transaction() as store:
            apply_document(store, parse_document(FIXTURES, "benchmark"), "benchmark", random.Random(0))
        rng = random.Random(size)
        now = time.time()
        statuses = ["Running"] * 8 + ["Stopped", "Pending"]
        for start in range(0, size, _BATCH):
            instances, groups = [], []
            for seq in range(start + 1, min(size, start + _BATCH) + 1):
                spec = InstanceSpec(
                    id=f"i-bench{seq:012d}",
                    account=ACCOUNT,
                    region=REGION,
                    name=f"bench-{seq}",
                    status=rng.choice(statuses),  # type: ignore[arg-type]
                )
                row = instance_row(spec, spec.id or "", seq, ZONES[seq % len(ZONES)], now, rng)
                instances.append({**row, "version": 0})
                groups += security_group_rows(spec, row)
            with database.transaction() as store:
                store.connection.execute(tables.INSTANCES.insert(), instances)
                store.connection.execute(tables.INSTANCE_SECURITY_GROUPS.insert(), groups)
    finally:
        database.dispose()


@contextmanager
def serve(db: Path, fixtures: Path) -> Iterator[int]:
    """A real ``mock-ecs serve`` on a free port of 127.0.0.1; yields the port."""
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_ecs", "serve", "--host", "127.0.0.1", "--port", "0",
         "--db", str(db), "--fixtures", str(fixtures), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + _START_TIMEOUT
        port = None
        output = []
        while port is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            match = _BANNER.search(line)
            port = int(match.group(1)) if match else None
        if port is None:
            raise RuntimeError("mock-ecs did not start:\n" + "".join(output))
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()


def signed_query(params: dict[str, str]) -> str:
    """A V1 (HMAC-SHA1) signed query string with a fresh nonce (spec §2), signed with the
    protocol's own functions: the server's verification is what is measured, not checked."""
    signed = {
        "Format": "JSON",
        "Version": "2014-05-26",
        "AccessKeyId": KEY,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": uuid.uuid4().hex,
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        **params,
    }
    signature = v1_signature(SECRET, v1_string_to_sign("GET", signed.items()))
    return urlencode({**signed, "Signature": signature}, quote_via=quote)


def measure(port: int, size: int, requests: int, rng: random.Random) -> Result:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    pages = max(1, -(-size // PAGE_SIZE))
    latencies = []
    token = ""
    try:
        for n in range(requests):
            params = {"Action": "DescribeInstances", "RegionId": REGION}
            if n % 2 == 0:  # a page by number, anywhere in the listing
                params |= {"PageSize": str(PAGE_SIZE), "PageNumber": str(rng.randint(1, pages))}
            else:  # the next NextToken page, starting over at the end
                params |= {"MaxResults": str(PAGE_SIZE), **({"NextToken": token} if token else {})}
            started = time.perf_counter()
            connection.request("GET", "/?" + signed_query(params))
            response = connection.getresponse()
            body = response.read()
            latencies.append(time.perf_counter() - started)
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}: {body[:300]!r}")
            if "MaxResults" in params:
                token = json.loads(body)["NextToken"]
    finally:
        connection.close()
    return Result(size, latencies)


def run(sizes: list[int], requests: int, workdir: Path) -> list[Result]:
    fixtures = workdir / "fixtures.json"
    fixtures.write_text(json.dumps(FIXTURES), encoding="utf-8")
    results = []
    for size in sizes:
        db = workdir / f"bench-{size}.sqlite3"
        started = time.perf_counter()
        build_database(db, size)
        print(f"built {size:,} instances in {time.perf_counter() - started:.1f} s", flush=True)
        with serve(db, fixtures) as port:
            result = measure(port, size, requests, random.Random(size))
        print(result.line(), flush=True)
        results.append(result)
    if len(results) > 1:
        first, last = results[0], results[-1]
        ratio = statistics.median(last.latencies) / statistics.median(first.latencies)
        mean_ratio = statistics.fmean(last.latencies) / statistics.fmean(first.latencies)
        print(f"ratio {last.size:,} / {first.size:,}: p50 x{ratio:.2f}, mean x{mean_ratio:.2f}", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000", help="instance counts, comma-separated")
    parser.add_argument("--requests", type=int, default=300, help="requests per size")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="mock-ecs-bench-") as workdir:
        run(sizes, args.requests, Path(workdir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
