"""Log in, log out, CSRF, origins, the admin's settings (the web app, no Rasa needed)."""

from __future__ import annotations

from bot.store import users


async def test_a_new_visitor_gets_a_csrf_token_and_open_practice(web):
    browser = await web.browser()
    response = await browser.get("/api/session")
    body = await response.json()
    assert body["user"] is None and body["open_practice"] is True and len(body["csrf_token"]) > 20
    cookie = next(h for h in response.headers.getall("Set-Cookie") if h.startswith("peilian_session="))
    assert "HttpOnly" in cookie and "SameSite" in cookie
    assert body["csrf_token"] not in cookie  # encrypted, not readable
    again = await (await browser.get("/api/session")).json()
    assert again["csrf_token"] == body["csrf_token"]  # bound to the session


async def test_login_and_logout(web):
    users.add_user(web.db, "li", "secret pass", "trainee")
    browser = await web.browser()
    first = (await browser.session())["csrf_token"]
    response = await browser.login("li", "secret pass")
    assert response.status == 200
    body = await response.json()
    assert body["user"]["username"] == "li" and body["user"]["role"] == "trainee"
    assert body["csrf_token"] != first  # a fresh session at login: no fixation
    cookie = next(h for h in response.headers.getall("Set-Cookie") if h.startswith("peilian_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert (await browser.session())["user"]["username"] == "li"
    out = await browser.post("/api/logout")
    assert (await out.json())["user"] is None
    assert (await browser.session())["user"] is None


async def test_wrong_passwords_get_401_and_then_429(web):
    users.add_user(web.db, "li", "secret pass", "trainee")
    browser = await web.browser()
    for _ in range(users.MAX_FAILURES_PER_USER):
        response = await browser.login("li", "nope")
        assert response.status == 401 and (await response.json())["reason"] == "bad_credentials"
    throttled = await browser.login("li", "secret pass")
    body = await throttled.json()
    assert throttled.status == 429 and body["reason"] == "rate_limited" and body["retry_after"] > 0


async def test_a_disabled_account_is_logged_out_at_its_next_request(web):
    users.add_user(web.db, "li", "secret pass", "trainee")
    browser = await web.browser()
    await browser.login("li", "secret pass")
    users.set_disabled(web.db, "li")
    assert (await browser.session())["user"] is None


async def test_posts_without_the_csrf_token_are_refused(web):
    browser = await web.browser()
    await browser.session()
    for path in ("/api/login", "/api/logout", "/api/calls", "/api/settings", "/api/calls/abc/turns"):
        response = await browser.post(path, {"username": "x"}, csrf=False)
        assert response.status == 403 and (await response.json())["reason"] == "csrf", path
        wrong = await browser.client.post(path, json={}, headers={"X-CSRF-Token": "forged"})
        assert wrong.status == 403, path


async def test_requests_from_another_origin_are_refused_and_get_no_cors(web_app):
    web = web_app(allowed_origins=("https://lms.example",))
    browser = await web.browser()
    first = await browser.get("/api/session")
    browser.csrf = (await first.json())["csrf_token"]
    cookie = next(h for h in first.headers.getall("Set-Cookie") if h.startswith("peilian_session="))
    assert "SameSite=None" in cookie and "Secure" in cookie  # an embedding site needs both
    browser.client.session.cookie_jar._unsafe = True
    browser.client.session.cookie_jar.update_cookies({"peilian_session": first.cookies["peilian_session"].value})
    evil = await browser.post("/api/calls", {"persona": "car_showroom_inbound"}, Origin="https://evil.example")
    assert evil.status == 403 and (await evil.json())["reason"] == "origin"
    assert "Access-Control-Allow-Origin" not in evil.headers
    read = await browser.client.get("/api/personas", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in read.headers  # the browser won't hand it to evil.example
    lms = await browser.client.get("/api/personas", headers={"Origin": "https://lms.example"})
    assert lms.headers["Access-Control-Allow-Origin"] == "https://lms.example"
    assert lms.headers["Access-Control-Allow-Credentials"] == "true"
    allowed = await browser.post("/api/calls", {"persona": "car_showroom_inbound"}, Origin="https://lms.example")
    assert allowed.status == 201


async def test_settings_are_for_admins_only(web):
    users.add_user(web.db, "boss", "secret pass", "admin")
    users.add_user(web.db, "eva", "secret pass", "evaluator")
    anonymous = await web.browser()
    assert (await anonymous.get("/api/settings")).status == 401
    assert (await anonymous.post("/api/settings", {"open_practice": False})).status == 401
    evaluator = await web.browser()
    await evaluator.login("eva", "secret pass")
    assert (await evaluator.get("/api/settings")).status == 403
    assert (await evaluator.post("/api/settings", {"open_practice": False})).status == 403
    admin = await web.browser()
    await admin.login("boss", "secret pass")
    assert (await (await admin.post("/api/settings", {"open_practice": "no"})).json())["field"] == "open_practice"
    changed = await admin.post("/api/settings", {"open_practice": False})
    assert (await changed.json()) == {"open_practice": False}
    assert (await anonymous.session())["open_practice"] is False


async def test_pages_and_files_carry_safe_headers(web):
    browser = await web.browser()
    page = await browser.get("/")
    html = await page.text()
    assert '<div id="peilian"></div>' in html and '<script src="/widget.js"></script>' in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert (await browser.get("/widget.js")).status == 200
    assert (await browser.get("/favicon.ico")).status == 200
    missing = await browser.get("/api/nothing")
    assert missing.status == 404 and "error" in await missing.json()


async def test_a_copied_cookie_is_worthless_after_logout_or_a_password_change(web):
    users.add_user(web.db, "li", "secret pass", "trainee")
    browser = await web.browser()
    await browser.login("li", "secret pass")
    stolen = browser.client.session.cookie_jar.filter_cookies(browser.client.make_url("/"))["peilian_session"].value
    thief = await web.browser()
    thief.client.session.cookie_jar.update_cookies({"peilian_session": stolen})
    assert (await thief.session())["user"]["username"] == "li"
    await browser.post("/api/logout")
    assert (await thief.session())["user"] is None
    again = await web.browser()
    await again.login("li", "secret pass")
    users.set_password(web.db, "li", "a new password")
    assert (await again.session())["user"] is None


async def test_deeply_nested_json_is_a_400_not_a_500(web):
    browser = await web.browser()
    await browser.session()
    response = await browser.client.post("/api/login", data="[" * 30000, headers={
        "X-CSRF-Token": browser.csrf, "Content-Type": "application/json"})
    assert response.status == 400 and (await response.json())["reason"] == "bad_json"


async def test_answers_are_readable_utf8(web):
    browser = await web.browser()
    response = await browser.post("/api/login", {"username": "nobody", "password": "x"})
    assert "用户名或密码错误" in await response.text()


async def test_the_standard_is_a_public_page(web):
    browser = await web.browser()
    page = await browser.get("/standard")
    text = await page.text()
    assert page.status == 200 and "`greeting`" in text and "铃响三声内接听" in text
