"""Whole rehearsals in headless Chromium against the real servers: the widget on :8100 talks only
to the web app's JSON API (docs/api.md), which talks to Rasa and the action server. What the
server stored is read back from the store. Screenshots: test-output/browser."""

from __future__ import annotations

import re
import uuid
from typing import Any, Dict, List

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import SCREENSHOTS

pytestmark = [pytest.mark.servers, pytest.mark.browser]

GREETING = "您好，星辰汽车4S店，销售顾问小李为您服务！"
# Markup that would run script if it were ever put on the page as HTML. The name attack fits
# the 40-character limit on an anonymous trainee's name.
TURN_ATTACK = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>加粗</b>'
NAME_ATTACK = '<img src=x onerror="window.__xss=3">'


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def open_lobby(page: Page, servers, trainee: str = "测试学员", query: str = "") -> None:
    page.goto(f"{servers.web_url}/{query}")
    page.fill(".pl-trainee", trainee)


def open_exam(page: Page, servers, persona: str, seed: int, trainee: str = "测试学员") -> None:
    open_lobby(page, servers, trainee, f"?persona={persona}&seed={seed}")
    page.click(".pl-start-exam")


def pick_up_after(page: Page, rings: int) -> None:
    expect(page.locator(f'.pl-rings[data-rings="{rings}"]')).to_be_visible()
    page.click(".pl-pickup")


def say(page: Page, text: str) -> str:
    """Type one turn and return the customer's answer."""
    before = page.locator(".pl-customer").count()
    page.fill(".pl-input", text)
    page.press(".pl-input", "Enter")
    page.wait_for_function(f"document.querySelectorAll('.pl-customer').length > {before}")
    return page.locator(".pl-customer .pl-text").last.inner_text()


def fill_card(page: Page, **card: str) -> None:
    page.click(".pl-to-card")
    for field, value in card.items():
        if field == "class":
            page.select_option("select[name=class]", value)
        else:
            page.fill(f"input[name={field}]", value)
    page.click(".pl-submit-card")
    expect(page.locator(".pl-scorecard")).to_be_visible()


def criterion(page: Page, cid: str):
    return page.locator(f'.pl-criterion[data-criterion="{cid}"]')


def stored_call(page: Page, servers) -> Dict[str, Any]:
    """The call as the server stored it (the `call` of GET /api/calls/{id}), by the id the server issued."""
    call_id = page.evaluate("document.getElementById('peilian').peilian.callId")
    assert call_id, "the widget has no server-issued call id"
    call = servers.store.get_call(call_id)
    assert call, f"no stored call {call_id}"
    return call


def trainee_turns(call: Dict[str, Any]) -> List[str]:
    """The trainee's stored words (turns are stored when the call ends). A leading slash is stored
    made full-width, so that Rasa reads it as words; it reads back as the slash typed."""
    return [re.sub("^／", "/", turn["text"]) for turn in call["turns"] if turn["speaker"] == "trainee"]


