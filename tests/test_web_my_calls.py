"""/calls: a trainee's own calls and progress, per login or (open practice) per browser; nobody
else's, and the trainee's own words rendered as text."""

from __future__ import annotations

from markupsafe import escape

from bot.grading.rubric import load_rubric
from bot.store import calls, reviews, users
from tests.test_web_calls import finish, logged_in, start_call


async def page_text(browser) -> str:
    response = await browser.get("/calls")
    assert response.status == 200, response.status
    return await response.text()


async def test_open_practice_shows_this_browsers_calls_only(web):
    mine, theirs = await web.browser(), await web.browser()
    ended = await start_call(mine, trainee="李明")
    finish(web, ended["id"])
    await start_call(mine, trainee="李明")  # still ringing: listed, not linked
    other = await start_call(theirs, trainee="王芳")
    finish(web, other["id"])

    text = await page_text(mine)
    assert f'href="/calls/{ended["id"]}"' in text and other["id"] not in text and "王芳" not in text
    assert "未结束" in text and "每通电话得分" in text and "各标准通过率" in text
    assert "还没有练习记录" in await page_text(await web.browser())  # a new browser has none


async def test_an_account_sees_its_own_calls_and_the_evaluators_final_verdict(web):
    li = await logged_in(web, "li", "trainee")
    call = await start_call(li)
    finish(web, call["id"])
    wang = await logged_in(web, "wang", "trainee")
    assert call["id"] not in await page_text(wang)

    text = await page_text(li)
    assert f'/calls/{call["id"]}' in text and "我的通话" in text
    stored = calls.call_dict(calls.get_call(web.db, call["id"]))
    before, most = stored["scorecard"]["score"], sum(c["max_points"] for c in stored["scorecard"]["criteria"])
    assert f"{before}/{most}" in text
    verdicts = {c["id"]: c["passed"] for c in stored["scorecard"]["criteria"]}
    failed = next(c for c in stored["scorecard"]["criteria"] if not c["passed"])
    evaluator = users.add_user(web.db, "eva", "secret pass", "evaluator")
    reviews.submit_verdicts(web.db, call["id"], evaluator.id, {**verdicts, failed["id"]: True},
                            {failed["id"]: "其实问了需求"})
    assert f"{before + failed['max_points']}/{most}" in await page_text(li)  # the final verdict counts


async def test_without_open_practice_a_visitor_is_sent_to_log_in(web):
    users.set_open_practice(web.db, False)
    response = await (await web.browser()).client.get("/calls", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/login?next=/calls"


async def test_a_trainees_name_is_text_not_markup(web):
    browser = await web.browser()
    call = await start_call(browser, trainee="<script>alert(1)</script>")
    finish(web, call["id"])
    text = await page_text(browser)
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


async def test_a_past_call_opens_as_results_that_teach(web):
    browser = await web.browser()
    call = await start_call(browser, trainee="李明")
    finish(web, call["id"])
    response = await browser.get(f"/calls/{call['id']}")
    assert response.status == 200
    text = await response.text()
    assert "星辰X5 咨询来电" in text and "car_showroom_inbound</h1>" not in text  # the scenario's title
    assert "你的第2句" in text  # name_capture quotes turn 3, the trainee's second
    better = load_rubric().criteria["name_capture"].better
    assert f"可以这样说：</strong>{escape(better)}" in text  # the failed criterion's better line
    assert f"可以这样说：</strong>{escape(load_rubric().criteria['greeting'].better)}" not in text  # passed


async def test_an_evaluator_owing_a_blind_review_sees_no_verdicts_through_the_trainees_page_or_the_api(web):
    call = await start_call(await web.browser())
    finish(web, call["id"])
    admin = users.add_user(web.db, "boss", "secret pass", "admin")
    eva = await logged_in(web, "eva", "evaluator")
    assert (await eva.get(f"/api/calls/{call['id']}")).status == 200  # nothing owed yet
    users.add_user(web.db, "ming", "secret pass", "evaluator")
    reviews.assign(web.db, [call["id"]], [_account_id(web, "eva"), _account_id(web, "ming")], admin.id)

    api = await eva.get(f"/api/calls/{call['id']}")
    assert api.status == 403 and (await api.json())["reason"] == "blind_review_pending"
    page = await eva.client.get(f"/calls/{call['id']}", allow_redirects=False)
    assert page.status == 302 and page.headers["Location"] == f"/review/blind/{call['id']}"


def _account_id(web, username: str) -> int:
    import sqlalchemy as sa

    from bot.store.schema import User

    with web.db.session() as session:
        return session.scalar(sa.select(User.id).where(User.username == username))
