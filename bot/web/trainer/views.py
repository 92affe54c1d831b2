"""Handlers of the persona pages. File work (YAML parsing, renames) runs off the event loop;
every change is a POST with the form's CSRF token (checked by the guard middleware) and ends in a
redirect, so reloading a page never repeats it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlencode

from aiohttp import web

from bot.personas import drafts
from bot.web.pages import page_visitor, render
from bot.web.trainer.preview import preview, problem, problems
from bot.web.views import blocking
from bot.web.views.scenarios import persona_card

TRAINERS = ("trainer", "admin")
# Messages after a redirect, chosen by a fixed key: the query string never carries page text.
NOTICES = {
    "created": "草稿已保存。检查预览，然后发布。",
    "saved": "草稿已保存。",
    "copied": "已复制为草稿：发布前学员仍使用已发布的版本。",
    "existing": "这个角色已有草稿，下面是现有的草稿。",
    "published": "已发布：学员下一次通话即可选择这个角色。",
    "unpublished": "已下架，移回草稿：学员不再看到这个角色。",
    "deleted": "草稿已删除。",
}
REFUSALS = {
    "bad_id": "编号无效：只能用小写字母、数字和下划线，以字母开头",
    "not_found": "找不到这个角色或草稿",
    "exists": "同名草稿已存在",
}


def _folder(request: web.Request) -> Path:
    return request.app["registry"].folder


def _redirect(path: str, notice: str, persona_id: str = "") -> web.HTTPFound:
    query = {"notice": notice, **({"id": persona_id} if persona_id else {})}
    return web.HTTPFound(f"{path}?{urlencode(query)}")


def _notice(request: web.Request) -> str:
    return NOTICES.get(request.query.get("notice", ""), "")


async def _refused(request: web.Request, error: drafts.DraftError) -> web.Response:
    """A bad id (path tricks included) or a missing file: a short page, nothing touched."""
    status = 400 if error.reason == "bad_id" else 404 if error.reason == "not_found" else 409
    return await render(
        request,
        "personas/refused.html",
        status=status,
        message=error.message,
        headline=REFUSALS.get(error.reason, "无法完成"),
    )


async def index(request: web.Request, status: int = 200, error: str = "") -> web.Response:
    await page_visitor(request, *TRAINERS)
    folder = _folder(request)
    personas, broken = await blocking(request.app["registry"].scan_all)
    stale = {b.serving.id for b in broken if b.serving}
    found = await blocking(drafts.list_drafts, folder)
    draft_ids = {draft.id for draft in found}
    return await render(
        request,
        "personas/index.html",
        status=status,
        notice=_notice(request),
        error=error,
        notice_id=request.query.get("id", "")[: drafts.MAX_ID_CHARS],
        published=[
            dict(persona_card(p), has_draft=p.id in draft_ids, stale=p.id in stale)
            for p in sorted(personas.values(), key=lambda p: (p.industry, p.id))
        ],
        drafts=[
            {
                "id": d.id,
                "title": d.persona.title if d.persona else "",
                "published": d.published,
                "problems": problems(d.error, folder) if d.error else [],
            }
            for d in found
        ],
        broken=[
            {
                "id": Path(b.error.path).stem,
                "where": Path(b.error.path).name,
                "problems": problems(b.error, folder),
                "serving": b.serving.title if b.serving else "",
                "editable": _is_id(Path(b.error.path).stem) and Path(b.error.path).stem not in draft_ids,
            }
            for b in broken
        ],
    )


def _is_id(text: str) -> bool:
    try:
        drafts.check_id(text)
        return True
    except drafts.DraftError:
        return False


async def new_form(request: web.Request) -> web.Response:
    await page_visitor(request, *TRAINERS)
    return await render(request, "personas/new.html", text="", problem=None)


async def create(request: web.Request) -> web.Response:
    """A new draft from an uploaded .yml file or pasted text, named by its `id:`."""
    await page_visitor(request, *TRAINERS)
    form = await request.post()
    upload = form.get("file")
    data: Any = form.get("text", "")
    file_name: Optional[str] = None
    if isinstance(upload, web.FileField) and upload.filename:
        data, file_name = upload.file.read(), upload.filename
    try:
        draft = await blocking(drafts.new_draft, _folder(request), data, file_name)
    except drafts.DraftError as error:
        text = _as_text(data)
        return await render(
            request, "personas/new.html", status=400, text=text, problem=problem(error, _folder(request), text)
        )
    raise _redirect(f"/personas/drafts/{draft.id}", "created")


def _as_text(data: Any) -> str:
    """What to put back in the textarea after a refusal (an undecodable upload: nothing)."""
    if isinstance(data, bytes):
        return data.decode("utf-8-sig", errors="replace")[: drafts.MAX_DRAFT_CHARS]
    return data if isinstance(data, str) else ""


async def draft_page(
    request: web.Request, status: int = 200, refusal: str = "", text: Optional[str] = None
) -> web.Response:
    """The draft's text, its validation result and, when valid, the lobby's card for it."""
    await page_visitor(request, *TRAINERS)
    folder = _folder(request)
    try:
        saved, draft = await blocking(drafts.read_draft, folder, request.match_info["persona_id"])
    except drafts.DraftError as error:
        return await _refused(request, error)
    return await render(
        request,
        "personas/draft.html",
        status=status,
        notice=_notice(request),
        refusal=refusal,
        draft_id=draft.id,
        text=saved if text is None else text,
        published=draft.published,
        problems=problems(draft.error, folder, saved) if draft.error else [],
        preview=preview(draft.persona) if draft.persona else None,
    )


async def save(request: web.Request) -> web.Response:
    await page_visitor(request, *TRAINERS)
    persona_id = request.match_info["persona_id"]
    text = (await request.post()).get("text", "")
    try:
        path = drafts.draft_path(_folder(request), persona_id)
        if not path.is_file():
            raise drafts.DraftError(f"no draft {persona_id!r}", "not_found")
        await blocking(drafts.save_draft, _folder(request), persona_id, text)
    except drafts.DraftError as error:
        if error.reason != "bad_text":
            return await _refused(request, error)
        return await draft_page(request, status=400, refusal=f"没有保存：{error.message}", text=_as_text(text))
    raise _redirect(f"/personas/drafts/{persona_id}", "saved")


async def publish(request: web.Request) -> web.Response:
    await page_visitor(request, *TRAINERS)
    persona_id = request.match_info["persona_id"]
    try:
        await blocking(drafts.publish, _folder(request), persona_id)
    except drafts.DraftError as error:
        if error.reason != "invalid":
            return await _refused(request, error)
        return await draft_page(request, status=409, refusal="无法发布：草稿有错误，修正后再发布。")
    raise _redirect("/personas", "published", persona_id)


async def delete(request: web.Request) -> web.Response:
    await page_visitor(request, *TRAINERS)
    persona_id = request.match_info["persona_id"]
    try:
        await blocking(drafts.delete_draft, _folder(request), persona_id)
    except drafts.DraftError as error:
        return await _refused(request, error)
    raise _redirect("/personas", "deleted", persona_id)


async def edit(request: web.Request) -> web.Response:
    """Copy a published persona to drafts (or open the draft it already has)."""
    await page_visitor(request, *TRAINERS)
    persona_id = request.match_info["persona_id"]
    try:
        await blocking(drafts.edit_published, _folder(request), persona_id)
    except drafts.DraftError as error:
        if error.reason != "exists":
            return await _refused(request, error)
        raise _redirect(f"/personas/drafts/{persona_id}", "existing") from None
    raise _redirect(f"/personas/drafts/{persona_id}", "copied")


async def unpublish(request: web.Request) -> web.Response:
    await page_visitor(request, *TRAINERS)
    persona_id = request.match_info["persona_id"]
    try:
        await blocking(drafts.unpublish, _folder(request), persona_id)
    except drafts.DraftError as error:
        if error.reason != "exists":
            return await _refused(request, error)
        return await index(request, status=409, error=f"无法下架 {persona_id}：已有同名草稿，请先发布或删除该草稿。")
    raise _redirect("/personas", "unpublished", persona_id)
