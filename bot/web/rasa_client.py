"""The web app's line to Rasa: one REST-channel request per turn, with Rasa's token, so the
metadata it carries (rings, trainee, source) is trusted by bot.channels.rest."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp

from bot.web.errors import ApiError


@dataclass
class Reply:
    """What Rasa answered to one turn: the customer's words, and the end of the call if it ended."""

    texts: List[str] = field(default_factory=list)
    hangup_by: Optional[str] = None
    error: Optional[Dict[str, Any]] = None

    @property
    def unanswered(self) -> bool:
        """Nothing at all came back: every trainee turn gets an answer, so the customer's action failed."""
        return not self.texts and self.hangup_by is None and self.error is None

    @classmethod
    def from_messages(cls, messages: List[Dict[str, Any]]) -> Reply:
        reply = cls()
        for message in messages:
            custom = message.get("custom") or {}
            if custom.get("event") == "hangup":
                reply.hangup_by = reply.hangup_by or custom.get("by")
            elif custom.get("event") == "error":
                reply.error = custom
            # After the hang-up Rasa sends the product's summary: the stored scorecard replaces it.
            elif message.get("text") and reply.hangup_by is None:
                reply.texts.append(message["text"])
        return reply


class RasaClient:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url.rstrip("/"), token
        self.http: Optional[aiohttp.ClientSession] = None

    async def start(self) -> None:
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()

    async def say(self, sender: str, text: str, metadata: Dict[str, Any]) -> Reply:
        assert self.http is not None
        try:
            async with self.http.post(
                f"{self.url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text, "metadata": metadata},
                headers={"Authorization": f"Bearer {self.token}"},
            ) as response:
                body = await response.json(content_type=None)
                if response.status == 400:
                    raise ApiError(400, body.get("error", "refused"), field="text", reason=body.get("reason"))
                if response.status != 200 or not isinstance(body, list):
                    raise ApiError(502, f"the customer's server answered {response.status}", reason="rasa_error")
                return Reply.from_messages(body)
        except aiohttp.ClientError as error:
            raise ApiError(503, f"the customer's server is not reachable: {error}", reason="rasa_down") from None

    async def parse(self, text: str) -> Dict[str, Any]:
        """The trained model's reading of one trainee turn (Rasa's /model/parse, with the token)."""
        assert self.http is not None
        try:
            async with self.http.post(
                f"{self.url}/model/parse", params={"token": self.token}, json={"text": text}
            ) as response:
                if response.status != 200:
                    raise ApiError(502, f"the customer's server answered {response.status}", reason="rasa_error")
                return await response.json()
        except aiohttp.ClientError as error:
            raise ApiError(503, f"the customer's server is not reachable: {error}", reason="rasa_down") from None

    async def ready(self) -> bool:
        assert self.http is not None
        try:
            async with self.http.get(
                f"{self.url}/status", params={"token": self.token}, timeout=aiohttp.ClientTimeout(total=3)
            ) as response:
                return response.status == 200
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError):
            return False
