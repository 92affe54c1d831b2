"""The evaluators' workspace in headless Chromium at 390 px against the real servers (the issue's
acceptance test): two calls played over the web API as a logged-in trainee, then an evaluator logs
in, filters the queue, reads a call (evidence tagged, markup shown as text), overrides a verdict,
sees calibration move, reads the analytics, exports CSV; the trainee disputes the override and the
call comes back to the queue as 有申诉. Screenshots: test-output/browser/w1-*.png."""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any, Dict, List

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.conftest import SCREENSHOTS

pytestmark = [pytest.mark.servers, pytest.mark.browser]

GREETING = "您好，星辰汽车4S店，销售顾问小李为您服务！"
XSS = "<img src=x onerror=alert(1)>"
PHONE_WIDTH = 390
COMMENT = "人工复核：客户已答应周末来店看车，视为邀约成功"
DISPUTE = "我没有约具体时间和地点，这一项应该不算通过，请重新审阅"


class Trainee:
    """What the widget does, over HTTP, for a logged-in trainee: a cookie jar, the CSRF header, JSON."""

    def __init__(self, servers, username: str, password: str) -> None:
        self.url, self.http = servers.web_url, requests.Session()
        csrf = self.http.get(f"{self.url}/api/session").json()["csrf_token"]
        response = self.http.post(f"{self.url}/api/login", json={"username": username, "password": password},
                                  headers={"X-CSRF-Token": csrf})
        assert response.status_code == 200, response.text
        self.csrf = response.json()["csrf_token"]

    def post(self, path: str, body: Any = None) -> Dict[str, Any]:
        response = self.http.post(f"{self.url}{path}", json=body or {}, headers={"X-CSRF-Token": self.csrf})
        assert response.status_code in (200, 201), (path, response.status_code, response.text)
        return response.json()

    def play(self, lines: List[str], seed: int) -> str:
        """One inbound call: picked up on the first ring, the lines said, hung up unless the customer
        did; returns the server-issued call id."""
        call_id = self.post("/api/calls", {"persona": "car_showroom_inbound", "seed": seed})["call"]["id"]
        self.post(f"/api/calls/{call_id}/answer")
        ended = False
        for line in lines:
            assert not ended, f"the customer hung up before {line!r}"
            ended = self.post(f"/api/calls/{call_id}/turns", {"text": line})["ended"]
        if not ended:
            self.post(f"/api/calls/{call_id}/hangup")
        return call_id


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"w1-{name}.png"), full_page=True)


