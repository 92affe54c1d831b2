"""One call, from the ring to the record card, and the stored calls.

The server issues the call id, measures the rings, and builds every piece of metadata Rasa sees;
the browser sends only a persona, an exam seed, its words and the record card. Only the owner
plays a call. A trainee asking for someone else's call gets 404, the same as for no call, so ids
can't be probed; evaluators and admins may read every call.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import Any, Dict, List, Optional, Sequence

from aiohttp import web

from bot.customer.misheard import LINE_DROPPED
from bot.customer.state import CallState
from bot.grading.record_card import (
    CallFacts,
    RecordCardError,
    check_card,
    customer_lines,
    parse_card,
    with_known_fields,
)
from bot.messages import MAX_SEED, SILENCE_PAYLOAD, spoken, text_problem
from bot.personas.registry import UnknownPersona
from bot.store import calls as store
from bot.store import reviews, users
from bot.store.schema import Call, utcnow
from bot.web.errors import ApiError, forbidden, json_response, login_required, not_found
from bot.web.rasa_client import Reply
from bot.web.security import browser_id, visitor
from bot.web.speech import speech_url
from bot.web.views import blocking, json_body, optional_text
from bot.web.views.scenarios import MISSED_AFTER_RINGS

MAX_TRAINEE_CHARS = 40
IDLE_MINUTES = 20  # a live call nobody speaks on for this long is hung up and graded
log = logging.getLogger(__name__)


async def _call(request: web.Request, play: bool) -> Call:
    """The call in the URL, if this visitor may play it (play=True) or read it."""
    who = await visitor(request)
    if who.account is None and not who.open_practice:
        raise login_required()
    call = await blocking(store.get_call, request.app["db"], request.match_info["call_id"][:40])
    if call is None:
        raise not_found("no such call")
    if who.owns(call):
        return call
    if who.reviews_calls:
        if play:
            raise forbidden("只有本人可以进行这通电话（only the trainee plays their call）")
        if who.account and call.id in await blocking(reviews.open_assignments, request.app["db"], who.account.id):
            # A blind review still owed: no grader verdicts or other reviewers before it is given.
            raise ApiError(403, "这通电话在你的盲评队列里，请先完成盲评", reason="blind_review_pending")
        return call
    raise not_found("no such call")


def _metadata(call: Call, rings: Optional[int] = None) -> Dict[str, Any]:
    """Everything Rasa and the grader learn about this call, decided here, never by the browser."""
    data: Dict[str, Any] = {
        "persona": call.persona,
        "date": call.call_date.isoformat(),
        "trainee": call.trainee,
        "source": "widget",
    }
    for key, value in (
        ("seed", call.seed),
        ("user_id", call.user_id),
        ("rings", rings if rings is not None else call.rings),
    ):
        if value is not None:
            data[key] = value
    return data


async def create(request: web.Request) -> web.Response:
    who = await visitor(request)
    who.require_practice()
    body = await json_body(request)
    unknown = sorted(set(body) - {"persona", "seed", "trainee"})
    if unknown:  # rings, dates, scores... are the server's to decide
        raise ApiError(
            400,
            f"unknown fields: {', '.join(unknown)}; a call takes persona, seed and trainee",
            field=unknown[0],
            reason="unknown_field",
        )
    persona_id = body.get("persona")
    try:
        persona = request.app["registry"].get(persona_id if isinstance(persona_id, str) else "")
    except UnknownPersona:
        raise ApiError(
            400, f"unknown or unavailable persona {persona_id!r}", field="persona", reason="bad_field"
        ) from None
    seed = body.get("seed")
    if seed is not None and not (isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed <= MAX_SEED):
        raise ApiError(400, f"seed must be a whole number 0-{MAX_SEED}", field="seed", reason="bad_field")
    db = request.app["db"]
    if who.account is not None:
        trainee, owner, browser = who.account.username, who.account.id, None
    else:
        trainee = optional_text(body, "trainee", MAX_TRAINEE_CHARS) or "匿名学员"
        if await blocking(users.username_taken, db, trainee):  # nobody practises under another's name
            raise ApiError(400, "这个名字属于一个账号：请登录后练习", field="trainee", reason="bad_field")
        owner, browser = None, await browser_id(request)
    # A call left open (a closed tab, a reload) is hung up and graded, never silently dropped.
    for stale in await blocking(store.open_calls_of, db, user_id=owner, browser_id=browser):
        try:
            await end_call(request.app, stale)
        except ApiError as error:  # the sweeper ends it later; the new call need not wait
            log.warning("could not end stale call %s: %s", stale.id, error.message)
    call = await blocking(
        store.create_web_call,
        request.app["db"],
        persona=persona.id,
        direction=persona.direction,
        seed=seed,
        call_date=date.today(),
        user_id=owner,
        browser_id=browser,
        trainee=trainee,
    )
    status = "ringing" if persona.direction == "inbound" else "dialling"
    return json_response(
        {"call": {"id": call.id, "persona": persona.id, "direction": persona.direction, "status": status}}, status=201
    )


async def answer(request: web.Request) -> web.Response:
    call = await _call(request, play=True)
    if call.status != "ringing":
        raise ApiError(
            409, "the call was already answered", reason="already_answered" if call.status == "live" else call.status
        )
    rings = None
    if call.direction == "inbound":
        elapsed_ms = (utcnow() - call.created_at).total_seconds() * 1000
        rings = int(elapsed_ms // request.app["settings"].ring_ms) + 1  # the first ring sounds at once
        if rings > MISSED_AFTER_RINGS:
            await blocking(store.mark_missed, request.app["db"], call.id)
            raise ApiError(409, f"未接来电：铃响{MISSED_AFTER_RINGS}声没人接，客户挂断了", reason="missed")
    try:
        await blocking(store.mark_answered, request.app["db"], call.id, rings)
    except store.CallConflict as conflict:
        raise ApiError(409, conflict.message, reason=conflict.reason) from None
    try:
        reply = await request.app["rasa"].say(call.conversation_id, "/start_call", _metadata(call, rings))
    except ApiError:
        await blocking(store.unmark_answered, request.app["db"], call.id)
        raise
    return await _answer(request, call, reply, rings=rings)


async def turn(request: web.Request) -> web.Response:
    call = await _call(request, play=True)
    body = await json_body(request)
    if body.get("silence") is True and not body.get("text"):
        # The widget's quiet timer: the trainee said nothing for a while. The payload is ours, never
        # the browser's words, and it does not count as activity for the idle sweeper.
        _require_live(call)
        return await _answer(
            request, call, await request.app["rasa"].say(call.conversation_id, SILENCE_PAYLOAD, _metadata(call))
        )
    problem = text_problem(body.get("text"))
    if problem:
        raise ApiError(400, f"text {problem[2]}", field="text", reason=problem[1])
    _require_live(call)
    reply = await request.app["rasa"].say(call.conversation_id, spoken(body["text"]), _metadata(call))
    if not reply.hangup_by:
        await blocking(store.touch, request.app["db"], call.id)
    if reply.unanswered:
        # Rasa took the turn but its action failed (the action server down or restarting): the
        # customer still speaks, and the widget offers the trainee's words again.
        return json_response({"messages": _lines(request, [LINE_DROPPED]), "ended": False, "hangup_by": None,
                              "scorecard": None, "unheard": True})  # fmt: skip
    return await _answer(request, call, reply)


async def hang_up(request: web.Request) -> web.Response:
    call = await _call(request, play=True)
    if call.status == "ringing":  # declined before picking up: nothing to grade
        await blocking(store.mark_missed, request.app["db"], call.id)
        return json_response({"messages": [], "ended": True, "hangup_by": "trainee", "scorecard": None})
    _require_live(call)
    reply = await end_call(request.app, call)
    if reply is None:
        raise ApiError(409, "the call has ended", reason="ended")
    return await _answer(request, call, reply)


async def end_call(app: web.Application, call: Call) -> Optional[Reply]:
    """The trainee's side hangs up (the 挂断 button, or a call abandoned in a closed tab): graded
    as the trainee hanging up first. None if someone else already hung it up."""
    if call.status == "ringing":
        await blocking(store.mark_missed, app["db"], call.id)
        return None
    if not await blocking(store.claim_hangup, app["db"], call.id):
        return None
    try:
        return await app["rasa"].say(call.conversation_id, "/hangup", _metadata(call))
    except ApiError:
        await blocking(store.release_hangup, app["db"], call.id)  # still live: try again later
        raise


async def sweep_stale_calls(app: web.Application) -> None:
    """Every minute: hang up web calls idle for IDLE_MINUTES, and mark unanswered rings missed."""
    ring_s = app["settings"].ring_ms * MISSED_AFTER_RINGS / 1000
    while True:
        await asyncio.sleep(60)
        now = utcnow()
        try:
            for call in await blocking(
                store.stale_calls,
                app["db"],
                idle_before=now - timedelta(minutes=IDLE_MINUTES),
                ringing_before=now - timedelta(seconds=ring_s + 60),
            ):
                await end_call(app, call)
        except Exception:  # never let the sweeper die: the next minute tries again
            log.exception("ending stale calls failed")


def _require_live(call: Call) -> None:
    if call.status == "ringing":
        raise ApiError(409, "pick up (or dial) first", reason="not_answered")
    if call.status != "live":
        raise ApiError(409, "the call has ended", reason="ended")


def _lines(request: web.Request, texts: Sequence[str]) -> List[Dict[str, str]]:
    """The customer's lines, each with the signed URL that speaks it (bot.web.speech)."""
    return [{"text": t, "speech": speech_url(request.app["speech_key"], t)} for t in texts]


