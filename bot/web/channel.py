"""Rasa's socketio channel, fixed for the web widget. credentials.yml names this class instead of
`socketio`. Two bugs of Rasa 3.6's channel with the python-socketio 5.x it installs:

- `session_request` calls `AsyncServer.enter_room` without awaiting it (a coroutine since
  python-socketio 5.10), so with session persistence no answer ever reaches the browser;
- `SocketIOOutput.send_custom_json` passes the payload as keyword arguments to `emit`, so
  `{"event": "hangup", ...}` raises TypeError. Here it is emitted as `{"custom": payload}`, the
  shape the REST channel returns.
"""

from __future__ import annotations

import inspect
import json
import uuid
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint


REFUSE_ABOVE_CHARS = 2000  # the widget refuses far shorter turns; this guards the NLU from pastes


def _refused(message: Any) -> Optional[str]:
    if not isinstance(message, str) or not message.strip():
        return "empty_message"
    if len(message) > REFUSE_ABOVE_CHARS:
        return "message_too_long"
    return None


class CustomPayloadOutput(SocketIOOutput):
    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOChannel(SocketIOInput):
    """The socketio input channel, answering through CustomPayloadOutput."""

    def get_output_channel(self) -> Optional[CustomPayloadOutput]:
        if getattr(self, "sio", None) is None:
            return None
        return CustomPayloadOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)
        sio = self.sio

        # Each handler below replaces the parent's for the same event (one handler per event).
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            session_id = (data or {}).get("session_id") if isinstance(data, dict) else None
            session_id = session_id if isinstance(session_id, str) and session_id else uuid.uuid4().hex
            if self.session_persistence:
                entered = sio.enter_room(sid, session_id)
                if inspect.isawaitable(entered):
                    await entered
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Dict) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                if not data.get("session_id"):
                    return
                sender_id = data["session_id"]
            else:
                sender_id = sid
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            message = data.get("message")
            problem = _refused(message)
            if problem:  # answered with a reason instead of a confused customer
                await sio.emit(self.bot_message_evt, {"custom": {"event": "error", "reason": problem}}, room=sid)
                return
            await on_new_message(UserMessage(
                message,
                CustomPayloadOutput(sio, self.bot_message_evt),
                sender_id,
                input_channel=self.name(),
                metadata=metadata if isinstance(metadata, dict) else {},
            ))

        return webhook
