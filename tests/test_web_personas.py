"""The trainers' persona pages: roles, drafts invisible in the lobby until published, errors with
line and field, escaping, path tricks and CSRF (the web app on a copy of tests/fixtures/personas)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

import pytest
from aiohttp import FormData

from bot.store import users
from bot.web.trainer import add_routes
from tests.test_persona_drafts import GOOD, line_of, variant

XSS = "<img src=x onerror=alert(1)>"
PASSWORD = "secret pass"


def textarea(html: str) -> str:
    return unescape(re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S).group(1))


@pytest.fixture
def folder(persona_folder) -> Path:
    return persona_folder  # set before the app takes default_registry()


@pytest.fixture
async def site(web_app, folder):
    web = web_app()
    assert web.server.app["registry"].folder == folder
    if not any(getattr(r, "canonical", "") == "/personas" for r in web.server.app.router.resources()):
        add_routes(web.server.app)  # until bot/web/app.py calls it itself
    return web


async def signed_in(site, role: str):
    """A browser logged in as an account of this role (named after it)."""
    if not users.username_taken(site.db, role):
        users.add_user(site.db, role, PASSWORD, role)
    browser = await site.browser()
    assert (await browser.login(role, PASSWORD)).status == 200
    return browser


async def form_post(browser, path: str, follow: bool = True, **fields):
    return await browser.client.post(path, data={**fields, "csrf_token": browser.csrf}, allow_redirects=follow)


async def lobby_ids(browser) -> set:
    body = await (await browser.get("/api/personas")).json()
    return {card["id"] for card in body["personas"]}


PAGES = ["/personas", "/personas/new", "/personas/drafts/car_showroom_inbound"]
POSTS = [
    "/personas/new",
    "/personas/drafts/x",
    "/personas/drafts/x/publish",
    "/personas/drafts/x/delete",
    "/personas/car_showroom_inbound/edit",
    "/personas/car_showroom_inbound/unpublish",
]


async def test_without_login_every_page_redirects_to_login(site, folder):
    browser = await site.browser()
    await browser.session()
    for path in PAGES:
        response = await browser.client.get(path, allow_redirects=False)
        assert response.status == 302 and unquote(response.headers["Location"]) == f"/login?next={path}"
    for path in POSTS:
        response = await form_post(browser, path, follow=False, text=GOOD)
        assert response.status == 302 and response.headers["Location"].startswith("/login"), path
    assert (folder / "car_showroom_inbound.yml").is_file()


@pytest.mark.parametrize("role", ["trainee", "evaluator"])
async def test_other_roles_get_403(site, folder, role):
    browser = await signed_in(site, role)
    for path in PAGES:
        response = await browser.get(path)
        assert response.status == 403 and "没有权限" in await response.text()
    for path in POSTS:
        assert (await form_post(browser, path, text=variant("x"))).status == 403, path
    assert (folder / "car_showroom_inbound.yml").is_file() and not (folder / "drafts").exists()


@pytest.mark.parametrize("role", ["trainer", "admin"])
async def test_trainers_and_admins_see_the_published_personas(site, role):
    browser = await signed_in(site, role)
    response = await browser.get("/personas")
    html = await response.text()
    assert response.status == 200
    for persona_id in ("car_showroom_inbound", "real_estate_inbound", "telecom_appointment_outbound"):
        assert persona_id in html
    assert "星辰X5 咨询来电" in html and "来电接听" in html and "困难" in html
    assert (await browser.get("/personas/new")).status == 200


async def test_a_new_draft_is_invisible_in_the_lobby_until_published(site, folder):
    trainer, trainee = await signed_in(site, "trainer"), await signed_in(site, "trainee")
    before = await lobby_ids(trainee)
    response = await form_post(
        trainer, "/personas/new", text=variant("walkin_mother", ("星辰X5 咨询来电", "带孩子的妈妈"))
    )
    html = await response.text()
    assert response.status == 200 and str(response.url).endswith("/personas/drafts/walkin_mother?notice=created")
    assert "校验通过" in html and "带孩子的妈妈" in html and "王先生" in html  # the preview
    assert "你是「星辰汽车4S店」的销售" in html and "我想问一下你们星辰X5现在什么价格" in html
    assert await lobby_ids(trainee) == before
    assert "walkin_mother" in await (await trainer.get("/personas")).text()

    published = await form_post(trainer, "/personas/drafts/walkin_mother/publish")
    assert published.status == 200 and str(published.url).endswith("/personas?notice=published&id=walkin_mother")
    assert await lobby_ids(trainee) == before | {"walkin_mother"}
    assert (folder / "walkin_mother.yml").is_file() and not (folder / "drafts" / "walkin_mother.yml").exists()


async def test_an_uploaded_file_becomes_a_draft_and_its_name_must_be_its_id(site, folder):
    trainer = await signed_in(site, "trainer")

    async def upload(name: str):
        form = FormData()
        form.add_field("csrf_token", trainer.csrf)
        form.add_field("file", variant("uploaded").encode("utf-8"), filename=name, content_type="application/x-yaml")
        response = await trainer.client.post("/personas/new", data=form)
        return response.status, await response.text()

    status, html = await upload("other_name.yml")
    assert status == 400 and "must be uploaded.yml" in unescape(html) and "id: uploaded" in textarea(html)
    assert not (folder / "drafts").exists()
    status, html = await upload("uploaded.yml")
    assert status == 200 and "校验通过" in html and (folder / "drafts" / "uploaded.yml").is_file()


async def test_an_outbound_preview_shows_the_customer_and_phone(site):
    trainer = await signed_in(site, "trainer")
    await form_post(trainer, "/personas/telecom_appointment_outbound/edit")
    html = await (await trainer.get("/personas/drafts/telecom_appointment_outbound")).text()
    assert "致电李总（" in html and "电话预约" in html and "opening" in html


async def test_an_invalid_draft_shows_its_line_and_field_and_is_refused_at_publish(site, folder):
    trainer, trainee = await signed_in(site, "trainer"), await signed_in(site, "trainee")
    text = variant("bad_phone", ('phone: "13912345678"', 'phone: "12345"'))
    line = line_of(text, 'phone: "12345"')
    response = await form_post(trainer, "/personas/new", text=text)
    html = await response.text()
    assert response.status == 200 and "/personas/drafts/bad_phone" in str(response.url)
    assert f"第 {line} 行" in html and "customer.phone" in html and "11-digit mobile number" in html
    assert f"drafts/bad_phone.yml:{line}: customer.phone: " in html  # as `bot personas validate` says it
    assert textarea(html) == text  # the text stays in the textarea
    listed = await (await trainer.get("/personas")).text()
    assert "bad_phone" in listed and "有错误" in listed and f"第 {line} 行" in listed

    refused = await form_post(trainer, "/personas/drafts/bad_phone/publish")
    assert refused.status == 409 and "无法发布" in await refused.text()
    assert "bad_phone" not in await lobby_ids(trainee) and not (folder / "bad_phone.yml").exists()

    fixed = await form_post(trainer, "/personas/drafts/bad_phone", text=text.replace('"12345"', '"13912345678"'))
    assert "校验通过" in await fixed.text()
    assert (await form_post(trainer, "/personas/drafts/bad_phone/publish")).status == 200
    assert "bad_phone" in await lobby_ids(trainee)


async def test_text_without_a_usable_id_is_not_saved_and_stays_in_the_textarea(site, folder):
    trainer = await signed_in(site, "trainer")
    text = "title: 没有编号\nindustry: car\n"
    response = await form_post(trainer, "/personas/new", text=text)
    html = await response.text()
    assert response.status == 400 and "没有保存" in html and "<code>id</code>" in html
    assert textarea(html) == text and not (folder / "drafts").exists()
    broken = variant("half_done") + "agenda: [unclosed\n"
    response = await form_post(trainer, "/personas/new", text=broken)
    html = await response.text()  # saved as an invalid draft: the id line is readable
    assert response.status == 200 and "字段 <code>yaml</code>" in html and textarea(html) == broken


async def test_titles_and_errors_are_rendered_as_text(site):
    trainer, trainee = await signed_in(site, "trainer"), await signed_in(site, "trainee")
    text = variant(
        "xss_title", ("title: 星辰X5 咨询来电", f"title: '{XSS}'"), ("  company: 星辰汽车4S店", f"  company: '{XSS}'")
    )
    await form_post(trainer, "/personas/new", text=text)
    broken = variant("xss_error", ("direction: inbound", "direction: '<script>alert(1)</script>'"))
    await form_post(trainer, "/personas/new", text=broken)
    await form_post(trainer, "/personas/drafts/xss_title/publish")
    pages = ["/personas", "/personas/drafts/xss_error"]
    await form_post(trainer, "/personas/xss_title/edit")
    pages.append("/personas/drafts/xss_title")
    for path in pages:
        html = await (await trainer.get(path)).text()
        assert "<img src=x" not in html and "<script>alert" not in html, path
        assert "&lt;img src=x onerror=alert(1)&gt;" in html or "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    assert "&lt;img src=x onerror=alert(1)&gt;" in await (await trainer.get("/personas/drafts/xss_title")).text()
    assert XSS in {card["title"] for card in (await (await trainee.get("/api/personas")).json())["personas"]}


@pytest.mark.parametrize(
    "path",
    [
        "/personas/drafts/..%2F..%2Fetc%2Fpasswd",
        "/personas/drafts/%2E%2E",
        "/personas/drafts/Car_Showroom",
        "/personas/drafts/car%00",
        "/personas/drafts/drafts",
        "/personas/drafts/..%5Ccar_showroom_inbound",
    ],
)
async def test_path_tricks_in_page_ids_are_refused(site, path):
    trainer = await signed_in(site, "trainer")
    response = await trainer.get(path)
    assert response.status in (400, 404) and "root:" not in await response.text()


@pytest.mark.parametrize("target", ["..%2Fcar_showroom_inbound", "..", "car_showroom_inbound.yml", "CAR"])
async def test_path_tricks_in_posts_change_nothing(site, folder, target):
    trainer = await signed_in(site, "trainer")
    before = sorted(p.relative_to(folder.parent) for p in folder.parent.rglob("*"))
    for action in (
        "/personas/{}/unpublish",
        "/personas/{}/edit",
        "/personas/drafts/{}/publish",
        "/personas/drafts/{}/delete",
        "/personas/drafts/{}",
    ):
        response = await form_post(trainer, action.format(target), text=GOOD)
        assert response.status in (400, 404, 405), (action, response.status)
    evil = variant("x").replace("id: x", "id: ../../evil", 1)
    response = await form_post(trainer, "/personas/new", text=evil)
    assert response.status == 400 and "lower_snake_case" in await response.text()
    assert sorted(p.relative_to(folder.parent) for p in folder.parent.rglob("*")) == before


async def test_posts_without_the_csrf_token_are_refused(site, folder):
    trainer = await signed_in(site, "trainer")
    for path in POSTS:
        response = await trainer.client.post(path, data={"text": variant("no_csrf")})
        assert response.status == 403, path
    wrong = await trainer.client.post("/personas/new", data={"text": variant("no_csrf"), "csrf_token": "nope"})
    assert wrong.status == 403
    form = FormData()
    form.add_field("file", variant("no_csrf").encode(), filename="no_csrf.yml")
    assert (await trainer.client.post("/personas/new", data=form)).status == 403
    assert not (folder / "drafts").exists() and (folder / "car_showroom_inbound.yml").is_file()


async def test_edit_a_published_persona_then_unpublish(site, folder):
    trainer, trainee = await signed_in(site, "trainer"), await signed_in(site, "trainee")
    copied = await form_post(trainer, "/personas/real_estate_inbound/edit")
    assert str(copied.url).endswith("notice=copied") and "已有同名的已发布角色" in await copied.text()
    text = (
        (folder / "drafts" / "real_estate_inbound.yml")
        .read_text("utf-8")
        .replace("锦绣华庭 购房咨询来电", "改过的标题", 1)
    )
    await form_post(trainer, "/personas/drafts/real_estate_inbound", text=text)
    titles = {c["id"]: c["title"] for c in (await (await trainee.get("/api/personas")).json())["personas"]}
    assert titles["real_estate_inbound"] == "锦绣华庭 购房咨询来电"  # the draft is not live
    again = await form_post(trainer, "/personas/real_estate_inbound/edit")
    assert str(again.url).endswith("notice=existing") and "改过的标题" in await again.text()
    conflict = await form_post(trainer, "/personas/real_estate_inbound/unpublish")
    assert conflict.status == 409 and "已有同名草稿" in await conflict.text()
    await form_post(trainer, "/personas/drafts/real_estate_inbound/publish")
    titles = {c["id"]: c["title"] for c in (await (await trainee.get("/api/personas")).json())["personas"]}
    assert titles["real_estate_inbound"] == "改过的标题"

    gone = await form_post(trainer, "/personas/real_estate_inbound/unpublish")
    assert gone.status == 200 and "已下架" in await gone.text()
    assert "real_estate_inbound" not in await lobby_ids(trainee)
    assert (folder / "drafts" / "real_estate_inbound.yml").is_file()
    deleted = await form_post(trainer, "/personas/drafts/real_estate_inbound/delete")
    assert deleted.status == 200 and not (folder / "drafts" / "real_estate_inbound.yml").exists()


async def test_a_broken_save_keeps_the_last_good_version_and_lists_every_problem(site, folder):
    trainer, trainee = await signed_in(site, "trainer"), await signed_in(site, "trainee")
    assert "truck_followup_outbound" in await lobby_ids(trainee)  # the good version, seen once
    path = folder / "truck_followup_outbound.yml"
    text = path.read_text("utf-8").replace("class: ", "class: Z #", 1).replace("direction: outbound", "direction: up")
    path.write_text(text, "utf-8")

    assert "truck_followup_outbound" in await lobby_ids(trainee)  # still playable
    html = await (await trainer.get("/personas")).text()
    assert "当前文件有错误，正在使用上一个有效版本" in html and "truck_followup_outbound.yml" in html
    assert "共 2 个问题" in html
    assert f"第 {line_of(text, 'class: Z')} 行" in html and "<code>class</code>" in html
    assert f"第 {line_of(text, 'direction: up')} 行" in html and "<code>direction</code>" in html
    copied = await form_post(trainer, "/personas/truck_followup_outbound/edit")
    assert "字段 <code>class</code>" in await copied.text()  # fix it in the draft, then publish over it


async def test_a_new_file_that_never_loaded_is_listed_but_not_playable(site, folder):
    text = variant("newcomer", ("class: C", "class: Z"))
    (folder / "newcomer.yml").write_text(text, "utf-8")
    trainer, trainee = await signed_in(site, "trainer"), await signed_in(site, "trainee")
    assert "newcomer" not in await lobby_ids(trainee)
    html = await (await trainer.get("/personas")).text()
    assert "这个文件从未成功加载" in html and "newcomer.yml" in html
    assert f"第 {line_of(text, 'class: Z')} 行" in html and "正在使用上一个有效版本" not in html


async def test_a_draft_shows_every_problem_with_its_line(site, folder):
    trainer = await signed_in(site, "trainer")
    text = variant(
        "many_mistakes",
        ("direction: inbound", "direction: sideways"),
        ("  surname: 王\n", ""),
        ("  - days: [周六, 周日]", "  - days: [周八]"),
    )
    response = await form_post(trainer, "/personas/new", text=text)
    html = await response.text()
    assert "共 3 个问题" in html and "customer.surname" in html
    for needle, field in (("direction: sideways", "direction"), ("days: [周八]", "availability[0].days")):
        assert f"drafts/many_mistakes.yml:{line_of(text, needle)}: {field}: " in html
    listed = await (await trainer.get("/personas")).text()
    assert "有错误（3 个）" in listed and f"第 {line_of(text, 'days: [周八]')} 行" in listed