async def _answer(request: web.Request, call: Call, reply: Reply, **extra: Any) -> web.Response:
    if reply.error:
        raise ApiError(
            409, "这个场景暂时不可用（角色文件有误），请换一个场景。", reason=reply.error.get("reason", "error")
        )
    scorecard = None
    if reply.hangup_by:
        stored = await blocking(store.get_call, request.app["db"], call.id)
        scorecard = store.call_dict(stored)["scorecard"] if stored else None
    return json_response(
        {
            **extra,
            "messages": _lines(request, reply.texts),
            "ended": reply.hangup_by is not None,
            "hangup_by": reply.hangup_by,
            "scorecard": scorecard,
        }
    )


async def record_card(request: web.Request) -> web.Response:
    call = await _call(request, play=True)
    body = await json_body(request)
    try:
        card = parse_card(body.get("card"))
    except RecordCardError as error:
        raise ApiError(400, error.message, field=error.field, reason="bad_field") from None
    if call.status != "ended":
        raise ApiError(409, "the call has not ended yet", reason="not_ended")
    if call.record_card is not None:
        raise ApiError(409, "the record card of this call was already submitted", reason="already_submitted")
    try:
        persona = request.app["registry"].get(call.persona)
    except UnknownPersona:
        raise ApiError(409, f"the call's persona {call.persona!r} is not available", reason="unknown_persona") from None
    card = with_known_fields(card, persona)
    state = CallState.from_dict(call.customer_state or {})
    lines = customer_lines([(t.speaker, t.text) for t in call.turns])
    result = check_card(card, CallFacts.from_call(persona, state, lines)).to_dict()
    result["card"] = card
    try:
        await blocking(store.save_record_card, request.app["db"], call.id, card, result)
    except store.CallConflict as conflict:
        raise ApiError(409, conflict.message, reason=conflict.reason) from None
    # The call was loaded ended and graded above; saving its card changes no grade.
    return json_response({"record_card": result, "scorecard": store.call_dict(call)["scorecard"]})


