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
import tempfile
import time
from pathlib import Path
from typing import Dict, Optional
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


class Renderer:
    """One espeak-ng run per line at a time (others asking for it wait for that run), and at most
    one run per core at once. Made inside the app's event loop (`renderer` below)."""

    def __init__(self) -> None:
        self.running: Dict[str, asyncio.Future] = {}
        self.slots = asyncio.Semaphore(os.cpu_count() or 2)

    async def wav(self, text: str, folder: Path) -> Optional[Path]:
        """The cached WAV of `text`, rendered on first use; None when espeak-ng is missing or fails."""
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        path = folder / f"{digest}.wav"
        if path.exists():
            return path
        if digest in self.running:  # the same line, asked for again while it renders
            return await asyncio.shield(self.running[digest])
        done: asyncio.Future = asyncio.get_running_loop().create_future()
        self.running[digest] = done
        try:
            async with self.slots:
                result = await _render(text, folder, path)
            done.set_result(result)
            return result
        except BaseException as error:
            done.set_exception(error)
            done.exception()  # marked as seen: nobody may be waiting
            raise
        finally:
            del self.running[digest]


async def renderer(app: web.Application):
    app["speech_renderer"] = Renderer()
    yield


async def _render(text: str, folder: Path, path: Path) -> Optional[Path]:
    program = shutil.which(ESPEAK)
    if program is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=folder, suffix=".part")  # its own file, whoever else renders
    os.close(handle)
    partial = Path(name)
    process = None
    try:
        # The text on stdin, never on the command line: nothing in it can be read as an option.
        process = await asyncio.create_subprocess_exec(
            program, "-v", VOICE, "-s", WORDS_PER_MINUTE, "-w", str(partial), "--stdin",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await asyncio.wait_for(process.communicate(text.encode("utf-8")), RENDER_SECONDS)
        if process.returncode != 0 or not _is_wav(partial):
            return None
        partial.replace(path)  # atomic: a concurrent reader never sees half a file
    except asyncio.TimeoutError:
        return None
    finally:
        if process is not None and process.returncode is None:  # timed out, or the request was cancelled
            process.kill()
            await process.wait()
        partial.unlink(missing_ok=True)
    await asyncio.get_running_loop().run_in_executor(None, _trim, folder)
    return path


def _is_wav(path: Path) -> bool:
    with path.open("rb") as wav:
        head = wav.read(12)
    return head[:4] == b"RIFF" and head[8:12] == b"WAVE" and path.stat().st_size > 44


def _trim(folder: Path) -> None:
    """At most MAX_CACHED WAVs, the oldest dropped; .part files left by a crash go after a minute."""

    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:  # another process trimmed it first
            return 0.0

    now = time.time()
    for stale in folder.glob("*.part"):
        if now - modified(stale) > 60:
            stale.unlink(missing_ok=True)
    files = sorted(folder.glob("*.wav"), key=modified)
    for old in files[: max(0, len(files) - MAX_CACHED)]:
        old.unlink(missing_ok=True)


async def speak(request: web.Request) -> web.StreamResponse:
    who = await visitor(request)
    who.require_practice()
    text, signature = request.query.get("text", ""), request.query.get("sig", "")
    if not text or len(text) > MAX_TEXT_CHARS:
        raise ApiError(400, f"text must be 1 to {MAX_TEXT_CHARS} characters", field="text", reason="bad_text")
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, so a 500).
    if not hmac.compare_digest(signature.encode("utf-8"), _signature(request.app["speech_key"], text).encode()):
        raise ApiError(403, "only the customer's own lines can be spoken", field="sig", reason="bad_signature")
    path = await request.app["speech_renderer"].wav(text, cache_dir(request.app))
    if path is None:
        raise ApiError(503, "speech is not available on this server (espeak-ng)", reason="speech_unavailable")
    return web.FileResponse(path, headers={"Content-Type": "audio/wav", "Cache-Control": "private, max-age=86400"})
