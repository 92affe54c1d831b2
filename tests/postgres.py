"""A real PostgreSQL for the storage tests: initdb into a temporary folder, pg_ctl on a free port
of 127.0.0.1, stopped by its own pg_ctl at the end. As root the server runs as `postgres`."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary(name: str) -> Optional[str]:
    """A PostgreSQL program: on PATH, else in Debian's /usr/lib/postgresql/VERSION/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def binaries_missing() -> Optional[str]:
    missing = [b for b in ("initdb", "pg_ctl", "postgres", "createdb") if binary(b) is None]
    return f"PostgreSQL binaries not found: {', '.join(missing)}" if missing else None


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a DATABASE_URL of a fresh database `peilian` on a private server."""
    folder = Path(tempfile.mkdtemp(prefix="peilian-pg-"))
    data, port = folder / "data", free_port()
    user = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        user = "postgres"
        account = pwd.getpwnam(user)
        os.chown(folder, account.pw_uid, account.pw_gid)
    run = dict(user=user, check=True, capture_output=True, text=True, cwd=folder)
    try:
        subprocess.run([binary("initdb"), "-D", str(data), "-U", "peilian", "--auth=trust", "-E", "UTF8",
                        "--locale=C"], **run)
        subprocess.run([binary("pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "start",
                        "-o", f"-h 127.0.0.1 -p {port} -k {folder} -F"], **run)
        try:
            subprocess.run([binary("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "peilian", "peilian"], **run)
            yield f"postgresql://peilian@127.0.0.1:{port}/peilian"
        finally:
            subprocess.run([binary("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], **{**run, "check": False})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
