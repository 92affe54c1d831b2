"""Accessibility of every state of the widget, checked by a third-party engine: axe-core (pinned in
package.json; `make test-browser` installs it into node_modules) is injected into the page and run
in each state at desktop (1280x800) and phone (390x844) size. No violation of serious or critical
impact is allowed, and none at all of the rules this page once failed (landmarks, the h1). A
keyboard-only call checks that focus moves to the control the trainee needs next."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from playwright.sync_api import Page, expect

from tests.test_browser import GREETING, open_exam, open_lobby, say, shot

pytestmark = [pytest.mark.servers, pytest.mark.browser]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"1280x800": {"width": 1280, "height": 800}, "390x844": {"width": 390, "height": 844}}
BLOCKING = ("serious", "critical")
# Rules the widget once failed at a lower impact: no violation of these at all, whatever the impact.
ALWAYS = ("region", "landmark-one-main", "page-has-heading-one", "scrollable-region-focusable", "color-contrast")

# The inbound exam call of tests/test_browser.py (seed 11) up to the customer's goodbye.
INBOUND_TURNS = [
    GREETING,
    "您好，X5的指导价是十八万八起，现在店里有两万的优惠",
    "请问您贵姓？",
    "王先生，欢迎您来店里试驾，您看是周六上午还是周日下午方便？",
    "我们店在滨江路88号，到了您直接找我小李就行",
    "王先生，方便留个电话吗？有优惠活动我及时通知您",
]
GOODBYE = "好的王先生，那我们周六上午见，谢谢您的来电，再见！"


@pytest.fixture(scope="module", autouse=True)
def axe_installed():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test-browser` (it runs `npm ci` for the pinned axe-core)")


def axe(page: Page) -> Dict[str, Any]:
    """axe-core's results for the page as it is now (axe is injected once per document)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return {version: axe.version, violations: results.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), impact: n.impact, summary: n.failureSummary}))}))};
    }""")


class Audit:
    """Runs axe in each state at both sizes and keeps what it found, for one report at the end."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.found: List[str] = []  # the violations that fail the test, one line each
        self.counts: Dict[str, int] = {}  # state @ size -> how many

    def check(self, state: str) -> None:
        original = self.page.viewport_size
        for size, viewport in VIEWPORTS.items():
            self.page.set_viewport_size(viewport)
            results = axe(self.page)
            bad = [v for v in results["violations"] if v["impact"] in BLOCKING or v["id"] in ALWAYS]
            self.counts[f"{state} @ {size}"] = len(bad)
            for v in results["violations"]:
                where = "; ".join(f"{n['target']}" for n in v["nodes"])
                line = f"{state} @ {size}: {v['id']} ({v['impact']}) {v['help']} -> {where}"
                print(("VIOLATION " if v in bad else "note      ") + line)
                if v in bad:
                    self.found.append(line)
            shot(self.page, f"a11y-{state}-{size}")
        if original:
            self.page.set_viewport_size(original)

    def assert_clean(self) -> None:
        print(
            "axe-core: serious/critical (and always-checked) violations per state:",
            ", ".join(f"{k}: {n}" for k, n in self.counts.items()),
        )
        assert not self.found, "axe-core violations:\n" + "\n".join(self.found)


def test_an_inbound_call_is_accessible_in_every_state(page, servers):
    audit = Audit(page)
    open_lobby(page, servers)
    expect(page.locator(".pl-persona").first).to_be_visible()
    audit.check("lobby")

    open_exam(page, servers, "car_showroom_inbound", 11)
    expect(page.locator('.pl-rings[data-rings="1"]')).to_be_visible()
    audit.check("ringing")
    page.click(".pl-pickup")
    for turn in INBOUND_TURNS:
        say(page, turn)
    audit.check("mid-call")

    page.wait_for_timeout(1100)  # a call clock past 00:00
    say(page, GOODBYE)
    expect(page.locator(".pl-status")).to_contain_text("客户挂断了电话")
    audit.check("customer-hung-up")

    page.click(".pl-to-card")
    expect(page.locator(".pl-title")).to_have_text("来电客户信息表")
    page.fill("input[name=name]", "王先生")
    audit.check("record-card")
    page.select_option("select[name=class]", "C")
    page.click(".pl-submit-card")
    expect(page.locator(".pl-scorecard")).to_be_visible()
    audit.check("results")
    audit.assert_clean()


def test_an_outbound_call_and_a_missed_call_are_accessible(page, servers):
    audit = Audit(page)
    open_exam(page, servers, "truck_followup_outbound", 3)
    expect(page.locator(".pl-dial")).to_be_visible()
    audit.check("dial")
    page.click(".pl-dial")
    expect(page.locator(".pl-customer")).to_have_count(1)
    say(page, "马师傅您好，我是九鑫汽运服务站的小王，您现在方便接听电话吗？")
    page.click(".pl-hangup")
    expect(page.locator(".pl-status")).to_contain_text("你挂断了电话")
    audit.check("trainee-hung-up")
    page.click(".pl-to-card")
    expect(page.locator(".pl-title")).to_have_text("回访预约记录表")
    audit.check("outbound-record-card")

    # A missed call: the page's clock runs past the tenth ring instead of waiting 15 seconds.
    page.clock.install()
    open_exam(page, servers, "car_showroom_inbound", 5)
    expect(page.locator('.pl-rings[data-rings="1"]')).to_be_visible()
    page.clock.run_for(20_000)
    expect(page.locator(".pl-status")).to_contain_text("未接来电")
    audit.check("missed-call")
    audit.assert_clean()


