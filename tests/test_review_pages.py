"""The evaluators' workspace pages: who may see them, the queue's filters, reviews that override
the grader, disputes, blind double review, exports (the web app, no Rasa needed)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import yaml

from bot.grading.scorecard import CriterionResult, Evidence, Scorecard
from bot.store import calls, reviews, users
from bot.transcript import CallInfo, Transcript, Turn, parse_transcript

XSS = '<img src=x onerror="window.__xss=1">'


def finished_call(web, trainee="李明", user_id=None, greeting_passed=True, persona="car_showroom_inbound",
                  text="您好，星辰汽车4S店，销售顾问小李为您服务！") -> str:
    turns = (Turn(1, "trainee", text), Turn(2, "customer", "X5多少钱？"), Turn(3, "trainee", "请问您贵姓？"))
    transcript = Transcript(CallInfo(direction="inbound", company="星辰汽车4S店", persona=persona), turns, hangup="trainee")
    card = Scorecard(criteria=[
        CriterionResult("greeting", greeting_passed, 15 if greeting_passed else 0, 15, (Evidence(1, text),), "问候反馈"),
        CriterionResult("invitation", False, 0, 15, (), "没有邀约"),
    ], rubric_version="1-test")
    return calls.finish_call(web.db, conversation_id=f"rest-{trainee}", source="rest", transcript=transcript,
                             scorecard=card, trainee=trainee, user_id=user_id)


async def login(web, name, role):
    users.add_user(web.db, name, "secret pass", role)
    browser = await web.browser()
    assert (await browser.login(name, "secret pass")).status == 200
    return browser


async def form(browser, path, data):
    return await browser.client.post(path, data={**data, "csrf_token": browser.csrf}, allow_redirects=False)


PAGES = ["/review", "/review/calls/{id}", "/review/blind", "/review/import", "/review/export.csv",
         "/review/export.jsonl", "/review/calls/{id}/transcript.yml"]


async def test_pages_need_an_evaluator_or_admin(web):
    call_id = finished_call(web)
    anonymous = await web.browser()
    for page in PAGES:
        response = await anonymous.client.get(page.format(id=call_id), allow_redirects=False)
        assert response.status == 302 and response.headers["Location"].startswith("/login?next="), page
    for role in ("trainee", "trainer"):
        browser = await login(web, f"x-{role}", role)
        for page in PAGES:
            assert (await browser.get(page.format(id=call_id))).status == 403, (role, page)
    for role in ("evaluator", "admin"):
        browser = await login(web, f"y-{role}", role)
        for page in PAGES:
            assert (await browser.get(page.format(id=call_id))).status == 200, (role, page)


async def test_login_page_and_its_redirects(web):
    users.add_user(web.db, "eva", "secret pass", "evaluator")
    browser = await web.browser()
    await browser.session()
    page = await browser.get("/login?next=/review/blind")
    assert 'name="csrf_token"' in await page.text()
    wrong = await form(browser, "/login", {"username": "eva", "password": "nope", "next": "/review/blind"})
    assert wrong.status == 401 and "用户名或密码错误" in await wrong.text()
    right = await form(browser, "/login", {"username": "eva", "password": "secret pass", "next": "/review/blind"})
    assert right.status == 302 and right.headers["Location"] == "/review/blind"
    await browser.session()
    away = await form(browser, "/login", {"username": "eva", "password": "secret pass", "next": "//evil.example/x"})
    assert away.headers["Location"] == "/review"  # never an open redirect
    await browser.session()
    no_csrf = await browser.client.post("/login", data={"username": "eva", "password": "secret pass"})
    assert no_csrf.status == 403


async def test_the_queue_filters_sorts_and_pages_from_the_url(web):
    finished_call(web, trainee="李明", greeting_passed=True)
    failed = finished_call(web, trainee="王芳", greeting_passed=False)
    evaluator = await login(web, "eva", "evaluator")
    every = await (await evaluator.get("/review")).text()
    assert "李明" in every and "王芳" in every and "共 2 通" in every
    only = await (await evaluator.get("/review?failed=greeting")).text()
    assert re.findall(r'data-call="(\w+)"', only) == [failed]
    assert "共 1 通" in only
    assert "共 1 通" in await (await evaluator.get("/review?trainee=李明")).text()
    assert "共 0 通" in await (await evaluator.get("/review?state=reviewed")).text()
    assert "共 0 通" in await (await evaluator.get("/review?until=2000-01-01")).text()
    odd = await evaluator.get("/review?page=abc&sort=drop%20table&failed=nothing&since=yesterday")
    assert odd.status == 200 and "共 2 通" in await odd.text()


async def test_an_override_wins_and_the_automatic_verdict_stays_visible(web):
    trainee = await login(web, "li", "trainee")
    account = users.authenticate(web.db, "li", "secret pass", "x")
    call_id = finished_call(web, trainee="li", user_id=account.id, greeting_passed=True)
    evaluator = await login(web, "eva", "evaluator")
    missing = await form(evaluator, f"/review/calls/{call_id}/review",
                         {"verdict.greeting": "fail", "verdict.invitation": "fail"})
    refused = await missing.text()
    assert missing.status == 400 and "改判必须写明理由" in refused
    kept = re.search(r'<input type="radio" name="verdict.greeting" value="fail" ([^>]*)>', refused).group(1)
    assert kept.startswith("checked")  # the evaluator's choice survives the refusal
    done = await form(evaluator, f"/review/calls/{call_id}/review",
                      {"verdict.greeting": "fail", "comment.greeting": "没有报公司全称", "verdict.invitation": "fail"})
    assert done.status == 302
    page = await (await evaluator.get(f"/review/calls/{call_id}")).text()
    row = re.search(r'<tr id="c-greeting".*?</tr>', page, re.S).group(0)
    assert "✓ 15/15" in row and "不通过" in row and "没有报公司全称" in row  # auto ✓ beside the human ✗
    assert "共 1 通" in await (await evaluator.get("/review?failed=greeting")).text()  # the final verdict counts
    shown = (await (await trainee.get(f"/api/calls/{call_id}")).json())["call"]["review"]
    greeting = next(c for c in shown["criteria"] if c["id"] == "greeting")
    assert shown["state"] == "reviewed" and greeting["final"] is False and greeting["comment"] == "没有报公司全称"
    assert "没有报公司全称" in await (await trainee.get(f"/calls/{call_id}")).text()


async def test_a_dispute_puts_the_call_back_in_the_queue(web):
    trainee = await login(web, "li", "trainee")
    account = users.authenticate(web.db, "li", "secret pass", "x")
    call_id = finished_call(web, trainee="li", user_id=account.id)
    evaluator = await login(web, "eva", "evaluator")
    await form(evaluator, f"/review/calls/{call_id}/review", {"verdict.greeting": "pass", "verdict.invitation": "fail"})
    assert "共 0 通" in await (await evaluator.get("/review?state=disputed")).text()
    empty = await form(trainee, f"/calls/{call_id}/disputes", {"criterion": "invitation", "comment": ""})
    assert empty.status == 400
    disputed = await trainee.post(f"/api/calls/{call_id}/disputes", {"criterion": "invitation",
                                                                     "comment": "我邀约了周六上午"})
    assert disputed.status == 200 and (await disputed.json())["call"]["review"]["state"] == "disputed"
    queue = await (await evaluator.get("/review?state=disputed")).text()
    assert "共 1 通" in queue
    assert "我邀约了周六上午" in await (await evaluator.get(f"/review/calls/{call_id}")).text()
    await form(evaluator, f"/review/calls/{call_id}/review",
               {"verdict.greeting": "pass", "verdict.invitation": "pass", "comment.invitation": "申诉成立"})
    assert "共 0 通" in await (await evaluator.get("/review?state=disputed")).text()
    other = await login(web, "zhang", "trainee")
    assert (await other.post(f"/api/calls/{call_id}/disputes", {"criterion": "greeting", "comment": "x"})).status == 404
    assert (await other.get(f"/calls/{call_id}")).status == 404


async def test_blind_review_hides_the_grader_and_the_other_evaluator(web):
    call_id = finished_call(web, text="您好，星辰汽车4S店！")
    admin = await login(web, "boss", "admin")
    one = await login(web, "eva", "evaluator")
    two = await login(web, "tom", "evaluator")
    ids = {a.username: a.id for a in users.list_users(web.db)}
    refused = await admin.client.post("/review/blind/assign", data={"calls": call_id, "evaluator": str(ids["eva"]),
                                                                    "csrf_token": admin.csrf})
    assert "至少两位" in await refused.text()
    assert (await one.client.post("/review/blind/assign", data={"calls": call_id, "csrf_token": one.csrf})).status == 403
    assigned = await admin.client.post("/review/blind/assign", data=[
        ("calls", call_id), ("evaluator", str(ids["eva"])), ("evaluator", str(ids["tom"])), ("csrf_token", admin.csrf)])
    assert "已分配 2 项" in await assigned.text()
    blind = await (await one.get(f"/review/blind/{call_id}")).text()
    assert "问候反馈" not in blind and "15/15" not in blind and "ws-evidence" not in blind
    redirected = await one.client.get(f"/review/calls/{call_id}", allow_redirects=False)
    assert redirected.status == 302 and redirected.headers["Location"] == f"/review/blind/{call_id}"
    assert "盲评中" in await (await one.get("/review")).text()
    done = await form(one, f"/review/blind/{call_id}", {"verdict.greeting": "fail", "verdict.invitation": "fail"})
    assert done.status == 302  # no comment needed: the grader's verdict was never shown
    assert "问候反馈" not in await (await two.get(f"/review/blind/{call_id}")).text()
    await form(two, f"/review/blind/{call_id}", {"verdict.greeting": "pass", "verdict.invitation": "fail"})
    again = await form(two, f"/review/blind/{call_id}", {"verdict.greeting": "pass", "verdict.invitation": "fail"})
    assert again.status == 400
    pairs = reviews.verdict_pairs(web.db)
    assert sorted((p.author, p.criterion, p.passed) for p in pairs if p.kind == "blind") == [
        ("eva", "greeting", False), ("eva", "invitation", False), ("tom", "greeting", True), ("tom", "invitation", False)]
    assert "问候反馈" in await (await one.get(f"/review/calls/{call_id}")).text()  # seen after their own review


async def test_exports_csv_for_excel_jsonl_and_the_transcript(web):
    call_id = finished_call(web, trainee="=HYPERLINK(\"x\")")
    evaluator = await login(web, "eva", "evaluator")
    await form(evaluator, f"/review/calls/{call_id}/review",
               {"verdict.greeting": "fail", "comment.greeting": "语气生硬", "verdict.invitation": "fail"})
    raw = await (await evaluator.get("/review/export.csv")).read()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    head, row = rows[0], rows[1]
    assert head[:3] == ["通话编号", "学员", "开放练习"] and "开场问候·自动" in head and "开场问候·评语" in head
    values = dict(zip(head, row))
    assert values["开场问候·自动"] == "通过" and values["开场问候·人工"] == "不通过" and values["开场问候·最终"] == "不通过"
    assert values["开场问候·评语"] == "语气生硬" and values["学员"].startswith("'=")  # no formula runs
    line = json.loads((await (await evaluator.get("/review/export.jsonl")).text()).splitlines()[0])
    assert line["criteria"]["greeting"] == {"auto": True, "reviewed": False, "final": False, "comment": "语气生硬"}
    text = await (await evaluator.get(f"/review/calls/{call_id}/transcript.yml")).text()
    again = parse_transcript(yaml.safe_load(text))
    assert again.turns[0].text == "您好，星辰汽车4S店，销售顾问小李为您服务！"
    assert yaml.safe_load(text)["rehearsal"]["id"] == call_id


async def test_transcript_text_stays_text_on_every_page(web):
    call_id = finished_call(web, trainee=XSS, text=f"您好{XSS}")
    evaluator = await login(web, "eva", "evaluator")
    for page in ("/review", f"/review/calls/{call_id}"):
        html = await (await evaluator.get(page)).text()
        assert "<img src=x" not in html and "&lt;img src=x" in html, page


@pytest.mark.parametrize("path", ["/review/calls/nope", "/review/calls/nope/transcript.yml"])
async def test_unknown_calls_are_404(web, path):
    evaluator = await login(web, "eva", "evaluator")
    assert (await evaluator.get(path)).status == 404
