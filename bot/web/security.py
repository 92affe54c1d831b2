"""Who is asking, and may they: sessions, CSRF, origins, roles. First-class code, as in datasette.

- Sessions live in an encrypted, signed cookie (aiohttp-session + Fernet, key in var/):
  HttpOnly, SameSite=Lax (None + Secure when other sites embed the widget), 12 hours.
- Every state-changing API request carries the session's CSRF token in `X-CSRF-Token`, and a
  request from a foreign Origin is refused unless that origin is configured.
- A visitor is a logged-in account, or an anonymous browser in open-practice mode.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from dataclasses import dataclass
from typing import Awaitable, Callable, Optional
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp_session import get_session, new_session
from aiohttp_session import setup as setup_sessions
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.fernet import Fernet

from bot.settings import Settings
from bot.store import users
from bot.store.database import Database
from bot.store.users import Account
from bot.web.errors import ApiError, forbidden, login_required

COOKIE = "peilian_session"
SESSION_HOURS = 12
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
REVIEWERS = ("evaluator", "admin")


def install_sessions(app: web.Application, settings: Settings, key: bytes) -> None:
    cross_site = bool(settings.allowed_origins)
    setup_sessions(
        app,
        EncryptedCookieStorage(
            Fernet(key),
            cookie_name=COOKIE,
            max_age=SESSION_HOURS * 3600,
            httponly=True,
            secure=settings.secure_cookies or cross_site,
            samesite="None" if cross_site else "Lax",
        ),
    )


@dataclass(frozen=True)
class Visitor:
    account: Optional[Account]
    browser_id: Optional[str]  # anonymous open practice
    open_practice: bool

    @property
    def role(self) -> Optional[str]:
        return self.account.role if self.account else None

    @property
    def can_practise(self) -> bool:
        return self.account is not None or self.open_practice

    def require_practice(self) -> None:
        if not self.can_practise:
            raise login_required()

    def require_role(self, *roles: str) -> Account:
        if self.account is None:
            raise login_required()
        if self.account.role not in roles:
            raise forbidden()
        return self.account

    def owns(self, call) -> bool:
        """The account that made the call, or (open practice) the browser that made it."""
        if self.account is not None:
            return call.user_id == self.account.id
        return call.user_id is None and bool(self.browser_id) and call.browser_id == self.browser_id

    @property
    def reviews_calls(self) -> bool:
        return self.role in REVIEWERS


@dataclass(frozen=True)
class Member(Visitor):
    """A visitor with an account (what a page that needs a login gets)."""

    account: Account


async def csrf_token(request: web.Request) -> str:
    session = await get_session(request)
    if not session.get("csrf"):
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


async def visitor(request: web.Request) -> Visitor:
    """The visitor of this request (memoised on it)."""
    if "visitor" in request:
        return request["visitor"]
    db: Database = request.app["db"]
    session = await get_session(request)
    account = None
    loop = asyncio.get_running_loop()
    if isinstance(session.get("uid"), int):
        account = await loop.run_in_executor(None, users.get_account, db, session["uid"])
        if account is None or account.session_epoch != session.get("epoch"):
            account = None  # disabled, logged out everywhere, or password/role changed since login
            session.pop("uid", None)
    open_practice = await loop.run_in_executor(None, users.open_practice, db)
    found = Visitor(account, session.get("browser") if account is None else None, open_practice)
    request["visitor"] = found
    return found


async def browser_id(request: web.Request) -> str:
    """The anonymous browser's id, created on its first call."""
    session = await get_session(request)
    if not session.get("browser"):
        session["browser"] = secrets.token_urlsafe(16)
    return session["browser"]


async def log_in(request: web.Request, account: Account) -> str:
    """A fresh session (no fixation) for the account; returns its new CSRF token."""
    session = await new_session(request)
    session["uid"] = account.id
    session["epoch"] = account.session_epoch
    session["csrf"] = secrets.token_urlsafe(32)
    request.pop("visitor", None)
    return session["csrf"]


async def sign_in(request: web.Request, username: str, password: str) -> Account:
    """Check the credentials (throttled) and start the account's session, for the widget's
    /api/login and the workspace's login page alike; ApiError 401 or 429 otherwise."""
    try:
        account = await asyncio.get_running_loop().run_in_executor(
            None, users.authenticate, request.app["db"], username[:64], password[:1024], client_address(request)
        )
    except users.LoginThrottled as throttled:
        raise ApiError(
            429,
            f"尝试次数过多，请{throttled.retry_after}秒后再试",
            reason="rate_limited",
            retry_after=throttled.retry_after,
        ) from None
    if account is None:
        raise ApiError(401, "用户名或密码错误", reason="bad_credentials")
    await log_in(request, account)
    return account


async def log_out(request: web.Request) -> str:
    """A fresh anonymous session; the account's other session cookies stop working too (a copied
    cookie is worthless after logout)."""
    who = await visitor(request)
    if who.account is not None:
        await asyncio.get_running_loop().run_in_executor(None, users.end_sessions, request.app["db"], who.account.id)
    session = await new_session(request)
    session["csrf"] = secrets.token_urlsafe(32)
    request.pop("visitor", None)
    return session["csrf"]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origin(request: web.Request, origin: str) -> bool:
    """This site (as the browser sees it: PEILIAN_PUBLIC_ORIGIN behind a TLS proxy), or an
    embedding site listed in PEILIAN_ALLOWED_ORIGINS."""
    settings: Settings = request.app["settings"]
    own = settings.public_origin or _origin(f"{request.scheme}://{request.host}")
    return origin.lower() == own.lower() or origin in settings.allowed_origins


def client_address(request: web.Request) -> str:
    """Who is logging in: the peer, or with PEILIAN_PROXY_HEADERS=1 the address our one trusted
    proxy saw (the last X-Forwarded-For entry, the only one a client can't write)."""
    if request.app["settings"].proxy_headers:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.remote or "?"


@web.middleware
async def guard(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    """CORS for configured origins, Origin and CSRF checks on unsafe API requests, safe headers."""
    origin = request.headers.get("Origin")
    trusted_origin = origin is not None and allowed_origin(request, origin)
    if request.method == "OPTIONS" and request.path.startswith("/api/"):
        response: web.StreamResponse = web.Response(status=204)
    else:
        if request.method in UNSAFE:
            if origin is not None and not trusted_origin:
                raise ApiError(403, f"requests from {origin} are not allowed", reason="origin")
            given = request.headers.get(CSRF_HEADER, "")
            if not given and request.content_type in FORMS:  # a page's form: the hidden field
                given = str((await request.post()).get("csrf_token", ""))
            expected = (await get_session(request)).get("csrf") or ""
            if not (given and expected and hmac.compare_digest(given, expected)):
                raise ApiError(403, "CSRF token missing or wrong: reload the page", reason="csrf")
        response = await handler(request)
    if trusted_origin and origin is not None and origin in request.app["settings"].allowed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = f"Content-Type, {CSRF_HEADER}"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Vary"] = "Origin"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.content_type == "text/html":
        ancestors = " ".join(("'self'",) + request.app["settings"].allowed_origins)
        response.headers.setdefault(
            "Content-Security-Policy", f"default-src 'self'; img-src 'self' data:; frame-ancestors {ancestors}"
        )
    return response
