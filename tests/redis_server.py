"""A real redis-server for a test: on a free port of 127.0.0.1, nothing saved to disk, stopped by PID."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from typing import Iterator, Optional

from tests.postgres import free_port


def binary_missing() -> Optional[str]:
    return None if shutil.which("redis-server") else "redis-server not found (apt-get install redis-server)"


@contextmanager
def redis_server() -> Iterator[str]:
    """Yields a REDIS_URL."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        process.terminate()
        process.wait(timeout=20)
