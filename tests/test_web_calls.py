"""Who may start, play and read a call, and what a request may carry (no Rasa needed: these
requests are refused, or finish, before the customer is asked)."""

from __future__ import annotations

import pytest

from bot.store import calls, users
from tests.test_store import scorecard, transcript

PLAY = ("answer", "turns", "hangup", "record-card")


async def start_call(browser, persona="car_showroom_inbound", **extra):
    response = await browser.post("/api/calls", {"persona": persona, **extra})
    assert response.status == 201, await response.text()
    return (await response.json())["call"]


def finish(web, call_id: str) -> None:
    """End a web call as the action server does at hang-up."""
    call = calls.get_call(web.db, call_id)
    calls.mark_answered(web.db, call_id, 1)
    calls.finish_call(web.db, conversation_id=call.conversation_id, source="widget", transcript=transcript(),
                      scorecard=scorecard(), customer_state={"persona_id": "car_showroom_inbound", "seed": 1,
                                                             "call_date": "2026-11-22", "patience": 3})


async def logged_in(web, name: str, role: str):
    users.add_user(web.db, name, "secret pass", role)
    browser = await web.browser()
    assert (await browser.login(name, "secret pass")).status == 200
    return browser


async def test_a_call_gets_a_server_issued_id_and_rings(web):
    browser = await web.browser()
    call = await start_call(browser, seed=42, trainee="李明")
    assert len(call["id"]) == 32 and call["status"] == "ringing" and call["direction"] == "inbound"
    stored = calls.get_call(web.db, call["id"])
    assert stored.trainee == "李明" and stored.seed == 42 and stored.user_id is None and stored.browser_id
    outbound = await start_call(browser, persona="truck_followup_outbound")
    assert outbound["status"] == "dialling"


@pytest.mark.parametrize("body, field", [
    ({"persona": "nobody"}, "persona"),
    ({"persona": 7}, "persona"),
    ({"persona": "car_showroom_inbound", "seed": "abc"}, "seed"),
    ({"persona": "car_showroom_inbound", "seed": -1}, "seed"),
    ({"persona": "car_showroom_inbound", "seed": True}, "seed"),
    ({"persona": "car_showroom_inbound", "rings": 0}, "rings"),
    ({"persona": "car_showroom_inbound", "scorecard": {"score": 100}}, "scorecard"),
    ({"persona": "car_showroom_inbound", "trainee": "名" * 41}, "trainee"),
])
async def test_bad_calls_get_400_naming_the_field(web, body, field):
    browser = await web.browser()
    response = await browser.post("/api/calls", body)
    assert response.status == 400 and (await response.json())["field"] == field


async def test_bad_json_and_bad_turns_get_400(web):
    browser = await web.browser()
    await browser.session()
    raw = await browser.client.post("/api/calls", data="not json", headers={"X-CSRF-Token": browser.csrf,
                                                                           "Content-Type": "application/json"})
    assert raw.status == 400 and (await raw.json())["field"] == "body"
    call = await start_call(browser)
    for text, reason in (("", "empty_message"), ("好" * 301, "message_too_long"), (None, "empty_message")):
        response = await browser.post(f"/api/calls/{call['id']}/turns", {"text": text})
        assert response.status == 400 and (await response.json())["reason"] == reason
    not_yet = await browser.post(f"/api/calls/{call['id']}/turns", {"text": "您好"})
    assert not_yet.status == 409 and (await not_yet.json())["reason"] == "not_answered"
    big = await browser.post(f"/api/calls/{call['id']}/turns", {"text": "x" * 70_000})
    assert big.status == 413


async def test_nobody_else_can_play_or_read_a_call(web):
    owner = await web.browser()
    call = await start_call(owner, trainee="李明")
    stranger = await web.browser()
    trainee = await logged_in(web, "zhang", "trainee")
    trainer = await logged_in(web, "tang", "trainer")
    for other in (stranger, trainee, trainer):
        for action in PLAY:
            response = await other.post(f"/api/calls/{call['id']}/{action}", {"text": "您好", "card": {"class": "C"}})
            assert response.status == 404, (action, response.status)  # the same as no call at all
        assert (await other.get(f"/api/calls/{call['id']}")).status == 404
        assert (await (await other.get("/api/calls")).json())["calls"] == []
    assert (await stranger.get("/api/calls/0123456789abcdef0123456789abcdef")).status == 404
    assert (await stranger.get("/api/calls/../../etc/passwd")).status == 404