async def show(request: web.Request) -> web.Response:
    call = await _call(request, play=False)
    data = store.call_dict(call)
    names = await blocking(
        reviews.usernames, request.app["db"], {r.author_id for r in call.reviews if r.kind != "blind"}
    )
    data["review"] = {"state": reviews.review_state(call), "criteria": reviews.verdicts(call, names)}
    return json_response({"call": data})


async def disputes(request: web.Request) -> web.Response:
    """A logged-in trainee contests one verdict of their call; it goes back in the review queue."""
    call = await _call(request, play=True)
    who = await visitor(request)
    if who.account is None:
        raise login_required()
    body = await json_body(request)
    try:
        await blocking(
            reviews.submit_dispute,
            request.app["db"],
            call.id,
            who.account.id,
            str(body.get("criterion", "")),
            body.get("comment") if isinstance(body.get("comment"), str) else "",
        )
    except reviews.ReviewError as error:
        field, message = error.problems[0]
        raise ApiError(400, message, field=field, reason="bad_field") from None
    return await show(request)


async def index(request: web.Request) -> web.Response:
    who = await visitor(request)
    db = request.app["db"]
    if who.account is not None:
        calls = await blocking(store.list_calls, db, user_id=who.account.id, everyone=who.reviews_calls)
    else:
        who.require_practice()
        calls = await blocking(store.list_calls, db, browser_id=who.browser_id)
    return json_response({"calls": calls})
