"""Where things are and who listens where: one home for the settings every process reads.

Every value comes from the environment with a safe default: servers listen on 127.0.0.1, the
database is the SQLite file under var/, and the browser may only call from this site's origin.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Tuple

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


@dataclass(frozen=True)
class Settings:
    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    host: str = "127.0.0.1"
    web_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    ring_ms: int = 3000  # one ring cycle (tone + pause), as measured by the server
    allowed_origins: Tuple[str, ...] = ()  # sites that may embed the widget (default: same origin)
    secure_cookies: bool = False  # set behind HTTPS; always on when other origins embed the widget
    model: Path = field(default=PROJECT_ROOT / "models")
    public_origin: str = ""  # https://peilian.example.com when a TLS proxy serves the web page
    proxy_headers: bool = False  # trust X-Forwarded-For from that one proxy (login throttling)
    redis_url: str = ""  # Rasa's lock store for replicas (redis://127.0.0.1:6379/1); empty: in memory
    nginx: str = "nginx"  # the load balancer in front of Rasa replicas (`bot serve all --replicas N`)
    # Containers (deploy/): where Rasa and the action server listen, and where each finds the other.
    internal_host: str = "127.0.0.1"
    rasa_url_override: str = ""
    actions_url_override: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        var_dir = Path(_env("PEILIAN_VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
        origins = tuple(o.strip().rstrip("/") for o in _env("PEILIAN_ALLOWED_ORIGINS", "").split(",") if o.strip())
        return cls(
            var_dir=var_dir,
            database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'peilian.db'}"),
            host=_env("PEILIAN_HOST", cls.host),
            web_port=int(_env("PEILIAN_WEB_PORT", str(cls.web_port))),
            rasa_port=int(_env("PEILIAN_RASA_PORT", str(cls.rasa_port))),
            actions_port=int(_env("PEILIAN_ACTIONS_PORT", str(cls.actions_port))),
            ring_ms=int(_env("PEILIAN_RING_MS", str(cls.ring_ms))),
            allowed_origins=origins,
            secure_cookies=_env("PEILIAN_SECURE_COOKIES", "0") == "1",
            model=Path(_env("PEILIAN_MODEL", str(PROJECT_ROOT / "models"))),
            public_origin=_env("PEILIAN_PUBLIC_ORIGIN", "").rstrip("/"),
            proxy_headers=_env("PEILIAN_PROXY_HEADERS", "0") == "1",
            redis_url=_env("REDIS_URL", ""),
            nginx=_env("PEILIAN_NGINX", shutil.which("nginx") or "/usr/sbin/nginx"),
            internal_host=_env("PEILIAN_INTERNAL_HOST", cls.internal_host),
            rasa_url_override=_env("PEILIAN_RASA_URL", "").rstrip("/"),
            actions_url_override=_env("PEILIAN_ACTIONS_URL", ""),
        )

    @property
    def rasa_url(self) -> str:
        return self.rasa_url_override or f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return self.actions_url_override or f"http://127.0.0.1:{self.actions_port}/webhook"
