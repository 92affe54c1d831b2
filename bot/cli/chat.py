"""Terminal rehearsal: the trained model in-process, the action server as a child process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

HANGUP_HINT = "输入 /hangup 挂断电话，Ctrl-D 退出。"


def _reachable(url: str) -> bool:
    try:
        urllib.request.urlopen(url.replace("/webhook", "/health"), timeout=1)
        return True
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def action_server(url: str) -> Iterator[None]:
    """Use a running action server, or start one for the length of the chat."""
    if _reachable(url):
        yield
        return
    port = url.rsplit(":", 1)[1].split("/")[0]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "actions"],
        env={**os.environ, "PEILIAN_ACTIONS_PORT": port},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _reachable(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the action server did not start (try `make run` in another terminal)")
            time.sleep(0.5)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _converse(model: str, actions_url: str, metadata: Dict[str, Any]) -> None:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.utils.endpoints import EndpointConfig

    from bot.messages import MessageError, message_text
    from bot.nlu.model import quiet_rasa
    from bot.secrets import actions_token

    quiet_rasa()
    agent = Agent.load(model, action_endpoint=EndpointConfig(actions_url, token=actions_token()))
    sender = f"chat-{uuid.uuid4().hex[:8]}"

    async def say(text: str) -> List[Dict[str, Any]]:
        channel = CollectingOutputChannel()
        text = message_text(text, allow_controls=True)  # typed words are speech; /hangup hangs up
        await agent.handle_message(UserMessage(text, channel, sender, metadata=metadata))
        return channel.messages

    def show(messages: List[Dict[str, Any]]) -> bool:
        ended = False
        for message in messages:
            if message.get("text"):
                print(f"客户> {message['text']}")
            event = (message.get("custom") or {}).get("event")
            if event == "hangup":
                by = message["custom"].get("by")
                print("(客户挂断了电话)" if by == "customer" else "(您挂断了电话)")
                ended = True
            elif event == "ringing":
                print("(电话铃响了……请接听，先开口问候。)")
        return ended

    print(HANGUP_HINT)
    if show(await say("/start_call")):
        return
    while True:
        try:
            text = input("你> ").strip()
        except EOFError:
            print()
            return
        try:
            if text and show(await say(text)):
                return
        except MessageError as error:
            print(f"(没有发送：{error})")


def run_chat(persona: Optional[str], seed: Optional[int], model: str, actions_url: str) -> int:
    if not Path(model).exists():
        print(f"no trained model at {model}: run `make model` first", file=sys.stderr)
        return 2
    from bot.settings import Settings
    from bot.store.database import database

    database(Settings.from_env().database_url).upgrade()  # the finished call is stored there
    metadata = {k: v for k, v in {"persona": persona, "seed": seed}.items() if v is not None}
    metadata.update(source="chat", trainee=os.environ.get("USER", "")[:64])
    with action_server(actions_url):
        asyncio.run(_converse(model, actions_url, metadata))
    return 0
