"""Rasa's REST channel with the limits of bot.messages. credentials.yml names this class.

    POST /webhooks/rest/webhook {"sender": "...", "message": "...", "metadata": {...}}

Refused with 400 and every problem named: a missing or malformed `sender`, an empty or over-long
message, unknown, bad or oversized metadata. Typed text is speech (`/restart` reaches the NLU as
words); the two control payloads `/start_call` and `/hangup` pass as commands. A caller holding
Rasa's token (`Authorization: Bearer ...`: the web app) may also send what the server measured:
rings, the trainee, the source, and may use the web app's own conversation ids.
"""

from __future__ import annotations

import hmac
import json
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.messages import MessageError, check_sender, clean_metadata, message_text
from bot.secrets import rasa_token

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 16 * 1024


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)  # readable Chinese for people using curl


def _bearer(request: Request) -> str:
    header = request.headers.get("Authorization", "")
    return header[len("Bearer ") :].strip() if header.startswith("Bearer ") else ""


class GuardedRestInput(InputChannel):
    """The `rest` channel: same URL and answer as Rasa's, with validation in front."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self, token: Optional[str] = None) -> None:
        self._token = token

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = rasa_token()
        return self._token

    def trusted(self, request: Request) -> bool:
        given = _bearer(request)
        return bool(given) and hmac.compare_digest(given.encode(), self.token.encode())

    def parse(self, request: Request) -> Dict[str, Any]:
        """sender, text and metadata of a valid request, or MessageError."""
        if len(request.body or b"") > MAX_BODY_BYTES:
            raise MessageError([("body", "body_too_large", f"is over {MAX_BODY_BYTES} bytes")])
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, RecursionError):
            raise MessageError([("body", "bad_json", "must be a JSON object")]) from None
        if not isinstance(body, dict):
            raise MessageError([("body", "bad_json", "must be a JSON object")])
        trusted = self.trusted(request)
        problems = []
        sender_problem = check_sender(body.get("sender"), trusted)
        if sender_problem:
            problems.append(sender_problem)
        text = metadata = None
        try:
            text = message_text(body.get("message"), allow_controls=True)
        except MessageError as error:
            problems += error.problems
        try:
            metadata = clean_metadata(body.get("metadata"), trusted)
        except MessageError as error:
            problems += error.problems
        if problems:
            raise MessageError(problems)
        if not trusted:
            metadata = {**(metadata or {}), "source": "rest"}
        return {"sender": body["sender"], "text": text, "metadata": metadata}

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                message = self.parse(request)
            except MessageError as error:
                return response.json(error.to_dict(), status=400, dumps=_dumps)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        message["text"],
                        collector,
                        message["sender"],
                        input_channel=self.name(),
                        metadata=message["metadata"],
                    )
                )
            except CancelledError:
                log.error("rest: message from %s timed out", message["sender"])
            except Exception:  # Rasa's own channel answers what it has; so do we, and log why
                log.exception("rest: message from %s failed", message["sender"])
            return response.json(collector.messages, dumps=_dumps)

        return webhook