def assert_no_markup(page: Page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#peilian img, #peilian script, #peilian b").count() == 0


def test_inbound_call_from_the_ringing_phone_to_the_scorecard(page, servers):
    open_exam(page, servers, "car_showroom_inbound", 11)
    expect(page.locator(".pl-rings")).to_contain_text("响铃")
    shot(page, "1-ringing")
    pick_up_after(page, 2)
    expect(page.locator(".pl-status")).to_contain_text("铃响 2 声")  # the server's count

    assert "X5" in say(page, GREETING)  # the price question
    say(page, "您好，X5的指导价是十八万八起，现在店里有两万的优惠")
    say(page, "价格这块电话里不好说，您来店里我给您申请最低价")
    assert "王" in say(page, "请问您贵姓？")
    assert "20万" in say(page, "王先生，您买车主要是家用吗？预算大概多少？")
    say(page, "王先生，X5有三个配置，顶配带全景天窗和自适应巡航")
    assert "周六上午" in say(page, "王先生，欢迎您来店里试驾，您看是周六上午还是周日下午方便？")
    say(page, "我们店在滨江路88号，到了您直接找我小李就行")
    assert "13912345678" in say(page, "王先生，方便留个电话吗？有优惠活动我及时通知您")
    say(page, "跟您确认一下，周六上午，滨江路88号，您的电话是13912345678，对吗？")
    shot(page, "2-in-call")
    page.wait_for_timeout(1100)  # the customer answers in ~30 ms: let the call clock pass a second
    say(page, "好的王先生，那我们周六上午见，谢谢您的来电，再见！")

    expect(page.locator(".pl-status")).to_contain_text("客户挂断了电话")
    expect(page.locator(".pl-input")).to_be_disabled()
    assert page.locator(".pl-timer").inner_text() != "00:00"
    shot(page, "3-customer-hung-up")

    fill_card(page, name="王先生", phone="139 1234 5678", interest="星辰X5", budget="二十万", visit="周六上午", **{"class": "C"})
    shot(page, "4-scorecard")
    expect(page.locator(".pl-record-result h2")).to_contain_text("6/6")
    expect(page.locator(".pl-cadence").first).to_contain_text("每周跟进一次")
    score = int(page.locator(".pl-score").inner_text())
    assert score >= 85
    assert page.locator(".pl-criterion").count() == 9
    greeting = criterion(page, "greeting")
    expect(greeting.locator(".pl-mark")).to_have_text("✓")
    expect(greeting).to_contain_text("铃响2声接听")
    expect(greeting.locator(".pl-evidence q")).to_have_text(GREETING)
    expect(greeting.locator(".pl-turn")).to_have_text("你的第1句")  # counted over the trainee's own turns
    expect(criterion(page, "name_capture").locator(".pl-evidence")).to_contain_text("请问您贵姓？")
    expect(criterion(page, "name_capture").locator(".pl-turn").first).to_have_text("你的第4句")

    # The score and the core criteria come first; the whole call follows with the graded words marked.
    order = page.evaluate("""() => ['.pl-score', '.pl-core', '.pl-transcript', '.pl-record-result']
        .map(s => document.querySelector(s).getBoundingClientRect().top)""")
    assert order == sorted(order), order
    assert page.locator(".pl-core .pl-criterion").count() == 4
    expect(page.locator(".pl-transcript .pl-trainee")).to_have_count(11)
    greeting_mark = page.locator('.pl-transcript mark[data-criterion="greeting"]').first
    expect(greeting_mark).to_have_class(re.compile("pl-hit-ok"))
    invitation = page.locator('.pl-transcript mark[data-criterion="invitation"]')
    assert any(text.startswith("滨江路88号") for text in invitation.all_inner_texts())  # the words, not the turn
    expect(page.locator(".pl-title")).to_be_focused()

    call = stored_call(page, servers)
    assert call["scorecard"]["score"] == score and call["record_card"]["correct"] == 6
    assert call["rings"] == 2 and call["trainee"] == "测试学员" and call["hangup_by"] == "customer"
    assert trainee_turns(call)[0] == GREETING


def test_outbound_call_the_trainee_hangs_up_first(page, servers):
    open_exam(page, servers, "truck_followup_outbound", 3)
    page.click(".pl-dial")
    expect(page.locator(".pl-customer")).to_have_count(1)  # the customer picks up and speaks first
    expect(page.locator(".pl-status")).to_contain_text("客户接听了")
    say(page, "马师傅您好，我是九鑫汽运服务站的小王，您现在方便接听电话吗？")
    page.click(".pl-hangup")
    expect(page.locator(".pl-status")).to_contain_text("你挂断了电话")
    shot(page, "5-trainee-hung-up")

    page.click(".pl-to-card")
    # An outbound card: the name and number the trainee dialled are on it already, read-only.
    expect(page.locator(".pl-title")).to_have_text("回访预约记录表")
    expect(page.locator("input[name=name]")).to_have_value("马师傅")
    expect(page.locator("input[name=phone]")).to_have_value("15838276410")
    expect(page.locator("input[name=phone]")).not_to_be_editable()
    expect(page.locator("input[name=interest]")).to_be_focused()
    page.select_option("select[name=class]", "A")
    page.click(".pl-submit-card")
    expect(page.locator(".pl-scorecard")).to_be_visible()
    shot(page, "6-trainee-hung-up-scorecard")
    closing = criterion(page, "closing")
    expect(closing.locator(".pl-mark")).to_have_text("✗")
    expect(closing).to_contain_text("先于客户挂断了电话")
    # Nothing about his timing or a visit came up before the hang-up: D, though his file says B.
    expect(page.locator(".pl-cadence.pl-right")).to_contain_text("D类")
    expect(page.locator(".pl-card-field.pl-bad")).to_have_count(1)
    expect(page.locator('.pl-card-field[data-field="class"]')).to_contain_text("应为D类")
    expect(page.locator('.pl-card-field[data-field="phone"]')).to_have_class(re.compile("pl-ok"))
    expect(page.locator(".pl-record-result h2")).to_contain_text("回访预约记录表")

    expect(closing.locator(".pl-better q")).to_contain_text("谢谢您的来电")  # a better line, from the rubric

    call = stored_call(page, servers)
    assert call["hangup_by"] == "trainee" and call["rings"] is None
    assert call["scorecard"]["score"] == int(page.locator(".pl-score").inner_text())

    # 「再打一次」: the same customer (persona and seed) rings again as a new call.
    page.click(".pl-retry")
    page.click(".pl-dial")
    expect(page.locator(".pl-customer")).to_have_count(1)
    again = page.evaluate("document.getElementById('peilian').peilian.callId")
    assert again != call["id"]
    assert servers.store.get_call(again)["seed"] == call["seed"] == 3


def test_bad_messages_are_not_sent_and_a_failed_turn_is_not_lost(page, servers):
    open_exam(page, servers, "car_showroom_inbound", 5)
    pick_up_after(page, 4)
    expect(page.locator(".pl-status")).to_contain_text("铃响 4 声")
    say(page, GREETING)

    lines = page.locator(".pl-line").count()
    page.fill(".pl-input", "   ")
    expect(page.locator(".pl-send")).to_be_disabled()
    page.press(".pl-input", "Enter")
    page.fill(".pl-input", "好" * 301)
    expect(page.locator(".pl-count")).to_have_class(re.compile("pl-over"))
    page.click(".pl-send")
    expect(page.locator(".pl-notice")).to_contain_text("超过了300字")
    assert page.locator(".pl-line").count() == lines
    shot(page, "7-refusals")

    # The network drops one turn: the call goes on and the words come back to the input.
    answer = "您好，X5的指导价是十八万八起，现在店里有两万的优惠"
    page.route("**/api/calls/*/turns", lambda route: route.abort(), times=1)
    page.fill(".pl-input", answer)
    page.press(".pl-input", "Enter")
    expect(page.locator(".pl-notice")).to_contain_text("已放回输入框")
    expect(page.locator(".pl-input")).to_have_value(answer)
    assert page.locator(".pl-line").count() == lines
    before = page.locator(".pl-customer").count()
    page.press(".pl-input", "Enter")
    expect(page.locator(".pl-customer")).to_have_count(before + 1)
    expect(page.locator(".pl-trainee .pl-text").last).to_have_text(answer)

    page.click(".pl-hangup")
    fill_card(page, **{"class": "C"})
    greeting = criterion(page, "greeting")
    expect(greeting.locator(".pl-mark")).to_have_text("✗")
    expect(greeting).to_contain_text("铃响4声")
    call = stored_call(page, servers)
    assert call["rings"] == 4
    assert trainee_turns(call) == [GREETING, answer]  # nothing refused was stored, nothing twice


def test_markup_in_the_name_and_in_a_turn_stays_text(page, servers):
    open_exam(page, servers, "car_showroom_inbound", 5, trainee=NAME_ATTACK)
    pick_up_after(page, 1)
    expect(page.locator(".pl-me")).to_have_text("学员：" + NAME_ATTACK)
    say(page, GREETING)
    say(page, TURN_ATTACK)
    expect(page.locator(".pl-log .pl-trainee .pl-text").last).to_have_text(TURN_ATTACK)
    assert_no_markup(page)
    shot(page, "8-markup-in-call")

    page.click(".pl-hangup")
    fill_card(page, **{"class": "C"})
    expect(page.locator(".pl-me")).to_have_text("学员：" + NAME_ATTACK)
    # The markup is shown as typed (a graded mark around it adds only its criterion for screen readers).
    expect(page.locator(".pl-transcript .pl-trainee .pl-text").nth(1)).to_contain_text(TURN_ATTACK)
    assert_no_markup(page)
    shot(page, "9-markup-in-results")
    call = stored_call(page, servers)
    assert call["trainee"] == NAME_ATTACK and trainee_turns(call) == [GREETING, TURN_ATTACK]


def test_slash_commands_are_only_words(page, servers):
    """A trainee cannot restart or end the conversation by typing Rasa's /intent syntax."""
    open_lobby(page, servers)
    page.click('.pl-persona[data-persona="car_showroom_inbound"]')
    pick_up_after(page, 1)
    say(page, GREETING)
    for command in ("/restart", "/goodbye"):
        assert say(page, command)  # the customer answers; the call goes on
        expect(page.locator(".pl-log .pl-trainee .pl-text").last).to_have_text(command)
        expect(page.locator(".pl-input")).to_be_enabled()
        expect(page.locator(".pl-to-card")).to_have_count(0)
    assert say(page, "您好，X5的指导价是十八万八起，现在店里有两万的优惠")
    expect(page.locator(".pl-status")).not_to_contain_text("挂断")
    shot(page, "10-slash-commands")

    call = stored_call(page, servers)
    assert call["ended_at"] is None and call["hangup_by"] is None
    page.click(".pl-hangup")
    expect(page.locator(".pl-status")).to_contain_text("你挂断了电话")
    expect(page.locator(".pl-to-card")).to_be_visible()
    assert trainee_turns(stored_call(page, servers))[1:3] == ["/restart", "/goodbye"]


def test_a_trainee_logs_in_and_the_call_is_theirs(page, servers):
    username, password = f"xueyuan{uuid.uuid4().hex[:8]}", "peilian-Pass-2024"
    servers.add_user(username, password, "trainee")
    servers.set_open_practice(False)
    try:
        page.goto(f"{servers.web_url}/?persona=truck_followup_outbound&seed=3")
        expect(page.locator(".pl-login-form")).to_be_visible()
        expect(page.locator(".pl-trainee")).to_have_count(0)  # no anonymous practice now
        expect(page.locator(".pl-back")).to_have_count(0)
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "wrong-password")
        page.click(".pl-login")
        expect(page.locator(".pl-login-form .pl-error")).to_contain_text("用户名或密码错误")
        page.fill("input[name=password]", password)
        page.click(".pl-login")

        expect(page.locator(".pl-user")).to_have_text(f"「{username}」")
        expect(page.locator(".pl-logout")).to_be_visible()
        expect(page.locator(".pl-trainee")).to_have_count(0)
        shot(page, "11-logged-in-lobby")
        page.click(".pl-start-exam")  # the exam link survived the login
        page.click(".pl-dial")
        expect(page.locator(".pl-customer")).to_have_count(1)
        expect(page.locator(".pl-me")).to_have_text("学员：" + username)
        say(page, "马师傅您好，我是九鑫汽运服务站的小王，您现在方便接听电话吗？")
        page.click(".pl-hangup")
        fill_card(page, **{"class": "D"})

        call = stored_call(page, servers)
        assert call["trainee"] == username and call["hangup_by"] == "trainee"
        assert call["scorecard"]["score"] == int(page.locator(".pl-score").inner_text())

        page.click(".pl-again")
        page.click(".pl-logout")
        expect(page.locator(".pl-login-form")).to_be_visible()
    finally:
        servers.set_open_practice(True)


