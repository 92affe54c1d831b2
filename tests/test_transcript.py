"""The transcript format: loading, errors that name the entry, and the YAML round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.tracker_events import turns_from_events
from bot.transcript import TranscriptError, load_transcript, parse_transcript

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "call.yml"
    path.write_text(text, "utf-8")
    return path


def test_persona_fills_in_company_and_customer():
    transcript = load_transcript(FIXTURES / "car_good.yml")
    assert transcript.call.company == "星辰汽车4S店" and transcript.call.customer_surname == "王"
    assert transcript.hangup == "customer"
    assert [t.number for t in transcript.turns] == list(range(1, 15))


@pytest.mark.parametrize(
    "body, entry, message",
    [
        ("call: {direction: inbound, company: A}\nturns:\n  - trainee: 您好\n  - salesman: 喂\n", "turns[2]", "unknown speaker"),
        ("call: {direction: sideways, company: A}\nturns:\n  - trainee: 您好\n", "call.direction", "inbound or outbound"),
        ("call: {direction: inbound}\nturns:\n  - trainee: 您好\n", "call.company", "is required"),
        ("call: {direction: inbound, company: A}\nturns:\n  - hangup: customer\n  - trainee: 您好\n", "turns[1]", "last entry"),
        ("call: {direction: inbound, company: A}\nturns:\n  - trainee: 您好\n  - hangup: nobody\n", "turns[2]", "trainee or customer"),
        ("call: {direction: inbound, company: A}\nturns:\n  - customer: 喂\n", "turns", "no trainee turn"),
        ("call: {direction: inbound, company: A, persona: nobody_here}\nturns:\n  - trainee: 您好\n", "call.persona", "unknown"),
        ("call: [\n", "yaml", ""),
    ],
)
def test_errors_name_the_file_and_entry(tmp_path, body, entry, message):
    path = write(tmp_path, body)
    with pytest.raises(TranscriptError) as error:
        load_transcript(path)
    assert error.value.entry == entry and message in error.value.message
    assert str(error.value).startswith(str(path))


def test_wrong_entry_has_its_line(tmp_path):
    path = write(tmp_path, "call: {direction: inbound, company: A}\nturns:\n  - trainee: 您好\n  - salesman: 喂\n")
    with pytest.raises(TranscriptError) as error:
        load_transcript(path)
    assert error.value.line == 4


def test_yaml_round_trip_keeps_turns_and_hangup():
    transcript = load_transcript(FIXTURES / "car_good.yml")
    import yaml

    again = parse_transcript(yaml.safe_load(transcript.to_yaml()))
    assert again.turns == transcript.turns and again.hangup == transcript.hangup
    assert again.call == transcript.call


def test_events_to_turns_skip_control_messages_and_scorecards():
    events = [
        {"event": "user", "text": "您好，我是小李", "parse_data": {"intent": {"name": "greet"}}},  # an earlier call
        {"event": "user", "text": "/hangup", "parse_data": {"intent": {"name": "hangup"}}},
        {"event": "user", "text": "开始练习", "parse_data": {"intent": {"name": "start_call"}}},
        {"event": "bot", "text": "喂，哪位？", "data": {}},
        {"event": "user", "text": "您好，我是小王", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "bot", "text": "好的，再见。", "data": {"custom": {"event": "hangup", "by": "customer"}}},
        {"event": "bot", "text": "通话评分：80/100", "data": {"custom": {"event": "scorecard"}}},
    ]
    pairs, parses, hangup = turns_from_events(events)
    assert pairs == [("customer", "喂，哪位？"), ("trainee", "您好，我是小王"), ("customer", "好的，再见。")]
    assert parses[0]["intent"]["name"] == "greet" and hangup == "customer"


def test_rings_round_trip_and_bad_rings_are_named(tmp_path):
    good = tmp_path / "rings.yml"
    good.write_text("call: {direction: inbound, company: 星辰汽车4S店, rings: 4}\nturns:\n  - trainee: 您好\n",
                    encoding="utf-8")
    transcript = load_transcript(good)
    assert transcript.call.rings == 4 and "rings: 4" in transcript.to_yaml()
    bad = tmp_path / "bad.yml"
    bad.write_text("call:\n  direction: inbound\n  company: 星辰汽车4S店\n  rings: many\nturns:\n  - trainee: 您好\n",
                   encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"bad.yml:4: call.rings"):
        load_transcript(bad)


def test_a_start_call_in_the_middle_of_a_call_drops_nothing():
    from bot.tracker_events import turns_from_events

    def user(text, intent):
        return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}

    def bot(text, custom=None):
        return {"event": "bot", "text": text, "data": {"custom": custom} if custom else {}}

    first_call = [user("/start_call", "start_call"), user("你烦不烦", "rude"), bot("你这什么态度？"),
                  user("/start_call", "start_call"), user("您好", "greet"), bot("你好")]
    pairs, _, _ = turns_from_events(first_call)
    assert [t for _, t in pairs] == ["你烦不烦", "你这什么态度？", "您好", "你好"]
    second_call = first_call + [bot("再见", {"event": "hangup", "by": "customer"}),
                                user("/start_call", "start_call"), user("喂您好", "greet")]
    pairs, _, hangup = turns_from_events(second_call)
    assert [t for _, t in pairs] == ["喂您好"] and hangup is None
    inbound_rest = [user("您好", "greet"), bot("你好"), user("/start_call", "start_call"), user("请问您贵姓", "ask_name")]
    assert [t for _, t in turns_from_events(inbound_rest)[0]] == ["您好", "你好", "请问您贵姓"]
