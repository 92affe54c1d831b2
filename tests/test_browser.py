"""Whole rehearsals in headless Chromium against the real servers: the web page on :8100 talks to
Rasa's socketio channel on :5105, which calls the action server. Screenshots: test-output/browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.servers


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def open_exam(page: Page, servers, persona: str, seed: int) -> None:
    page.goto(f"{servers.web_url}/?persona={persona}&seed={seed}")
    page.fill(".pl-trainee", "测试学员")
    page.click(".pl-start-exam")


def pick_up_after(page: Page, rings: int) -> None:
    expect(page.locator(f'.pl-rings[data-rings="{rings}"]')).to_be_visible()
    page.click(".pl-pickup")


def say(page: Page, text: str, reply: bool = True) -> str:
    """Type one turn and return the customer's answer."""
    before = page.locator(".pl-customer").count()
    page.fill(".pl-input", text)
    page.press(".pl-input", "Enter")
    if not reply:
        return ""
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


def test_inbound_call_from_the_ringing_phone_to_the_scorecard(page, servers):
    open_exam(page, servers, "car_showroom_inbound", 11)
    expect(page.locator(".pl-rings")).to_contain_text("响铃")
    shot(page, "1-ringing")
    pick_up_after(page, 2)
    expect(page.locator(".pl-status")).to_contain_text("铃响 2 声")

    assert "X5" in say(page, "您好，星辰汽车4S店，销售顾问小李为您服务！")  # the price question
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
    expect(greeting.locator(".pl-evidence q")).to_have_text("您好，星辰汽车4S店，销售顾问小李为您服务！")
    expect(criterion(page, "name_capture").locator(".pl-evidence")).to_contain_text("请问您贵姓？")
    stored = servers.tracker(page.evaluate("document.getElementById('peilian').peilian.sessionId"))["slots"]
    assert stored["record_card"]["correct"] == 6 and stored["scorecard"]["score"] == score
    assert stored["call"]["rings"] == 2 and stored["call"]["trainee"] == "测试学员"


def test_outbound_call_the_trainee_hangs_up_first(page, servers):
    open_exam(page, servers, "truck_followup_outbound", 3)
    page.click(".pl-dial")
    expect(page.locator(".pl-customer")).to_have_count(1)  # the customer picks up and speaks first
    expect(page.locator(".pl-status")).to_contain_text("客户接听了")
    say(page, "马师傅您好，我是九鑫汽运服务站的小王，您现在方便接听电话吗？")
    page.click(".pl-hangup")
    expect(page.locator(".pl-status")).to_contain_text("你挂断了电话")
    shot(page, "5-trainee-hung-up")

    fill_card(page, name="马师傅", **{"class": "A"})
    shot(page, "6-trainee-hung-up-scorecard")
    closing = criterion(page, "closing")
    expect(closing.locator(".pl-mark")).to_have_text("✗")
    expect(closing).to_contain_text("先于客户挂断了电话")
    expect(page.locator(".pl-cadence.pl-right")).to_contain_text("B类")
    expect(page.locator(".pl-card-field.pl-bad")).to_have_count(1)
    expect(page.locator('.pl-card-field[data-field="class"]')).to_contain_text("应为B类")


def test_markup_stays_text_and_bad_messages_are_not_sent(page, servers):
    open_exam(page, servers, "car_showroom_inbound", 5)
    pick_up_after(page, 4)
    say(page, "您好，星辰汽车4S店，销售顾问小李为您服务！")

    attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>加粗</b>'
    say(page, attack)
    expect(page.locator(".pl-trainee .pl-text").last).to_have_text(attack)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".pl-log img, .pl-log script, .pl-log b").count() == 0

    lines = page.locator(".pl-line").count()
    page.fill(".pl-input", "   ")
    expect(page.locator(".pl-send")).to_be_disabled()
    page.press(".pl-input", "Enter")
    page.fill(".pl-input", "好" * 301)
    expect(page.locator(".pl-count")).to_have_class(re.compile("pl-over"))
    page.click(".pl-send")
    expect(page.locator(".pl-notice")).to_contain_text("超过了300字")
    assert page.locator(".pl-line").count() == lines
    shot(page, "7-markup-and-refusals")

    page.click(".pl-hangup")
    fill_card(page, **{"class": "C"})
    greeting = criterion(page, "greeting")
    expect(greeting.locator(".pl-mark")).to_have_text("✗")
    expect(greeting).to_contain_text("铃响4声")
