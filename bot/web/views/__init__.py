"""One module per part of the API (docs/api.md); each checks who is asking before anything else."""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Dict, Optional

from aiohttp import web

from bot.web.errors import ApiError


async def blocking(function: Callable, *args: Any, **kwargs: Any) -> Any:
    """Database and grading work runs in a thread, off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(function, *args, **kwargs))


async def json_body(request: web.Request) -> Dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past Python's limit
        raise ApiError(400, "the body must be a JSON object", field="body", reason="bad_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body must be a JSON object", field="body", reason="bad_json")
    return body


def optional_text(body: Dict[str, Any], key: str, limit: int) -> Optional[str]:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ApiError(400, f"{key} must be text of at most {limit} characters", field=key, reason="bad_field")
    return value.strip() or None
