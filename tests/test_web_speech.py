"""/api/speech: the customer's lines as Mandarin speech (espeak-ng), only lines this server sent,
only for visitors who may practise. The renders are real espeak-ng runs (Debian package)."""

from __future__ import annotations

import asyncio
import shutil
from urllib.parse import parse_qs, urlparse

import pytest

from bot.store import users
from bot.web import speech

pytestmark = pytest.mark.servers  # runs espeak-ng, which `make test-servers` installs

LINE = "我想问一下你们星辰X5现在什么价格？"


async def test_a_signed_line_is_spoken_as_a_wav_and_kept(web):
    browser = await web.browser()
    url = speech.speech_url(web.server.app["speech_key"], LINE)
    response = await browser.get(url)
    assert response.status == 200 and response.headers["Content-Type"] == "audio/wav"
    body = await response.read()
    assert body[:4] == b"RIFF" and body[8:12] == b"WAVE" and len(body) > 20_000  # about 2 s of speech
    cached = list((web.settings.var_dir / "speech").glob("*.wav"))
    assert len(cached) == 1
    again = await browser.get(url)
    assert await again.read() == body and len(list((web.settings.var_dir / "speech").glob("*.wav"))) == 1


async def test_text_the_server_did_not_sign_is_refused(web):
    browser = await web.browser()
    url = speech.speech_url(web.server.app["speech_key"], LINE)
    forged = urlparse(url)._replace(query=f"text=随便说点什么&sig={parse_qs(urlparse(url).query)['sig'][0]}").geturl()
    for path, status, reason in ((forged, 403, "bad_signature"), ("/api/speech?text=你好", 403, "bad_signature"),
                                 ("/api/speech", 400, "bad_text"), ("/api/speech?text=" + "好" * 501, 400, "bad_text")):
        response = await browser.get(path)
        assert response.status == status and (await response.json())["reason"] == reason, path
    assert not (web.settings.var_dir / "speech").exists()  # nothing was rendered


async def test_speech_needs_a_visitor_who_may_practise(web):
    users.set_open_practice(web.db, False)
    response = await (await web.browser()).get(speech.speech_url(web.server.app["speech_key"], LINE))
    assert response.status == 401


async def test_without_espeak_the_server_says_so(web, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    response = await (await web.browser()).get(speech.speech_url(web.server.app["speech_key"], "没有声音"))
    assert response.status == 503 and (await response.json())["reason"] == "speech_unavailable"


async def test_a_signature_with_any_characters_is_a_403_not_a_500(web):
    response = await (await web.browser()).get("/api/speech?text=%E4%BD%A0%E5%A5%BD&sig=%C3%A9")
    assert response.status == 403 and (await response.json())["reason"] == "bad_signature"


async def test_the_same_new_line_asked_for_at_once_is_rendered_once(web):
    browsers = [await web.browser() for _ in range(4)]
    url = speech.speech_url(web.server.app["speech_key"], "同一句话同时来了四次")
    bodies = await asyncio.gather(*(read(b, url) for b in browsers))
    assert len(set(bodies)) == 1 and bodies[0][:4] == b"RIFF"
    folder = web.settings.var_dir / "speech"
    assert len(list(folder.glob("*.wav"))) == 1 and not list(folder.glob("*.part"))


async def read(browser, url: str) -> bytes:
    response = await browser.get(url)
    assert response.status == 200, response.status
    return await response.read()
