"""The calibration and analytics pages: who may see them, the κ they show, text stays text."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from bot.grading.scorecard import LABELS
from bot.store import reviews, users
from bot.web.review import insights
from tests.test_analytics import add_call, review

PAGES = ("/review/calibration", "/review/analytics")
XSS = "<img src=x onerror=alert(1)>"
PASSWORD = "long enough"


@pytest.fixture
async def site(web_app):
    """The web app with these pages."""
    web = web_app()
    registered = {route.resource.canonical for route in web.server.app.router.routes() if route.resource}
    if not set(PAGES) <= registered:  # until app.py calls add_routes itself
        insights.add_routes(web.server.app)
    web.people = {name: users.add_user(web.db, name, PASSWORD, role).id for name, role in (
        ("trainee1", "trainee"), ("trainer1", "trainer"), ("wang", "evaluator"), ("li", "evaluator"),
        ("zhao", "evaluator"), ("admin1", "admin"))}
    return web


async def logged_in(site, username: str):
    browser = await site.browser()
    if username:
        assert (await browser.login(username, PASSWORD)).status == 200
    return browser


@pytest.mark.parametrize("path", PAGES)
async def test_only_evaluators_and_admins_see_the_pages(site, path):
    anonymous = await logged_in(site, "")
    response = await anonymous.client.get(path, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"].startswith("/login?next=")
    for username in ("trainee1", "trainer1"):
        response = await (await logged_in(site, username)).get(path)
        assert response.status == 403, username
    for username in ("wang", "admin1"):
        response = await (await logged_in(site, username)).get(path)
        assert response.status == 200, username
        assert "text/html" in response.headers["Content-Type"]


def row(html: str, criterion: str) -> str:
    return re.search(rf'<tr data-criterion="{criterion}">(.*?)</tr>', html, re.S).group(1)


def cells(html: str):
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


async def test_calibration_shows_kappa_on_a_known_table(site):
    people = site.people
    # Grader on greeting: pass, pass, fail, fail; on name_capture: pass, fail, pass, fail.
    plan = [dict(greeting=True, name_capture=True), dict(greeting=True, name_capture=False),
            dict(greeting=False, name_capture=True), dict(greeting=False, name_capture=False)]
    ids = [add_call(site.db, datetime(2026, 11, 2, 9 + i), **p) for i, p in enumerate(plan)]
    for call_id, greeting in zip(ids, (True, False, False, False)):  # wang overrules the 2nd call's greeting
        review(site.db, call_id, people["wang"], greeting=greeting)
    reviews.assign(site.db, ids[:2], [people["li"], people["zhao"]], people["admin1"])
    review(site.db, ids[0], people["li"], blind=True)
    review(site.db, ids[1], people["li"], blind=True)
    review(site.db, ids[0], people["zhao"], blind=True)
    review(site.db, ids[1], people["zhao"], blind=True, greeting=False)
    # greeting vs grader, 8 human verdicts (auto, human): wang TT TF FF FF, li TT TT, zhao TT TF.
    #   p_o = 6/8 = 0.75; grader passes 6/8, humans 4/8: p_e = .75*.5 + .25*.5 = .5; kappa = .25/.5 = 0.50.
    # greeting blind, li vs zhao: call 1 (T, T), call 2 (T, F): p_o = .5; li passes 1.0, zhao .5:
    #   p_e = 1*.5 + 0*.5 = .5; kappa = 0.00.
    # name_capture: everyone agrees with the grader, who passes half: kappa 1.00 both ways.
    html = await (await (await logged_in(site, "wang")).get("/review/calibration")).text()
    assert cells(row(html, "greeting")) == ["开场问候 核心", "8", "75%", "0.50 需要调整", "2", "50%", "0.00 需要调整"]
    assert cells(row(html, "name_capture")) == ["询问并称呼姓氏 核心", "8", "100%", "1.00 很好", "2", "100%", "1.00 很好"]
    assert cells(row(html, "courtesy")) == [LABELS["courtesy"], "0", "—", "—", "0", "—", "—"]
    assert f'href="/review/calls/{ids[1]}"' in html  # wang's and zhao's disagreements on call 2
    assert "data/rubric.yml" in html and "0.6–0.8" in html
    # Someone who still has call 2 to review blind sees the numbers but not that call's verdicts.
    sun = users.add_user(site.db, "sun", PASSWORD, "evaluator").id
    reviews.assign(site.db, [ids[1]], [people["li"], sun], people["admin1"])  # li's is done already
    hidden = await (await (await logged_in(site, "sun")).get("/review/calibration")).text()
    assert ids[1] not in hidden and "不含你尚未完成盲评的通话" in hidden
    assert cells(row(hidden, "greeting")) == cells(row(html, "greeting"))


async def test_analytics_shows_charts_tables_and_keeps_names_as_text(site):
    add_call(site.db, datetime(2026, 11, 2, 9), trainee=XSS, persona=XSS, invitation=False)
    add_call(site.db, datetime(2026, 11, 3, 9), trainee="李明")
    browser = await logged_in(site, "admin1")
    for path in ("/review/analytics", "/review/analytics?trainee=" + XSS.replace(" ", "+").replace("=", "%3D"),
                 "/review/analytics?since=2026-11-01&until=2026-11-30&trainee=%E6%9D%8E%E6%98%8E"):
        response = await browser.get(path)
        html = await response.text()
        assert response.status == 200, path
        assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html, path
        assert html.count("<svg") >= 3 and "各标准通过率（按日）" in html
    # The 李明 view: his per-criterion chart, his calls, and the numbers in the tables.
    assert "李明：各标准通过率" in html and "李明 的通话" in html
    assert 'value="2026-11-01"' in html
    all_html = await (await browser.get("/review/analytics")).text()
    assert "2026-11-02" in all_html and "<td>60</td>" in all_html  # the XSS trainee's score: invitation failed


async def test_bad_filters_are_ignored_not_errors(site):
    browser = await logged_in(site, "wang")
    response = await browser.get("/review/analytics?since=not-a-date&until=2026-13-45&trainee=" + "x" * 500)
    assert response.status == 200
    assert "暂无数据" in await response.text()