async def test_evaluators_read_every_call_but_play_none(web):
    owner = await web.browser()
    call = await start_call(owner)
    finish(web, call["id"])
    evaluator = await logged_in(web, "eva", "evaluator")
    shown = await evaluator.get(f"/api/calls/{call['id']}")
    assert shown.status == 200 and (await shown.json())["call"]["scorecard"]["score"] == 15
    assert [c["id"] for c in (await (await evaluator.get("/api/calls")).json())["calls"]] == [call["id"]]
    for action in PLAY:
        response = await evaluator.post(f"/api/calls/{call['id']}/{action}", {"text": "您好", "card": {"class": "C"}})
        assert response.status == 403, action


async def test_an_anonymous_name_can_not_be_an_accounts_name(web):
    users.add_user(web.db, "alice", "secret pass", "trainee")
    browser = await web.browser()
    refused = await browser.post("/api/calls", {"persona": "car_showroom_inbound", "trainee": "alice"})
    assert refused.status == 400 and (await refused.json())["field"] == "trainee"
    call = await start_call(browser, trainee="alice2")
    evaluator = await logged_in(web, "eva", "evaluator")
    listed = (await (await evaluator.get("/api/calls")).json())["calls"]
    assert [(c["id"], c["anonymous"]) for c in listed] == [(call["id"], True)]


async def test_a_logged_in_trainee_owns_their_calls(web):
    li = await logged_in(web, "li", "trainee")
    call = await start_call(li, trainee="someone else")  # the account is the trainee, not the form
    stored = calls.get_call(web.db, call["id"])
    assert stored.trainee == "li" and stored.user_id is not None and stored.browser_id is None
    assert [c["id"] for c in (await (await li.get("/api/calls")).json())["calls"]] == [call["id"]]


async def test_when_open_practice_is_off_only_accounts_practise(web):
    anonymous = await web.browser()
    call = await start_call(anonymous)
    users.set_open_practice(web.db, False)
    assert (await anonymous.get("/api/personas")).status == 401
    refused = await anonymous.post("/api/calls", {"persona": "car_showroom_inbound"})
    assert refused.status == 401 and (await refused.json())["reason"] == "login_required"
    assert (await anonymous.get(f"/api/calls/{call['id']}")).status == 401
    assert (await anonymous.post(f"/api/calls/{call['id']}/turns", {"text": "您好"})).status == 401
    assert (await anonymous.get("/api/calls")).status == 401
    li = await logged_in(web, "li", "trainee")
    assert (await li.get("/api/personas")).status == 200
    assert (await li.get("/api/config")).status == 200  # public: limits and labels only


async def test_the_config_gives_a_record_card_form_per_call_direction(web):
    browser = await web.browser()
    forms = (await (await browser.get("/api/config")).json())["record_card"]["forms"]
    assert forms["inbound"]["title"] == "来电客户信息表" and forms["inbound"]["known"] == []
    assert forms["outbound"]["known"] == ["name", "phone"] and forms["outbound"]["title"] != "来电客户信息表"


async def test_the_record_card_is_checked_once_and_only_after_the_call(web):
    browser = await web.browser()
    call = await start_call(browser)
    card = {"card": {"name": "王先生", "class": "C"}}
    early = await browser.post(f"/api/calls/{call['id']}/record-card", card)
    assert early.status == 409 and (await early.json())["reason"] == "not_ended"
    finish(web, call["id"])
    bad = await browser.post(f"/api/calls/{call['id']}/record-card", {"card": {"class": "Z"}})
    assert bad.status == 400 and (await bad.json())["field"] == "class"
    first = await browser.post(f"/api/calls/{call['id']}/record-card", card)
    assert first.status == 200
    body = await first.json()
    assert body["record_card"]["card"]["name"] == "王先生" and body["scorecard"]["score"] == 15
    again = await browser.post(f"/api/calls/{call['id']}/record-card", {"card": {"name": "王先生", "class": "B"}})
    assert again.status == 409 and (await again.json())["reason"] == "already_submitted"
    shown = await (await browser.get(f"/api/calls/{call['id']}")).json()
    assert shown["call"]["record_card"]["card"]["class"] == "C"


