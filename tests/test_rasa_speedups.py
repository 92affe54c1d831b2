"""The Rasa server's cached action-result validator gives jsonschema.validate's verdicts."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "call", "value": {"turn": 3}}], "responses": [{"text": "喂？"}]},
    {"events": [{"event": "action", "name": "action_listen"}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"event": "slot"}]},  # a slot event without its name
    {"responses": ["text instead of an object"]},
    [],
]


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    rasa_speedups.apply()
    return RemoteAction("action_pick_up", None)


@pytest.mark.parametrize("result", VALID)
def test_a_valid_action_result_passes_as_with_jsonschema(patched, result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert patched._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_an_invalid_action_result_fails_as_with_jsonschema_and_says_where_to_look(patched, result):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as caught:
        patched._validate_action_result(result)
    assert "Failed to validate Action server response" in caught.value.message
