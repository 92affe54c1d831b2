"""The customer's voice and the trainee's own calls, in headless Chromium against the real servers.

Headless Chromium has no audio device and no Chinese voice: where the browser would speak, the
test page's speechSynthesis records what it was asked to say (observed, not faked away: the
widget's own code calls it), and without a zh voice the widget must fetch the server's WAV."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import SCREENSHOTS
from tests.test_browser import GREETING, open_lobby, pick_up_after, say, shot

pytestmark = [pytest.mark.servers, pytest.mark.browser]

# speechSynthesis as a Chinese browser has it, recording each utterance instead of playing it.
ZH_VOICE = """
window.__spoken = [];
const zh = {lang: "zh-CN", name: "测试中文语音", voiceURI: "zh-test", localService: true, default: true};
Object.defineProperty(window.speechSynthesis, "getVoices", {value: () => [zh]});
Object.defineProperty(window.speechSynthesis, "speak", {value: (u) => window.__spoken.push({text: u.text, lang: u.lang})});
"""
NO_VOICES = 'Object.defineProperty(window.speechSynthesis, "getVoices", {value: () => []});'
# A browser's speech recognition that hears one sentence while the button is held.
HEARS = """
window.SpeechRecognition = class {
  start() { window.__listening = true; setTimeout(() => this.onresult({results: [[{transcript: "请问您贵姓"}]]}), 10); }
  stop() { window.__listening = false; setTimeout(() => this.onend(), 10); }
};
"""


def start_with_voice(page: Page, servers) -> None:
    open_lobby(page, servers, query="?persona=car_showroom_inbound&seed=11")
    page.check(".pl-voice-switch")
    page.click(".pl-start-exam")
    pick_up_after(page, 1)


def test_with_voice_on_each_customer_line_is_spoken_in_chinese(page, servers):
    page.add_init_script(ZH_VOICE)
    start_with_voice(page, servers)
    answer = say(page, GREETING)
    page.wait_for_function("window.__spoken.length > 0")
    spoken = page.evaluate("window.__spoken")
    assert spoken == [{"text": answer, "lang": "zh-CN"}]

    page.goto(f"{servers.web_url}/")  # the switch is remembered
    expect(page.locator(".pl-voice-switch")).to_be_checked()
    page.uncheck(".pl-voice-switch")
    page.click('.pl-persona[data-persona="car_showroom_inbound"]')
    page.click(".pl-pickup")
    say(page, GREETING)
    assert page.evaluate("window.__spoken.length") == 0  # a new page: nothing said with voice off


def test_without_a_chinese_voice_the_server_speaks_the_line(page, servers):
    page.add_init_script(NO_VOICES)
    start_with_voice(page, servers)
    with page.expect_response(lambda r: "/api/speech?" in r.url) as spoken:
        answer = say(page, GREETING)
    response = spoken.value
    assert response.status in (200, 206) and response.headers["content-type"] == "audio/wav"  # 206: a media range
    assert parse_qs(urlparse(response.url).query)["text"] == [answer]  # the line the customer said


def test_push_to_talk_puts_what_was_heard_in_the_text_box(page, servers):
    page.add_init_script(ZH_VOICE + HEARS)
    start_with_voice(page, servers)
    talk = page.locator(".pl-talk")
    expect(talk).to_be_visible()
    talk.hover()
    page.mouse.down()
    page.wait_for_function("window.__listening === true")
    page.mouse.up()
    expect(page.locator(".pl-input")).to_have_value("请问您贵姓")
    expect(page.locator(".pl-input")).to_be_focused()
    shot(page, "voice-push-to-talk")


def test_my_calls_lists_the_finished_call_with_its_score(page, servers):
    open_lobby(page, servers, trainee="进步学员", query="?persona=truck_followup_outbound&seed=5")
    page.click(".pl-start-exam")
    page.click(".pl-dial")
    expect(page.locator(".pl-customer")).to_have_count(1)
    say(page, "马师傅您好，我是九鑫汽运服务站的小王，您现在方便接听电话吗？")
    page.click(".pl-hangup")
    page.click(".pl-to-card")
    page.select_option("select[name=class]", "D")
    page.click(".pl-submit-card")
    score = page.locator(".pl-score").inner_text()
    call_id = page.evaluate("document.getElementById('peilian').peilian.callId")

    page.click(".pl-again")
    page.click(".pl-my-calls")
    expect(page.locator("h1")).to_have_text("我的通话")
    row = page.locator(f'tr:has(a[href="/calls/{call_id}"])')
    expect(row).to_contain_text(f"{score}/100")
    expect(row).to_contain_text("进步学员")
    expect(page.locator(".ws-chart svg")).to_have_count(2)
    shot(page, "my-calls")
    row.locator("a").click()
    expect(page).to_have_url(f"{servers.web_url}/calls/{call_id}")


def test_the_score_is_in_view_without_scrolling_at_desktop_and_phone_width(browser, servers):
    for width, height in ((1280, 800), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", bypass_csp=True)
        page = context.new_page()
        try:
            open_lobby(page, servers, query="?persona=car_showroom_inbound&seed=11")
            page.click(".pl-start-exam")
            pick_up_after(page, 1)
            say(page, GREETING)
            say(page, "请问您贵姓？")
            say(page, "王先生，欢迎您来店里试驾，您看是周六上午还是周日下午方便？")
            say(page, "我们店在滨江路88号，好的王先生，谢谢您的来电，再见！")
            if page.locator(".pl-hangup").is_enabled():  # the customer may not have hung up yet
                page.click(".pl-hangup")
            page.click(".pl-to-card")
            page.select_option("select[name=class]", "C")
            page.click(".pl-submit-card")
            expect(page.locator(".pl-score")).to_be_in_viewport()
            expect(page.locator(".pl-core")).to_be_in_viewport()
            assert page.evaluate("window.scrollY") == 0
            page.screenshot(path=str(SCREENSHOTS / f"results-{width}.png"))
        finally:
            context.close()