async def test_an_outbound_cards_known_name_and_number_come_from_the_server_not_the_client(web):
    browser = await web.browser()
    call = await start_call(browser, persona="truck_followup_outbound")
    finish(web, call["id"])
    forged = {"card": {"name": "随便写", "phone": "10000000000", "class": "D"}}
    body = await (await browser.post(f"/api/calls/{call['id']}/record-card", forged)).json()
    fields = {f["field"]: f for f in body["record_card"]["fields"]}
    assert body["record_card"]["card"]["name"] == "马师傅" and body["record_card"]["card"]["phone"] == "15838276410"
    assert fields["phone"]["correct"] and fields["name"]["correct"]


async def test_a_second_answer_and_a_missed_call_are_refused(web):
    browser = await web.browser()
    call = await start_call(browser)
    calls.mark_answered(web.db, call["id"], 1)
    again = await browser.post(f"/api/calls/{call['id']}/answer")
    assert again.status == 409 and (await again.json())["reason"] == "already_answered"
    late = await start_call(browser)
    with web.db.session() as session:  # the phone has rung for a minute
        from datetime import datetime, timedelta

        from bot.store.schema import Call

        session.get(Call, late["id"]).created_at = datetime.utcnow() - timedelta(minutes=1)
    missed = await browser.post(f"/api/calls/{late['id']}/answer")
    assert missed.status == 409 and (await missed.json())["reason"] == "missed"
    assert calls.get_call(web.db, late["id"]).status == "missed"


async def test_rasa_down_is_a_clear_503(web):
    browser = await web.browser()
    call = await start_call(browser)
    response = await browser.post(f"/api/calls/{call['id']}/answer")
    assert response.status == 503 and (await response.json())["reason"] == "rasa_down"
    assert calls.get_call(web.db, call["id"]).status == "ringing"  # nothing lost: pick up again later




ROUTES = [("GET", "/api/personas"), ("GET", "/api/calls"), ("POST", "/api/calls"), ("GET", "/api/calls/{id}"),
          ("POST", "/api/calls/{id}/answer"), ("POST", "/api/calls/{id}/turns"), ("POST", "/api/calls/{id}/hangup"),
          ("POST", "/api/calls/{id}/record-card"), ("GET", "/api/settings"), ("POST", "/api/settings"),
          ("GET", "/api/speech?text=x")]
PUBLIC = [("GET", "/"), ("GET", "/widget.js"), ("GET", "/api/config"), ("GET", "/api/session")]


async def test_every_api_route_needs_a_login_when_open_practice_is_off(web):
    owner = await web.browser()
    call = await start_call(owner)
    users.set_open_practice(web.db, False)
    anonymous = await web.browser()
    await anonymous.session()
    for method, path in ROUTES:
        path = path.format(id=call["id"])
        response = await (anonymous.get(path) if method == "GET" else anonymous.post(path, {"persona": "x"}))
        assert response.status == 401, (method, path, response.status)
        assert (await response.json())["reason"] == "login_required"
    for method, path in PUBLIC:
        assert (await anonymous.get(path)).status == 200, path


async def test_the_role_matrix(web):
    """trainee/trainer: own calls only, no settings; evaluator: reads all, plays none; admin: all."""
    owner = await logged_in(web, "owner", "trainee")
    call = await start_call(owner)
    finish(web, call["id"])
    expected = {"trainee": (404, 403), "trainer": (404, 403), "evaluator": (200, 403), "admin": (200, 200)}
    for role, (read, settings) in expected.items():
        browser = await logged_in(web, f"someone-{role}", role)
        assert (await browser.get(f"/api/calls/{call['id']}")).status == read, role
        assert (await browser.get("/api/settings")).status == settings, role
        sees = [c["id"] for c in (await (await browser.get("/api/calls")).json())["calls"]]
        assert (call["id"] in sees) == (read == 200), role
