"""`python -m bot serve actions|rasa|web`: the three servers of the Procfile, with our settings
(`serve all` runs them under supervisord: bot/stack.py).

Rasa and the action server listen on 127.0.0.1 (PEILIAN_INTERNAL_HOST moves them, for containers on a
private network: deploy/); PEILIAN_HOST moves the web page.
Rasa gets its API token and the action server's token from var/ in process (never in `ps`), the
action endpoint from PEILIAN_ACTIONS_PORT and its tracker store from DATABASE_URL (endpoints.yml).
The action server answers only Rasa: JSON with the token, no CORS.
"""

from __future__ import annotations

import hmac
import os
import sys

from bot.secrets import actions_token, private_var, rasa_token
from bot.settings import PROJECT_ROOT, Settings

MAX_RASA_REQUEST_BYTES = 1024 * 1024  # Sanic's default is 100 MB; the REST channel takes 16 KB


def serve(name: str, replicas: int = 1) -> int:
    settings = Settings.from_env()
    os.chdir(PROJECT_ROOT)
    private_var(settings)
    if name == "all":
        from bot import stack

        return stack.run(settings, replicas)
    if name == "web":
        from bot.web.app import serve as serve_web

        serve_web(settings)
        return 0
    if name == "actions":
        return serve_actions(settings)
    if name != "rasa":
        print(f"unknown server {name!r}: actions, rasa, web or all", file=sys.stderr)
        return 2
    os.environ["PEILIAN_ACTIONS_URL"] = settings.actions_url
    os.environ["PEILIAN_ACTIONS_TOKEN"] = actions_token(settings)
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(MAX_RASA_REQUEST_BYTES)
    from rasa.__main__ import main as rasa_main

    from bot import rasa_speedups

    rasa_speedups.apply()

    sys.argv = [
        "rasa",
        "run",
        "--model",
        str(settings.model),
        "--enable-api",
        f"--auth-token={rasa_token(settings)}",  # one argument: a token may start with "-"
        "--interface",
        settings.internal_host,
        "--port",
        str(settings.rasa_port),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--endpoints",
        str(PROJECT_ROOT / "endpoints.yml"),
    ]
    rasa_main()
    return 0


def serve_actions(settings: Settings) -> int:
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.utils import configure_colored_logging
    from sanic import response

    configure_colored_logging("INFO")

    token = actions_token(settings)
    app = create_app("actions", cors_origins=None)
    warm_up()

    @app.middleware("request")
    async def only_rasa(request):
        if request.path == "/health":
            return None
        if not hmac.compare_digest(request.args.get("token", ""), token):
            return response.json({"error": "the action server answers only Rasa (token required)"}, status=401)
        if request.content_type.split(";")[0].strip() != "application/json":
            return response.json({"error": "JSON only"}, status=415)
        return None

    print(f"==> Action server on http://{settings.internal_host}:{settings.actions_port}", flush=True)
    app.run(settings.internal_host, settings.actions_port, workers=1, access_log=False)
    return 0


def warm_up() -> None:
    """Load jieba, spaCy and the rubric before the first call, not on a trainee's first invitation
    or hang-up (which paid ~1 s for them)."""
    import bot.grading.grader  # noqa: F401  (the grader's modules, imported once)
    from bot.grading.rubric import load_rubric
    from bot.language.spans import extract

    extract("您好王先生，周六上午十点滨江路88号见")
    load_rubric()