def assert_fits_phone(page: Page) -> None:
    """Nothing wider than the phone: wide tables scroll inside their own .ws-table-wrap."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH + 1, f"{page.url} is {width}px wide at {PHONE_WIDTH}px"


def verdict(call: Dict[str, Any], criterion: str) -> bool:
    return next(c for c in call["scorecard"]["criteria"] if c["id"] == criterion)["passed"]


def calibration_row(page: Page, servers, criterion: str) -> List[str]:
    """The cells n, 一致率, κ of 评估员 vs 评分器 for one criterion."""
    page.goto(f"{servers.web_url}/review/calibration")
    row = page.locator(f'tr[data-criterion="{criterion}"]')
    expect(row).to_have_count(1)
    return [row.locator("td").nth(i).inner_text().strip() for i in (1, 2, 3)]


def new_phone_page(browser, errors: List[str]) -> Page:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, locale="zh-CN", bypass_csp=True)
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.set_default_timeout(30_000)
    return tab


def login_form(page: Page, username: str, password: str) -> None:
    page.fill(".ws-login input[name=username]", username)
    page.fill(".ws-login input[name=password]", password)
    page.click(".ws-login button[type=submit]")


def test_an_evaluator_reviews_calibrates_exports_and_the_trainee_disputes(page, browser, servers):
    tag = uuid.uuid4().hex[:8]
    trainee, evaluator, admin = f"xueyuan{tag}", f"pingu{tag}", f"guanli{tag}"
    passwords = {name: f"{name}-Pass-2024" for name in (trainee, evaluator, admin)}
    servers.add_user(trainee, passwords[trainee], "trainee")
    servers.add_user(evaluator, passwords[evaluator], "evaluator")
    servers.add_user(admin, passwords[admin], "admin")

    # 1. Two short calls as the trainee: one with markup in a turn and no invitation at all.
    player = Trainee(servers, trainee, passwords[trainee])
    bad_id = player.play([GREETING, f"{XSS}您好", "请问您贵姓？", "好的王先生，谢谢您的来电，再见！"], seed=3)
    good_id = player.play([GREETING, "请问您贵姓？", "王先生，欢迎您来店里试驾，您看是周六上午还是周日下午方便？",
                           "我们店在滨江路88号，到了您直接找我小李就行", "好的王先生，那我们周六上午见，谢谢您的来电，再见！"],
                          seed=11)
    bad, good = servers.store.get_call(bad_id), servers.store.get_call(good_id)
    assert bad["trainee"] == trainee and bad["status"] == "ended" and bad["scorecard"]
    assert any(XSS in t["text"] for t in bad["turns"] if t["speaker"] == "trainee")
    assert verdict(bad, "invitation") is False
    assert verdict(good, "invitation") is True, good["scorecard"]

    dialogs: List[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # 2. The evaluator: /review sends them to the login form, which brings them back.
    page.goto(f"{servers.web_url}/review")
    expect(page).to_have_url(re.compile(r"/login\?next=(%2F|/)review$"))
    shot(page, "01-login")
    login_form(page, evaluator, "wrong-password")
    expect(page.locator(".ws-error")).to_contain_text("用户名或密码错误")
    login_form(page, evaluator, passwords[evaluator])
    expect(page).to_have_url(f"{servers.web_url}/review")
    expect(page.locator(".ws-me")).to_contain_text(evaluator)

    page.select_option(".ws-filters select[name=trainee]", trainee)
    page.select_option(".ws-filters select[name=failed]", "invitation")
    page.click(".ws-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"[?&]failed=invitation(&|$)"))
    assert f"trainee={trainee}" in page.url
    expect(page.locator("h1")).to_contain_text("共 1 通")
    expect(page.locator(f'tr[data-call="{bad_id}"]')).to_have_count(1)
    expect(page.locator(f'tr[data-call="{good_id}"]')).to_have_count(0)
    expect(page.locator(".ws-filters select[name=failed]")).to_have_value("invitation")  # the form shows the filter
    assert_fits_phone(page)
    shot(page, "02-queue-filtered")
    filtered_queue = page.url

    page.click(f'tr[data-call="{bad_id}"] a')
    expect(page).to_have_url(f"{servers.web_url}/review/calls/{bad_id}")
    evidence = page.locator(".ws-transcript .ws-turn.ws-evidence")
    assert evidence.count() > 0
    for i in range(evidence.count()):  # every highlighted turn names its criterion, and the link lands
        tags = evidence.nth(i).locator(".ws-tag")
        assert tags.count() > 0
        for j in range(tags.count()):
            href = tags.nth(j).get_attribute("href")
            assert re.fullmatch(r"#c-[a-z_]+", href), href
            expect(page.locator(f"tr{href}")).to_have_count(1)
    greeting_turn = page.locator(".ws-turn.ws-evidence", has_text=GREETING)
    expect(greeting_turn.locator('.ws-tag[href="#c-greeting"]')).to_have_count(1)
    name_turn = page.locator(".ws-turn.ws-evidence", has_text="请问您贵姓？")
    expect(name_turn.locator('.ws-tag[href="#c-name_capture"]')).to_have_count(1)
    # Markup a trainee typed is text: shown literally, no element made of it, nothing run.
    expect(page.locator(".ws-transcript .ws-text", has_text="<img")).to_have_count(1)
    expect(page.locator(".ws-transcript .ws-text", has_text="<img")).to_have_text(f"{XSS}您好")
    assert page.locator(".ws-transcript img").count() == 0
    assert page.locator("img").count() == 0
    assert dialogs == []
    assert_fits_phone(page)
    shot(page, "03-call")

    # 3. Calibration before, an override without a reason (refused), then with one.
    before = calibration_row(page, servers, "invitation")
    assert_fits_phone(page)
    shot(page, "04-calibration-before")
    n_before = int(before[0])

    page.goto(f"{servers.web_url}/review/calls/{bad_id}")
    form = page.locator("form.ws-review")
    expect(form.locator('input[name="verdict.invitation"][value="fail"]')).to_be_checked()  # the grader's
    form.locator('input[name="verdict.invitation"][value="pass"]').check()  # the opposite, no reason yet
    form.locator("button[type=submit]").click()
    expect(page.locator(".ws-error")).to_contain_text("改判必须写明理由")
    expect(page.locator(".ws-error")).to_contain_text("邀约")
    expect(page.locator("p.ws-muted").first).to_contain_text("待审阅")  # nothing was stored
    shot(page, "05-override-refused")
    # The refused form keeps the evaluator's choice: only the reason is missing.
    expect(page.locator('form.ws-review input[name="verdict.invitation"][value="pass"]')).to_be_checked()
    form = page.locator("form.ws-review")
    form.locator('input[name="comment.invitation"]').fill(COMMENT)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{servers.web_url}/review/calls/{bad_id}#review")
    expect(page.locator(".ws-error")).to_have_count(0)
    row = page.locator('.ws-scorecard tr[data-criterion="invitation"]')
    expect(row.locator("td").nth(1)).to_contain_text("✗")  # the grader's verdict, kept beside
    expect(row.locator(".ws-human")).to_contain_text("✓")
    expect(row.locator(".ws-human")).to_contain_text(evaluator)
    expect(row.locator(".ws-final")).to_have_text("通过")
    expect(row).to_contain_text(COMMENT)
    expect(page.locator(".ws-history")).to_contain_text(COMMENT)
    expect(page.locator("p.ws-muted").first).to_contain_text("已审阅")
    assert page.locator("img").count() == 0 and dialogs == []
    assert_fits_phone(page)
    shot(page, "06-call-reviewed")

    after = calibration_row(page, servers, "invitation")
    assert int(after[0]) == n_before + 1, (before, after)
    assert after != before
    assert re.fullmatch(r"\d+%", after[1]), after
    assert after[2] != "" and (after[2] == "—" or re.match(r"-?\d+\.\d\d", after[2])), after
    section = page.locator("section#c-invitation")
    expect(section.locator("summary", has_text="与评分器的分歧")).to_have_count(1)
    disagreement = section.locator(f'a[href="/review/calls/{bad_id}"]')
    expect(disagreement).to_be_visible()
    expect(disagreement.locator("xpath=ancestor::tr")).to_contain_text(evaluator)
    assert_fits_phone(page)
    shot(page, "07-calibration-after")
    disagreement.click()
    expect(page).to_have_url(f"{servers.web_url}/review/calls/{bad_id}")

    # The queue's final verdict is the evaluator's: the call no longer fails the invitation.
    page.goto(filtered_queue)
    expect(page.locator("h1")).to_contain_text("共 0 通")

    # 4. Analytics: charts drawn on the server, and the same numbers as tables.
    page.goto(f"{servers.web_url}/review/analytics")
    expect(page.locator(".ws-chart svg").first).to_be_visible()
    assert page.locator(".ws-chart svg").count() >= 1
    tables = page.locator(".ws-table-wrap table")
    assert tables.count() >= 1
    numbers = [text for text in page.locator(".ws-table-wrap td").all_inner_texts() if re.search(r"\d", text)]
    assert numbers, "no numbers in the analytics tables"
    expect(page.locator(".ws-table-wrap td", has_text=trainee).first).to_be_visible()
    assert_fits_phone(page)
    shot(page, "08-analytics")

    # 5. Export the trainee's calls as CSV from the queue's link.
    page.goto(f"{servers.web_url}/review")
    page.select_option(".ws-filters select[name=trainee]", trainee)
    page.click(".ws-filters button[type=submit]")
    expect(page).to_have_url(re.compile(rf"[?&]trainee={trainee}(&|$)"))
    expect(page.locator("h1")).to_contain_text("共 2 通")
    link = page.locator('a[href^="/review/export.csv"]')
    assert f"trainee={trainee}" in link.get_attribute("href")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "peilian-calls.csv"
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    head, body = rows[0], rows[1:]
    assert "学员" in head and "通话编号" in head
    exported = {line[head.index("通话编号")]: dict(zip(head, line)) for line in body}
    assert set(exported) == {bad_id, good_id}
    assert {line["学员"] for line in exported.values()} == {trainee}
    label = "邀约（时间、地点）"
    assert exported[bad_id][f"{label}·评语"] == COMMENT
    assert exported[bad_id][f"{label}·自动"] == "不通过"
    assert exported[bad_id][f"{label}·人工"] == exported[bad_id][f"{label}·最终"] == "通过"
    assert exported[bad_id]["审阅状态"] in ("reviewed", "已审阅")
    assert exported[good_id][f"{label}·评语"] == "" and exported[good_id][f"{label}·人工"] == ""

    # 6. The trainee, in a browser of their own, reads the comment and disputes the override.
    errors: List[str] = []
    mine = new_phone_page(browser, errors)
    try:
        mine.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        mine.goto(f"{servers.web_url}/login?next=/calls/{bad_id}")
        login_form(mine, trainee, passwords[trainee])
        expect(mine).to_have_url(f"{servers.web_url}/calls/{bad_id}")
        row = mine.locator('.ws-scorecard tr[data-criterion="invitation"]')
        expect(row).to_contain_text(COMMENT)
        expect(row.locator(".ws-final")).to_have_text("通过")
        expect(mine.locator(".ws-transcript .ws-text", has_text="<img")).to_have_text(f"{XSS}您好")
        assert mine.locator("img").count() == 0
        expect(mine.locator("form.ws-review")).to_have_count(0)  # a trainee reviews nothing
        assert_fits_phone(mine)
        shot(mine, "09-trainee-call")
        mine.select_option("form.ws-dispute select[name=criterion]", "invitation")
        mine.fill("form.ws-dispute textarea[name=comment]", DISPUTE)
        mine.click("form.ws-dispute button[type=submit]")
        expect(mine).to_have_url(f"{servers.web_url}/calls/{bad_id}#review")
        expect(row).to_contain_text("学员申诉")
        expect(row).to_contain_text(DISPUTE)
        assert_fits_phone(mine)
        shot(mine, "10-trainee-disputed")
        # Someone else's call, and the workspace, stay closed to the trainee.
        assert mine.goto(f"{servers.web_url}/review").status == 403
    finally:
        mine.context.close()
    assert not errors, f"JavaScript errors on the trainee's page: {errors}"

    # The evaluator's queue, filtered to 有申诉 with the form, lists the call again.
    page.goto(f"{servers.web_url}/review")
    page.select_option(".ws-filters select[name=state]", "disputed")
    page.click(".ws-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"[?&]state=disputed(&|$)"))
    disputed = page.locator(f'tr[data-call="{bad_id}"]')
    expect(disputed).to_have_count(1)
    expect(disputed.locator("td").last).to_have_text("有申诉")
    expect(page.locator(f'tr[data-call="{good_id}"]')).to_have_count(0)
    assert_fits_phone(page)
    shot(page, "11-queue-disputed")
    page.goto(f"{servers.web_url}/review/calls/{bad_id}")
    expect(page.locator('.ws-scorecard tr[data-criterion="invitation"]')).to_contain_text(DISPUTE)
    expect(page.locator("p.ws-muted").first).to_contain_text("有申诉")

    # The admin sees the same workspace.
    page.click(".ws-logout button")
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(f"{servers.web_url}/login?next=/review/calibration")
    login_form(page, admin, passwords[admin])
    expect(page).to_have_url(f"{servers.web_url}/review/calibration")
    expect(page.locator(f'section#c-invitation a[href="/review/calls/{bad_id}"]')).to_have_count(1)
    expect(page.locator(".ws-me")).to_contain_text("管理员")
    assert_fits_phone(page)
    assert dialogs == []
