"""How long a newcomer waits: `rasa train` from an empty cache, a fresh clone's `make run` until
「Peilian 陪练 is ready」, and a trainer's new persona until a call can start on it.

    .venv/bin/python bench/startup.py [--skip-clone] [--skip-train]

The fresh clone is `git clone` of this checkout's HEAD into a temporary folder, then `make run` there
on free ports, timed to the ready line; pip's download cache and Rasa's training cache
(RASA_CACHE_DIRECTORY, see the Makefile) are the machine's own, as they would be for a second clone.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Dict, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import write_section  # noqa: E402
from tests import servers as peilian_servers  # noqa: E402
from tests.postgres import free_port  # noqa: E402

BIN = Path(sys.executable).parent
READY = "is ready: open"
NEW_PERSONA = "bench_new_caller"


def train_seconds() -> float:
    """`rasa train` of the project's data with an empty training cache (what a first clone pays)."""
    with tempfile.TemporaryDirectory(prefix="peilian-train-") as folder:
        started = time.monotonic()
        subprocess.run(
            [str(BIN / "rasa"), "train", "--config", "config.yml", "--domain", "domain.yml", "--data",
             "data/nlu.yml", "data/rules.yml", "--out", folder, "--fixed-model-name", "bench"],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "RASA_CACHE_DIRECTORY": str(Path(folder) / "cache"), "RASA_TELEMETRY_ENABLED": "false"},
        )  # fmt: skip
        return time.monotonic() - started


def fresh_clone_to_ready(timeout: float = 900) -> Dict[str, float]:
    """Seconds from `git clone` to the ready line of `make run`, with the install and training parts."""
    folder = Path(tempfile.mkdtemp(prefix="peilian-clone-"))
    started = time.monotonic()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder / "peilian")], check=True)
    clone = folder / "peilian"
    ports = {n: str(free_port()) for n in ("PEILIAN_WEB_PORT", "PEILIAN_RASA_PORT", "PEILIAN_ACTIONS_PORT")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEILIAN_", "DATABASE_URL", "VIRTUAL_ENV"))}
    log = (folder / "make-run.log").open("w+")
    process = subprocess.Popen(["make", "run"], cwd=clone, env={**env, **ports}, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
    marks: Dict[str, float] = {}
    try:
        while time.monotonic() - started < timeout:
            text = (folder / "make-run.log").read_text(errors="replace")
            for name, needle in (("training from", "==> Training"), ("servers from", "==> Starting")):
                if needle in text and name not in marks:
                    marks[name] = time.monotonic() - started
            if READY in text:
                marks["ready"] = time.monotonic() - started
                return marks
            if process.poll() is not None:
                raise RuntimeError(f"make run exited ({process.returncode}); see {folder / 'make-run.log'}")
            time.sleep(0.5)
        raise RuntimeError(f"no ready line in {timeout:.0f} s; see {folder / 'make-run.log'}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # our own process group: make and its servers
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if "ready" in marks:
            shutil.rmtree(folder, ignore_errors=True)


def new_persona_seconds(timeout: float = 30) -> Optional[float]:
    """Seconds from saving a new persona file to a call on it being answered by its customer."""
    workdir = Path(tempfile.mkdtemp(prefix="peilian-persona-bench-"))
    personas = workdir / "personas"
    shutil.copytree(ROOT / "tests" / "fixtures" / "personas", personas)
    servers = peilian_servers.start(workdir, {"PEILIAN_PERSONAS_DIR": str(personas)})
    try:
        source = next(p for p in sorted(personas.glob("*.yml")) if "inbound" in p.name)
        text = re.sub(r"(?m)^id:.*$", f"id: {NEW_PERSONA}", source.read_text("utf-8"), count=1)
        started = time.monotonic()
        (personas / f"{NEW_PERSONA}.yml").write_text(text, "utf-8")
        attempt = 0
        while time.monotonic() - started < timeout:
            attempt += 1
            sender = f"persona-bench-{attempt}"
            answer = servers.say(sender, "/start_call", {"persona": NEW_PERSONA, "seed": 1}, token=servers.token)
            if answer and not any((m.get("custom") or {}).get("event") == "error" for m in answer):
                return time.monotonic() - started
            time.sleep(0.1)
        return None
    finally:
        peilian_servers.stop(servers)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-clone", action="store_true")
    parser.add_argument("--skip-train", action="store_true")
    args = parser.parse_args()
    lines = [f"Start-up and change (one measurement each, {os.cpu_count()} cores, {date.today()})", ""]
    print("==> a new persona file until a call on it is answered", flush=True)
    persona = new_persona_seconds()
    lines.append(f"- new persona usable after saving: {persona:.1f} s (goal ≤ 2 s)" if persona is not None
                 else "- new persona usable after saving: not within 30 s (goal ≤ 2 s)")  # fmt: skip
    if not args.skip_train:
        print("==> rasa train with an empty training cache (about 3 minutes)", flush=True)
        lines.append(f"- `rasa train`, empty cache: {train_seconds():.0f} s")
    if not args.skip_clone:
        print("==> git clone + make run until ready (about 3-5 minutes)", flush=True)
        marks = fresh_clone_to_ready()
        parts = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in marks.items() if name != "ready")
        lines.append(f"- fresh clone to ready (`make run`): {marks['ready']:.0f} s ({parts}; goal ≤ 300 s)")
    print(write_section("Start-up and change", "\n".join(lines)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
