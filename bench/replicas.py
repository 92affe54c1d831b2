"""Saturation throughput of 1 and 2 Rasa replicas (`bot serve all --replicas N`) on one PostgreSQL
and one Redis, same machine, same run: what a second replica buys on this many cores.

    .venv/bin/python bench/replicas.py [--rounds 3] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.load import Target, saturation  # noqa: E402
from bench.report import write_section  # noqa: E402
from bench.turns import PEILIAN_CALL, SATURATION_CALLERS  # noqa: E402
from tests import servers as running  # noqa: E402
from tests.postgres import postgres_server  # noqa: E402
from tests.redis_server import redis_server  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    rates: Dict[int, List[float]] = {1: [], 2: []}
    with postgres_server() as database_url, redis_server() as redis_url:
        env = {"DATABASE_URL": database_url, "REDIS_URL": redis_url}
        for replicas in (1, 2):
            print(f"==> {replicas} replica(s) on PostgreSQL + Redis", flush=True)
            servers = running.start_supervised(Path(tempfile.mkdtemp(prefix="bench-replicas-")), env, replicas)
            try:
                target = Target("peilian", f"{servers.rasa_url}/webhooks/rest/webhook", lambda n: PEILIAN_CALL,
                                {"persona": "car_showroom_inbound", "seed": 1}, opening="/start_call")  # fmt: skip
                asyncio.run(saturation(target, 2, 5))  # warm-up
                for number in range(args.rounds):
                    rate = asyncio.run(saturation(target, SATURATION_CALLERS, args.seconds))
                    rates[replicas].append(rate)
                    print(f"    round {number + 1}: {replicas} replica(s)  {rate:5.1f} turns/s", flush=True)
            finally:
                running.stop(servers)
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    body = "\n".join(
        [
            f"Replicas (PostgreSQL + Redis, nginx for 2; {os.cpu_count()} cores, {date.today()})",
            "",
            f"Saturation ({SATURATION_CALLERS} callers, no think time, {args.seconds:g} s, median of {args.rounds}): "
            f"1 replica {one:.1f} turns/s, 2 replicas {two:.1f} turns/s",
            "",
            f"replica ratio (2 / 1 replicas, saturation): {two / one:.2f}",
        ]
    )
    print(write_section("Replicas", body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
