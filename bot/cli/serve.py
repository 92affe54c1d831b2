"""`python -m bot serve actions|rasa|web`: the three servers of the Procfile, with our settings.

Every server listens on PEILIAN_HOST (default 127.0.0.1). Rasa gets its API token from var/ in
process (so it never shows in `ps`), the action endpoint from PEILIAN_ACTIONS_PORT, and its tracker
store from DATABASE_URL (endpoints.yml).
"""

from __future__ import annotations

import os
import sys

from bot.secrets import rasa_token
from bot.settings import PROJECT_ROOT, Settings


def serve(name: str) -> int:
    settings = Settings.from_env()
    os.chdir(PROJECT_ROOT)
    if name == "web":
        from bot.web.app import serve as serve_web

        serve_web(settings)
        return 0
    if name == "actions":
        os.environ["SANIC_HOST"] = settings.host  # rasa-sdk reads its interface from here
        argv = ["rasa", "run", "actions", "--actions", "actions", "--port", str(settings.actions_port)]
    elif name == "rasa":
        os.environ["PEILIAN_ACTIONS_URL"] = settings.actions_url
        argv = ["rasa", "run", "--model", str(settings.model), "--enable-api", "--auth-token", rasa_token(settings),
                "--interface", settings.host, "--port", str(settings.rasa_port),
                "--credentials", str(PROJECT_ROOT / "credentials.yml"),
                "--endpoints", str(PROJECT_ROOT / "endpoints.yml")]
    else:
        print(f"unknown server {name!r}: actions, rasa or web", file=sys.stderr)
        return 2
    from rasa.__main__ import main as rasa_main

    sys.argv = argv
    rasa_main()
    return 0
