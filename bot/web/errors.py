"""JSON answers and errors for the API: every failure is `{"error", "field"?, "reason"?}`, never an
HTML 500; Chinese is sent as UTF-8, not \\u escapes."""

from __future__ import annotations

import functools
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from aiohttp import web
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)
_dumps = functools.partial(json.dumps, ensure_ascii=False)


HTTP_REASONS = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, field: Optional[str] = None, reason: Optional[str] = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.field, self.reason, self.extra = status, message, field, reason, extra

    def body(self) -> Dict[str, Any]:
        body: Dict[str, Any] = {"error": self.message, **self.extra}
        if self.field:
            body["field"] = self.field
        if self.reason:
            body["reason"] = self.reason
        return body


def login_required() -> ApiError:
    return ApiError(401, "请先登录（login required）", reason="login_required")


def forbidden(message: str = "没有权限（forbidden）") -> ApiError:
    return ApiError(403, message, reason="forbidden")


def not_found(what: str = "not found") -> ApiError:
    return ApiError(404, what, reason="not_found")


@web.middleware
async def json_errors(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    try:
        return await handler(request)
    except ApiError as error:
        if not request.path.startswith("/api/") and error.status == 403:
            return web.Response(text=f"403: {error.message}", status=403, content_type="text/plain")
        return json_response(error.body(), status=error.status)
    except web.HTTPException as error:
        if not request.path.startswith("/api/") or error.status < 400:
            raise
        # aiohttp's own refusals (413 body too large, 405, 404 route): a reason the widget can word.
        body = {"error": error.reason, "reason": HTTP_REASONS.get(error.status, "http_error")}
        if error.status == 413:
            body["field"] = "body"
        return json_response(body, status=error.status)
    except OperationalError:  # the database locked past its busy timeout, or down: nothing was changed
        log.exception("database unavailable for %s %s", request.method, request.path)
        return json_response(
            {"error": "数据库暂时不可用，请稍后再试（database unavailable）", "reason": "database_unavailable"},
            status=503,
        )
    except Exception:  # never a bare 500 page: log it, answer in JSON
        log.exception("web request %s %s failed", request.method, request.path)
        return json_response({"error": "internal error; see the web server log"}, status=500)
