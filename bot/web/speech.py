"""The customer's lines as speech, for browsers without a Chinese voice of their own.

The widget speaks with the browser's speech synthesis when it has a zh-CN voice; otherwise it plays
`/api/speech`, a WAV that Debian's espeak-ng (Mandarin, offline) renders once and var/speech/ keeps.
Only lines this server sent can be spoken: each reply carries its line's speech URL signed with an
HMAC of the text, so the endpoint is not a text-to-speech service for anything a client types.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import shutil
from pathlib import Path
from typing import Optional
from urllib.parse import urlencode

from aiohttp import web

from bot.web.errors import ApiError
from bot.web.security import visitor

ESPEAK = "espeak-ng"
VOICE, WORDS_PER_MINUTE = "cmn", "165"  # Mandarin; a little slower than espeak's 175 for Chinese
MAX_TEXT_CHARS = 500  # a customer line (a few sentences); a longer text is refused, not rendered
MAX_CACHED = 2000  # WAV files kept in var/speech (a few hundred KB each); the oldest go first
RENDER_SECONDS = 10


def _signature(key: bytes, text: str) -> str:
    return hmac.new(key, b"speech\0" + text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def speech_url(key: bytes, text: str) -> str:
    """The URL that speaks `text`, signed: only lines this server produced."""
    return "/api/speech?" + urlencode({"text": text, "sig": _signature(key, text)})


def cache_dir(app: web.Application) -> Path:
    return app["settings"].var_dir / "speech"


async def render_wav(text: str, folder: Path) -> Optional[Path]:
    """The cached WAV of `text`, rendered by espeak-ng on first use; None when espeak-ng is missing."""
    path = folder / (hashlib.sha256(text.encode("utf-8")).hexdigest() + ".wav")
    if path.exists():
        return path
    program = shutil.which(ESPEAK)
    if program is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    # The text on stdin, never on the command line: nothing in it can be read as an option.
    process = await asyncio.create_subprocess_exec(
        program, "-v", VOICE, "-s", WORDS_PER_MINUTE, "-w", str(partial), "--stdin",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        await asyncio.wait_for(process.communicate(text.encode("utf-8")), RENDER_SECONDS)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
    if process.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        return None
    partial.replace(path)  # atomic: a concurrent reader never sees half a file
    _trim(folder)
    return path


def _trim(folder: Path) -> None:
    files = sorted(folder.glob("*.wav"), key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) - MAX_CACHED)]:
        old.unlink(missing_ok=True)


async def speak(request: web.Request) -> web.StreamResponse:
    who = await visitor(request)
    who.require_practice()
    text, signature = request.query.get("text", ""), request.query.get("sig", "")
    if not text or len(text) > MAX_TEXT_CHARS:
        raise ApiError(400, f"text must be 1 to {MAX_TEXT_CHARS} characters", field="text", reason="bad_text")
    if not hmac.compare_digest(signature, _signature(request.app["speech_key"], text)):
        raise ApiError(403, "only the customer's own lines can be spoken", field="sig", reason="bad_signature")
    path = await render_wav(text, cache_dir(request.app))
    if path is None:
        raise ApiError(503, "speech is not available on this server (espeak-ng)", reason="speech_unavailable")
    return web.FileResponse(path, headers={"Content-Type": "audio/wav", "Cache-Control": "private, max-age=86400"})