def focused(page: Page) -> str:
    """The focused element, as `tag.class` (or `body`)."""
    return page.evaluate("""() => { const e = document.activeElement;
        return e ? e.tagName.toLowerCase() + (e.className ? "." + e.className.split(" ").join(".") : "") : ""; }""")


def expect_focus(page: Page, selector: str) -> None:
    expect(page.locator(selector)).to_be_focused()


def live_region(page: Page, selector: str) -> Optional[str]:
    """The politeness of the live region `selector` is in (its aria-live, else its live role), or None."""
    return page.evaluate(
        """s => { const e = document.querySelector(s);
        const region = e && e.closest('[aria-live], [role=status], [role=log], [role=alert]');
        return region ? (region.getAttribute('aria-live') || region.getAttribute('role')) : null; }""",
        selector,
    )


def tab_to(page: Page, selector: str, limit: int = 40) -> None:
    """Tab forward until `selector` has focus, as a keyboard user would (checked after every press,
    the last one included)."""
    for presses in range(limit + 1):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        if presses < limit:
            page.keyboard.press("Tab")
    raise AssertionError(f"{selector} not reached with {limit} Tabs (focus on {focused(page)})")


def type_turn(page: Page, text: str) -> None:
    """Type one turn into the focused text box, send it with Enter, and wait for the answer."""
    expect_focus(page, ".pl-input")
    before = page.locator(".pl-customer").count()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('.pl-customer').length > {before}")


def test_a_whole_call_with_the_keyboard_only(page, servers):
    """Tab, Enter and typing only: focus lands on what comes next after every transition."""
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{servers.web_url}/?persona=car_showroom_inbound&seed=11")
    expect(page.locator(".pl-start-exam")).to_be_visible()
    tab_to(page, ".pl-trainee")
    page.keyboard.type("键盘学员")
    tab_to(page, ".pl-start-exam")
    page.keyboard.press("Enter")

    expect(page.locator(".pl-pickup")).to_be_visible()
    expect_focus(page, ".pl-pickup")  # after picking the scenario: the phone to pick up
    expect(page.locator(".pl-announce")).to_contain_text("响铃")  # the ring count, said by a live region
    assert live_region(page, ".pl-announce") in ("polite", "status")
    # The ringing bell keeps still for a trainee who asked the system for reduced motion.
    assert page.evaluate("getComputedStyle(document.querySelector('.pl-bell')).animationName") == "none"
    page.keyboard.press("Enter")
    expect(page.locator(".pl-status")).to_contain_text("已接听")
    log = page.locator(".pl-log")  # the call so far: read out as it grows, and scrollable from the keyboard
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("tabindex", "0")
    expect(log).to_have_attribute("aria-label", "通话内容")
    for turn in INBOUND_TURNS:  # picked up: the text box has focus, to greet the customer
        type_turn(page, turn)
    page.wait_for_timeout(1100)
    expect_focus(page, ".pl-input")  # the customer's lines never take focus from the text box
    type_turn(page, GOODBYE)

    expect(page.locator(".pl-status")).to_contain_text("客户挂断了电话")
    expect_focus(page, ".pl-to-card")  # the customer hung up: the record card is next
    page.keyboard.press("Enter")
    expect_focus(page, "input[name=name]")
    page.keyboard.type("王先生")
    tab_to(page, "select[name=class]")
    page.keyboard.press("c")  # a closed select takes the option by its first letter
    expect(page.locator("select[name=class]")).to_have_value("C")
    tab_to(page, ".pl-submit-card")
    page.keyboard.press("Enter")

    expect(page.locator(".pl-scorecard")).to_be_visible()
    expect_focus(page, "h1.pl-title")  # the results, read from their heading
    assert live_region(page, ".pl-score") in ("polite", "status")
    expect(page.locator(".pl-announce")).to_contain_text(page.locator(".pl-score").inner_text())
    shot(page, "a11y-keyboard-results")

    tab_to(page, ".pl-again")  # 再练一次: back to the lobby, focus on its first choice
    page.keyboard.press("Enter")
    expect(page.locator(".pl-start-exam")).to_be_visible()
    expect_focus(page, ".pl-start-exam")


def test_focus_after_dialling_hanging_up_and_a_missed_call(page, servers):
    page.clock.install()
    page.goto(f"{servers.web_url}/?persona=truck_followup_outbound&seed=3&trainee=键盘学员")
    tab_to(page, ".pl-start-exam")
    page.keyboard.press("Enter")
    expect(page.locator(".pl-dial")).to_be_visible()
    expect_focus(page, ".pl-dial")  # an outbound scenario: dial
    page.keyboard.press("Enter")
    page.clock.run_for(2_000)
    expect(page.locator(".pl-customer")).to_have_count(1)
    expect_focus(page, ".pl-input")  # the customer answered: speak
    type_turn(page, "马师傅您好，我是九鑫汽运服务站的小王，您现在方便接听电话吗？")
    tab_to(page, ".pl-hangup")
    page.keyboard.press("Enter")
    expect(page.locator(".pl-status")).to_contain_text("你挂断了电话")
    expect_focus(page, ".pl-to-card")  # the trainee hung up: the record card is next
    page.keyboard.press("Enter")
    expect_focus(page, "input[name=interest]")  # name and number are known on an outbound card

    page.goto(f"{servers.web_url}/?persona=car_showroom_inbound&seed=5&trainee=键盘学员")
    tab_to(page, ".pl-start-exam")
    page.keyboard.press("Enter")
    expect_focus(page, ".pl-pickup")
    page.clock.run_for(20_000)
    expect(page.locator(".pl-status")).to_contain_text("未接来电")
    expect_focus(page, ".pl-again")  # missed: only 再练一次 is left
