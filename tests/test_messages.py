"""What a message to the customer may be (bot.messages): the one set of limits every channel uses."""

from __future__ import annotations

import pytest

from bot.messages import (MAX_MESSAGE_CHARS, MAX_METADATA_BYTES, MessageError, check_sender, clean_metadata,
                          message_text, spoken)


@pytest.mark.parametrize("typed", ["/restart", "/goodbye", '/ask_name{"addressee": "王先生"}', "  /hangup", "/start_call",
                                   "/silence", "/action_grade"])
def test_typed_commands_become_words(typed):
    said = message_text(typed, allow_controls=False)
    assert not said.startswith("/") and said.startswith("／")
    assert said[1:] == typed.strip()[1:]  # nothing else of what was said is lost


def test_only_the_control_payloads_pass_where_controls_are_allowed():
    assert message_text("/start_call", allow_controls=True) == "/start_call"
    assert message_text("/hangup", allow_controls=True) == "/hangup"
    assert message_text("/silence", allow_controls=True) == "/silence"
    assert message_text('/silence{"x": 1}', allow_controls=True).startswith("／")
    assert message_text("/restart", allow_controls=True) == "／restart"
    assert message_text('/start_call{"persona": "x"}', allow_controls=True).startswith("／")
    assert spoken("您好") == "您好"


@pytest.mark.parametrize("text, reason", [("", "empty_message"), ("   ", "empty_message"), (None, "empty_message"),
                                          (42, "empty_message"), ("好" * (MAX_MESSAGE_CHARS + 1), "message_too_long")])
def test_bad_text_is_refused_with_a_reason(text, reason):
    with pytest.raises(MessageError) as error:
        message_text(text, allow_controls=True)
    assert error.value.problems[0][1] == reason


def test_every_bad_metadata_field_is_named_not_only_the_first():
    with pytest.raises(MessageError) as error:
        clean_metadata({"seed": "abc", "date": "2026-13-45", "rings": -5, "color": "red", "persona": "x"}, trusted=False)
    fields = {f for f, _, _ in error.value.problems}
    assert fields == {"metadata.seed", "metadata.date", "metadata.rings", "metadata.color"}


def test_server_measured_keys_only_from_a_trusted_caller():
    with pytest.raises(MessageError) as error:
        clean_metadata({"rings": 0, "trainee": "alice", "source": "widget", "user_id": 3}, trusted=False)
    assert {r for _, r, _ in error.value.problems} == {"untrusted_metadata"}
    assert clean_metadata({"rings": 0, "trainee": "alice", "source": "widget", "user_id": 3}, trusted=True)["rings"] == 0


@pytest.mark.parametrize("bad", [{"rings": -5}, {"rings": 100}, {"rings": True}, {"user_id": 0}, {"source": "import"},
                                 {"date": "9999-12-31"}, {"date": "1900-01-01"}])
def test_trusted_values_are_still_checked(bad):
    with pytest.raises(MessageError):
        clean_metadata(bad, trusted=True)


def test_oversized_or_odd_metadata_is_refused():
    with pytest.raises(MessageError) as error:
        clean_metadata({"persona": "car_showroom_inbound", "junk": "x" * MAX_METADATA_BYTES}, trusted=True)
    assert error.value.problems[0][1] == "metadata_too_large"
    with pytest.raises(MessageError):
        clean_metadata(["persona"], trusted=False)
    assert clean_metadata(None, trusted=False) == {}
    good = clean_metadata({"persona": "car_showroom_inbound", "seed": 7, "date": "2026-11-22"}, trusted=False)
    assert good == {"persona": "car_showroom_inbound", "seed": 7, "date": "2026-11-22"}


def test_senders():
    assert check_sender(None, trusted=False)[1] == "missing_sender"
    assert check_sender("", trusted=False)[1] == "missing_sender"
    assert check_sender("a b", trusted=False)[1] == "bad_sender"
    assert check_sender("x" * 65, trusted=False)[1] == "bad_sender"
    assert check_sender("web-0123", trusted=False)[1] == "reserved_sender"
    assert check_sender("web-0123", trusted=True) is None
    assert check_sender("trainee-1", trusted=False) is None
