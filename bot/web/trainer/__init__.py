"""The trainers' persona pages (/personas): list, upload or paste, edit and preview drafts,
publish and unpublish. Trainers and admins only; every change goes through a draft."""

from __future__ import annotations

from aiohttp import web

from bot.web.trainer import views


def add_routes(app: web.Application) -> None:
    routes = app.router
    routes.add_get("/personas", views.index)
    routes.add_get("/personas/new", views.new_form)
    routes.add_post("/personas/new", views.create)
    routes.add_get("/personas/drafts/{persona_id}", views.draft_page)
    routes.add_post("/personas/drafts/{persona_id}", views.save)
    routes.add_post("/personas/drafts/{persona_id}/publish", views.publish)
    routes.add_post("/personas/drafts/{persona_id}/delete", views.delete)
    routes.add_post("/personas/{persona_id}/edit", views.edit)
    routes.add_post("/personas/{persona_id}/unpublish", views.unpublish)
