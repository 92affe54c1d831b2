"""Closed-loop REST load: simulated callers, each saying its turns with a think time between them.

Used by bench/turns.py for Peilian and a bare `rasa init` bot alike: asyncio + aiohttp, one session,
bounded concurrency (one task per caller), localhost only.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

import aiohttp

Script = Callable[[int], Sequence[str]]  # caller number -> the texts it says, in order


@dataclass
class Target:
    name: str
    url: str  # the REST channel's webhook
    script: Script
    metadata: Dict[str, Any] = field(default_factory=dict)
    opening: Optional[str] = None  # said first and not timed (Peilian: /start_call)


@dataclass
class LoadResult:
    target: str
    callers: int
    latencies_ms: List[float]
    errors: int
    seconds: float

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def turns_per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


async def _post(session: aiohttp.ClientSession, target: Target, sender: str, text: str) -> bool:
    body = {"sender": sender, "message": text, "metadata": target.metadata}
    async with session.post(target.url, json=body) as response:
        await response.read()
        return response.status == 200


async def _caller(
    session: aiohttp.ClientSession, target: Target, number: int, think: float, result: LoadResult
) -> None:
    sender = f"bench-{target.name}-{uuid.uuid4().hex[:8]}"
    rng = random.Random(number)
    await asyncio.sleep(rng.uniform(0, think))  # callers don't all start on the same tick
    if target.opening:
        await _post(session, target, sender, target.opening)
    for text in target.script(number):
        started = time.perf_counter()
        try:
            ok = await _post(session, target, sender, text)
        except aiohttp.ClientError:
            ok = False
        if ok:
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            result.errors += 1
        await asyncio.sleep(think * rng.uniform(0.8, 1.2))


async def run_load(target: Target, callers: int, think: float) -> LoadResult:
    """`callers` simultaneous conversations, each saying its whole script once."""
    result = LoadResult(target.name, callers, [], 0, 0.0)
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=callers + 4)
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(_caller(session, target, n, think, result) for n in range(callers)))
    result.seconds = time.perf_counter() - started
    return result


async def saturation(target: Target, callers: int, seconds: float) -> float:
    """Turns per second served with no think time: `callers` conversations back to back."""
    result = LoadResult(target.name, callers, [], 0, 0.0)
    deadline = time.perf_counter() + seconds
    timeout = aiohttp.ClientTimeout(total=120)

    async def loop(number: int) -> None:
        while time.perf_counter() < deadline:
            await _caller(session, target, number, 0.0, result)

    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=callers + 4)) as session:
        await asyncio.gather(*(loop(n) for n in range(callers)))
    result.seconds = time.perf_counter() - started
    return result.turns_per_second