def test_open_practice_offers_a_login(page, servers):
    page.goto(servers.web_url)
    expect(page.locator(".pl-trainee")).to_be_visible()
    page.click(".pl-show-login")
    expect(page.locator(".pl-login-form")).to_be_visible()
    page.click(".pl-back")
    expect(page.locator(".pl-persona").first).to_be_visible()


def test_a_slow_customer_shows_thinking_a_dropped_turn_is_offered_again_and_errors_are_chinese(page):
    """Faults seen from the widget, on servers of this test alone (it stops two of them)."""
    import tempfile
    from pathlib import Path

    from bot.customer.misheard import LINE_DROPPED
    from tests import servers as running

    from tests.conftest import PERSONAS

    own = running.start(Path(tempfile.mkdtemp(prefix="browser-faults-")),
                        env={"PEILIAN_PERSONAS_DIR": str(PERSONAS), "PEILIAN_RING_MS": "1500"})
    try:
        open_exam(page, own, "car_showroom_inbound", 5)
        pick_up_after(page, 4)
        say(page, GREETING)

        # The answer takes longer than a phone pause: 「对方正在说……」 until it comes.
        held, answers = [], page.locator(".pl-customer").count()
        page.route("**/api/calls/*/turns", lambda route: held.append(route), times=1)
        page.fill(".pl-input", "请问您贵姓？")
        page.press(".pl-input", "Enter")
        expect(page.locator(".pl-thinking")).to_contain_text("对方正在说")
        page.wait_for_function("true")  # let Playwright deliver the held request to the handler
        held[0].continue_()
        expect(page.locator(".pl-thinking")).to_have_count(0)
        expect(page.locator(".pl-customer")).to_have_count(answers + 1)

        # The action server goes down: the customer still speaks, the turn is marked and given back.
        own.processes[0].terminate()
        own.processes[0].wait(timeout=30)
        text = "X5的指导价是十八万八起"
        page.fill(".pl-input", text)
        page.press(".pl-input", "Enter")
        expect(page.locator(".pl-customer .pl-text").last).to_have_text(LINE_DROPPED)
        expect(page.locator(".pl-unheard")).to_contain_text("对方没听到")
        expect(page.locator(".pl-input")).to_have_value(text)

        # Rasa goes down: the trainee reads Chinese, never the server's English.
        own.processes[1].terminate()
        own.processes[1].wait(timeout=30)
        page.press(".pl-input", "Enter")
        notice = page.locator(".pl-notice")
        expect(notice).to_contain_text("客户那边暂时连不上")
        assert not re.search(r"[A-Za-z]{3,}", notice.inner_text())
        expect(page.locator(".pl-input")).to_have_value(text)
        shot(page, "faults")
    finally:
        running.stop(own)


def test_the_lobby_loads_with_no_console_errors_and_compressed_files(page, servers):
    errors: List[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.on("response", lambda response: errors.append(f"{response.status}: {response.url}")
            if response.status >= 400 else None)
    open_lobby(page, servers)
    expect(page.locator(".pl-persona").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not errors, errors
    script = page.request.get(f"{servers.web_url}/widget.js", headers={"Accept-Encoding": "gzip"})
    assert script.headers.get("content-encoding") == "gzip"
