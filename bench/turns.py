"""Per-turn latency and throughput over REST: Peilian against a bare `rasa init` bot, same machine, same run.

    .venv/bin/python bench/turns.py [--rounds 3] [--levels 1,20,60] [--think 3]

Both bots run side by side on free localhost ports; each round loads them in turn (the order
alternates), at each level of concurrent callers (closed loop, `--think` seconds between a caller's
turns, 7 turns a call), then at saturation (no think time). The ratios are medians over the rounds,
since this machine is noisy. The bare bot is `rasa init`'s moodbot (in-memory tracker, no action
server), trained once into var/bench/bare-rasa. Prints a table and writes it into bench/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.load import LoadResult, Target, run_load, saturation  # noqa: E402
from bench.report import write_section  # noqa: E402
from tests import servers as peilian_servers  # noqa: E402
from tests.postgres import free_port  # noqa: E402

BIN = Path(sys.executable).parent
BARE_DIR = ROOT / "var" / "bench" / "bare-rasa"
PEILIAN_CALL = (
    "您好，星辰汽车4S店，销售顾问小李为您服务！",
    "X5的指导价是十八万八起，现在店里有两万的优惠",
    "请问您贵姓？",
    "王先生，欢迎您来店里试驾，您看是周六上午还是周日下午方便？",
    "我们店在滨江路88号，到了找我小李就行",
    "方便留个电话吗？有优惠活动我第一时间通知您",
    "好的王先生，那我们周六上午见，谢谢您的来电，再见！",
)
BARE_CALL = ("hello", "I am feeling sad", "yes", "great, thanks", "bye", "hi there", "no")
SOLO_CALLS = 3  # one caller says 3 calls x 7 turns = 21 timed turns a round
SATURATION_CALLERS, SATURATION_SECONDS = 12, 20


def say_calls(call: Sequence[str], calls: int):
    return lambda number: [turn for _ in range(calls) for turn in call]


def _wait_up(url: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server for {url} exited early")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"{url} did not come up in {timeout:.0f} s")


def bare_rasa() -> Tuple[subprocess.Popen, str, float]:
    """Start the bare bot (training it on first use); (process, webhook URL, train seconds or 0)."""
    trained = 0.0
    if not list((BARE_DIR / "models").glob("*.tar.gz")):
        print("==> training a bare `rasa init` bot into var/bench/bare-rasa (once, about a minute)", flush=True)
        BARE_DIR.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(BARE_DIR)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        trained = time.monotonic() - started
    port = free_port()
    log = (BARE_DIR / "server.log").open("w")
    process = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--port", str(port), "--interface", "127.0.0.1", "--credentials", "credentials.yml"],
        cwd=BARE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )
    _wait_up(f"http://127.0.0.1:{port}/", process)
    return process, f"http://127.0.0.1:{port}/webhooks/rest/webhook", trained


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid] + [
        int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    ]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def run_rounds(targets: List[Target], levels: List[int], rounds: int, think: float):
    results: Dict[Tuple[str, int], List[LoadResult]] = {}
    saturated: Dict[str, List[float]] = {}
    for number in range(rounds):
        order = targets if number % 2 == 0 else targets[::-1]
        for level in levels:
            for target in order:
                calls = SOLO_CALLS if level == 1 else 1
                load = Target(
                    target.name, target.url, say_calls(target.script(0), calls), target.metadata, target.opening
                )
                result = asyncio.run(run_load(load, level, think))
                results.setdefault((target.name, level), []).append(result)
                print(
                    f"    round {number + 1}: {target.name:8} {level:3} callers  p50 {result.p50:6.0f} ms  "
                    f"p95 {result.percentile(95):6.0f} ms  errors {result.errors}",
                    flush=True,
                )
        for target in order:
            rate = asyncio.run(saturation(target, SATURATION_CALLERS, SATURATION_SECONDS))
            saturated.setdefault(target.name, []).append(rate)
            print(f"    round {number + 1}: {target.name:8} saturation {rate:5.1f} turns/s", flush=True)
    return results, saturated


def median_ratio(ours: List[LoadResult], theirs: List[LoadResult], p: float) -> float:
    return statistics.median(a.percentile(p) / b.percentile(p) for a, b in zip(ours, theirs, strict=True))


def report(results, saturated, levels: List[int], rounds: int, think: float, memory: Dict[str, float]) -> str:
    def cell(name: str, level: int) -> str:
        rows = results[(name, level)]
        return " / ".join(f"{statistics.median(r.percentile(p) for r in rows):.0f}" for p in (50, 95, 99))

    lines = [
        f"Turns over REST (Peilian vs bare `rasa init`, {os.cpu_count()} cores, {date.today()})",
        "",
        f"{rounds} interleaved rounds; closed loop, {think:g} s think time, 7 turns a call; one caller says "
        f"{SOLO_CALLS} calls. Figures are medians over the rounds.",
        "",
        "| callers | Peilian p50 / p95 / p99 ms | bare p50 / p95 / p99 ms | Peilian turns | errors |",
        "|---|---|---|---|---|",
    ]
    for level in levels:
        ours = results[("peilian", level)]
        lines.append(
            f"| {level} | {cell('peilian', level)} | {cell('bare', level)} | "
            f"{sum(len(r.latencies_ms) for r in ours)} | {sum(r.errors for r in ours)} |"
        )
    lines += [
        "",
        f"Saturation ({SATURATION_CALLERS} callers, no think time, {SATURATION_SECONDS} s): Peilian "
        f"{statistics.median(saturated['peilian']):.1f} turns/s, bare "
        f"{statistics.median(saturated['bare']):.1f} turns/s",
        "",
    ]
    lines += [f"RSS after the load: {', '.join(f'{k} {v:.0f} MB' for k, v in memory.items())}", ""]
    if 1 in levels:
        ratio = median_ratio(results[("peilian", 1)], results[("bare", 1)], 50)
        lines.append(f"p50 ratio (Peilian / bare Rasa, 1 caller): {ratio:.2f}")
    for level in (lvl for lvl in levels if lvl > 1):
        ratio = median_ratio(results[("peilian", level)], results[("bare", level)], 95)
        lines.append(f"p95 ratio (Peilian / bare Rasa, {level} callers): {ratio:.2f}")
    saturation_ratio = statistics.median(a / b for a, b in zip(saturated["peilian"], saturated["bare"], strict=True))
    lines.append(f"saturation ratio (Peilian / bare Rasa): {saturation_ratio:.2f}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--levels", default="1,20,60")
    parser.add_argument("--think", type=float, default=3.0)
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    bare, bare_url, _ = bare_rasa()
    print("==> starting Peilian's servers", flush=True)
    ours = peilian_servers.start(Path(tempfile.mkdtemp(prefix="peilian-bench-")))
    try:
        targets = [
            Target("bare", bare_url, lambda n: BARE_CALL),
            Target(
                "peilian",
                f"{ours.rasa_url}/webhooks/rest/webhook",
                lambda n: PEILIAN_CALL,
                {"persona": "car_showroom_inbound", "seed": 1},
                opening="/start_call",
            ),
        ]
        print(f"==> {args.rounds} rounds at {levels} callers, then saturation", flush=True)
        results, saturated = run_rounds(targets, levels, args.rounds, args.think)
        memory = {"bare Rasa": rss_mb(bare.pid)}
        names = ("actions", "rasa", "web")  # the Procfile's order
        memory.update({f"Peilian {n}": rss_mb(p.pid) for n, p in zip(names, ours.processes, strict=True)})
        print(write_section("Turns over REST", report(results, saturated, levels, args.rounds, args.think, memory)))
    finally:
        peilian_servers.stop(ours)
        bare.terminate()
        bare.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
