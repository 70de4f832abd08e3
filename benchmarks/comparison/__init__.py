"""The parts of ``python -m benchmarks.compare``: the servers, the signed requests, the
seeding, wrk, and the report."""
