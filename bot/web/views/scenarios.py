"""The page's settings and the persona cards of the lobby."""

from __future__ import annotations

from typing import Any, Dict

from aiohttp import web

from bot.grading.record_card import CADENCE, FIELDS, FORMS, MAX_FIELD_CHARS, cadence
from bot.grading.rubric import load_rubric
from bot.messages import MAX_MESSAGE_CHARS
from bot.web.errors import json_response
from bot.web.security import visitor

MISSED_AFTER_RINGS = 10  # an inbound caller gives up after this many rings
INDUSTRIES = {"car": "汽车", "real_estate": "房产", "truck": "货车服务", "truck_service": "货车服务", "telecom": "通信"}
DIRECTIONS = {"inbound": "来电接听", "outbound": "电话回访/预约"}
DIFFICULTIES = {"easy": "简单", "normal": "普通", "hard": "困难"}


def persona_card(persona) -> Dict[str, Any]:
    card = {
        "id": persona.id,
        "title": persona.title,
        "industry": persona.industry,
        "industry_label": INDUSTRIES.get(persona.industry, persona.industry),
        "direction": persona.direction,
        "direction_label": DIRECTIONS[persona.direction],
        "difficulty": persona.difficulty,
        "difficulty_label": DIFFICULTIES[persona.difficulty],
        "company": persona.company,
    }
    if persona.direction == "outbound":  # the trainee knows whom they are calling
        card["customer"] = persona.addressed_as
        card["phone"] = persona.phone
    return card


async def config(request: web.Request) -> web.Response:
    return json_response(
        {
            "max_message_chars": MAX_MESSAGE_CHARS,
            "ring_ms": request.app["settings"].ring_ms,
            "missed_after_rings": MISSED_AFTER_RINGS,
            "record_card": {
                "fields": [{"id": field, "label": label} for field, label in FIELDS.items()],
                "classes": [cadence(c) for c in CADENCE],
                "max_chars": MAX_FIELD_CHARS,
                "forms": {direction: {**form, "known": list(form["known"])} for direction, form in FORMS.items()},
            },
            # For the results: the standard's phrase and a better line for each criterion (data/rubric.yml).
            "criteria": {
                c.id: {"label": c.label, "standard": c.standard, "better": c.better}
                for c in load_rubric().criteria.values()
            },
        }
    )


async def personas(request: web.Request) -> web.Response:
    (await visitor(request)).require_practice()
    found, _ = request.app["registry"].scan()
    cards = [persona_card(p) for p in sorted(found.values(), key=lambda p: (p.industry, p.id))]
    return json_response({"personas": cards})
