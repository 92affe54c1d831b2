"""Where a turn's time goes under load: py-spy samples the Rasa server and the action server while
simulated callers talk to Peilian at saturation; the top frames go into bench/profile.md.

    .venv/bin/python bench/profile_servers.py [--seconds 30] [--callers 12]

The flame graphs (SVG) are kept in var/bench/profile/ for a closer look; the markdown keeps only the
top frames by own time and by total time, per server, which is what the tuning decisions rest on.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.load import Target, saturation  # noqa: E402
from bench.turns import PEILIAN_CALL  # noqa: E402
from tests import servers as peilian_servers  # noqa: E402

OUT = ROOT / "var" / "bench" / "profile"
TOP = 15


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: .venv/bin/pip install py-spy")
    return found


def record(pid: int, name: str, seconds: int, fmt: str) -> subprocess.Popen:
    suffix = {"raw": "txt", "flamegraph": "svg"}[fmt]
    return subprocess.Popen(
        [
            py_spy(),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            "200",
            "--subprocesses",
            "--format",
            fmt,
            "--output",
            str(OUT / f"{name}.{suffix}"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def frame_name(frame: str) -> str:
    """`function (path/to/module.py:123)` -> `function (module path from site-packages or the repo)`."""
    function, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    path = where.rsplit(":", 1)[0]
    return f"{function} ({path})"


def top_frames(collapsed: Path) -> Tuple[int, List[Tuple[str, int]], List[Tuple[str, int]]]:
    """(samples, by own time, by total time) from py-spy's collapsed stacks."""
    own: Dict[str, int] = collections.Counter()
    total: Dict[str, int] = collections.Counter()
    samples = 0
    for line in collapsed.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame_name(f) for f in stack.split(";")[1:]]  # the first entry is the process
        if not frames:
            continue
        samples += count
        own[frames[-1]] += count
        for name in set(frames):
            total[name] += count
    return samples, own.most_common(TOP), total.most_common(TOP * 2)


def table(title: str, samples: int, rows: List[Tuple[str, int]]) -> List[str]:
    lines = [f"**{title}**", "", "| % of samples | frame |", "|---:|---|"]
    lines += [f"| {100 * n / samples:.1f} | `{name}` |" for name, n in rows]
    return lines + [""]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--callers", type=int, default=12)
    parser.add_argument("--label", default="", help="a heading for this profile (e.g. before/after a change)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print("==> starting Peilian's servers", flush=True)
    ours = peilian_servers.start(Path(tempfile.mkdtemp(prefix="peilian-profile-")))
    try:
        target = Target(
            "peilian",
            f"{ours.rasa_url}/webhooks/rest/webhook",
            lambda n: PEILIAN_CALL,
            {"persona": "car_showroom_inbound", "seed": 1},
            opening="/start_call",
        )
        asyncio.run(saturation(target, 2, 5))  # warm up: the first invitation loads jieba/spaCy
        pids = {"actions": ours.processes[0].pid, "rasa": ours.processes[1].pid}
        print(f"==> sampling {', '.join(pids)} for {args.seconds} s at saturation ({args.callers} callers)", flush=True)
        spies = [record(pid, name, args.seconds, fmt) for name, pid in pids.items() for fmt in ("raw", "flamegraph")]
        rate = asyncio.run(saturation(target, args.callers, args.seconds))
        for spy in spies:
            spy.wait(timeout=120)
    finally:
        peilian_servers.stop(ours)
    lines = [
        f"## Profile{' — ' + args.label if args.label else ''} ({os.cpu_count()} cores, {date.today()})",
        "",
        f"py-spy at 200 Hz for {args.seconds} s on each server while {args.callers} callers talk to Peilian with "
        f"no think time ({rate:.1f} turns/s). Flame graphs: var/bench/profile/*.svg.",
        "",
    ]
    for name in pids:
        samples, own, total = top_frames(OUT / f"{name}.txt")
        lines += [f"### {name} ({samples} samples)", ""]
        lines += table("Top frames by own time", samples, own)
        lines += table("Top frames by total time", samples, total)
    text = "\n".join(lines)
    print(text)
    (OUT / "profile.md").write_text(text + "\n", encoding="utf-8")
    print(f"==> written to {OUT / 'profile.md'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
