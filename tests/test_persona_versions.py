"""Personas edited during a class: a call keeps the version it started with, a broken save keeps
serving the last good version (also after a restart), and a turn does not re-parse the files.
The actions run on JSON tracker fixtures against a test's own persona folder and var/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa_sdk.executor import CollectingDispatcher

import bot.personas.registry as registry_module
from actions.actions import ActionReactToAnswer, ActionReactToGreeting
from bot.personas import PersonaRegistry, default_registry
from tests.conftest import load_tracker, slot_value

ID = "car_showroom_inbound"
PRICE_ASKS = "      - 我想问一下你们星辰X5现在什么价格？\n      - 我想问下X5落地大概要多少钱？\n"
CONFIG_ASKS = "      - X5有几个配置啊？低配和高配差在哪？\n      - 那X5都有哪几款？顶配带什么？\n"
V1_CONFIG = ("X5有几个配置啊？低配和高配差在哪？", "那X5都有哪几款？顶配带什么？")
V2_PRICE, V2_CONFIG = "新版：X5现在卖多少钱？", "新版：X5有哪几个配置？"


@pytest.fixture
def folder(persona_folder, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PEILIAN_VAR_DIR", str(tmp_path / "var"))
    assert default_registry().archive == tmp_path / "var" / "personas"
    return persona_folder


def save(folder: Path, old: str, new: str) -> None:
    """A trainer's save of the published file (a fresh mtime, as an editor gives it)."""
    path = folder / f"{ID}.yml"
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def save_v2(folder: Path) -> None:
    save(folder, PRICE_ASKS, f"      - {V2_PRICE}\n")
    save(folder, CONFIG_ASKS, f"      - {V2_CONFIG}\n")


def break_it(folder: Path) -> None:
    save(folder, "direction: inbound", "direction: sideways")
    save(folder, "  surname: 王\n", "")


def restart() -> None:
    """A new action-server process: nothing remembered but what is on disk."""
    registry_module._default = None


async def run(action: Any, tracker_name: str, call: Optional[Dict[str, Any]] = None) -> Tuple[str, Dict[str, Any]]:
    """The customer's one message and the call state after it."""
    tracker = load_tracker(tracker_name)
    if call is not None:
        tracker.slots["call"] = call
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    (message,) = dispatcher.messages
    text, call = message.get("text") or "", slot_value(events, "call")
    assert call is not None, text  # e.g. 「找不到可用的客户角色」: the action stored no call
    return text, call


async def start_call() -> Tuple[str, Dict[str, Any]]:
    """An inbound call's first turn: the customer's first question, and the new call's state."""
    first, call = await run(ActionReactToGreeting(), "first_turn_greet")
    assert call["persona_version"] == default_registry().get(ID).version
    return first, call


async def next_question(call: Dict[str, Any]) -> str:
    """The customer's reply when the trainee answers the price: the next (configuration) ask
    (the price push-back, at most 3 by the schema, counted as done)."""
    text, _ = await run(ActionReactToAnswer(), "price_pending", dict(call, price_pushes=3))
    return text


async def test_a_call_keeps_the_version_it_started_with_after_a_valid_edit(folder):
    _, call = await start_call()
    save_v2(folder)

    reply = await next_question(call)
    assert any(ask in reply for ask in V1_CONFIG) and V2_CONFIG not in reply, reply
    restart()
    reply = await next_question(call)  # a new process reads the copy kept in var/
    assert any(ask in reply for ask in V1_CONFIG), reply

    first, new_call = await start_call()
    assert new_call["persona_version"] != call["persona_version"]
    assert V2_PRICE in first and V2_CONFIG in await next_question(new_call)


async def test_a_broken_save_keeps_calls_going_on_the_last_good_version(folder):
    _, call = await start_call()
    save_v2(folder)
    v2 = default_registry().get(ID).version
    break_it(folder)

    reply = await next_question(call)
    assert "找不到可用的客户角色" not in reply and any(ask in reply for ask in V1_CONFIG), reply
    for fresh in (False, True):  # the running process, then a restart that finds only var/
        if fresh:
            restart()
        first, new_call = await run(ActionReactToGreeting(), "first_turn_greet")
        assert "找不到" not in first and V2_PRICE in first and new_call["persona_version"] == v2
        personas, broken = default_registry().scan_all()
        (file,) = broken
        assert personas[ID].version == v2 and file.serving is not None and file.serving.version == v2
        assert {p.field for p in file.error.problems} == {"direction", "customer.surname"}


async def test_a_file_that_never_loaded_is_not_in_the_lobby(folder):
    (folder / "newcomer.yml").write_text(
        (folder / f"{ID}.yml").read_text("utf-8").replace(f"id: {ID}", "id: newcomer").replace("class: C", "class: Z"),
        "utf-8",
    )
    personas, broken = default_registry().scan_all()
    assert "newcomer" not in personas
    assert [(b.error.field, b.serving) for b in broken] == [("class", None)]


def test_a_file_is_parsed_only_when_its_bytes_change(folder, monkeypatch):
    parsed: List[str] = []
    real = registry_module.parse_persona

    def counting(data: bytes, path: Path):
        parsed.append(path.name)
        return real(data, path)

    monkeypatch.setattr(registry_module, "parse_persona", counting)
    registry = PersonaRegistry(folder)
    registry.scan()
    first = len(parsed)
    assert first == len(list(folder.glob("*.yml")))
    for _ in range(3):
        registry.get(ID)
    assert len(parsed) == first  # turns don't parse

    path = folder / f"{ID}.yml"
    before = path.stat()
    path.write_bytes(path.read_bytes())  # saved unchanged
    registry.get(ID)
    assert len(parsed) == first

    # A same-size change saved within the same clock tick: the stamp is equal, the bytes are not.
    text = path.read_text("utf-8")
    path.write_text(text.replace("surname: 王", "surname: 赵"), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert registry.get(ID).surname == "赵" and len(parsed) == first + 1


def test_kept_copies_are_private_and_named_by_version(folder):
    persona, archive = default_registry().get(ID), default_registry().archive
    assert archive is not None
    copy = archive / ID / f"{persona.version}.yml"
    assert copy.read_bytes() == (folder / f"{ID}.yml").read_bytes()
    assert copy.stat().st_mode & 0o077 == 0 and copy.parent.stat().st_mode & 0o077 == 0
    # A version from a call's state never walks out of the archive.
    assert default_registry().get(ID, "../../../etc/passwd").version == persona.version
