"""What a page shows of one call: the transcript with each criterion's evidence turns, the
automatic and human verdicts, the record card, the history. Shared by the evaluator's call page,
the blind review page (which hides the grader and other reviewers) and the trainee's own page."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from bot.store import calls as store
from bot.store import reviews
from bot.store.database import Database
from bot.store.schema import Call


def call_context(db: Database, call: Call, blind: bool = False) -> Dict[str, Any]:
    data = store.call_dict(call)
    names = reviews.usernames(db, {r.author_id for r in call.reviews})
    evidence: Dict[int, List[Dict[str, str]]] = {}
    criteria = []
    if data["scorecard"] and not blind:
        for criterion in data["scorecard"]["criteria"]:
            for item in criterion["evidence"]:
                evidence.setdefault(item["turn"], []).append({"id": criterion["id"], "label": criterion["label"]})
        by_id = {c["id"]: c for c in data["scorecard"]["criteria"]}
        for row in reviews.verdicts(call, names):
            criteria.append({**by_id[row["id"]], **row})
    elif data["scorecard"]:  # blind: only the criteria, nothing the grader or others said
        criteria = [
            {"id": c["id"], "label": c["label"], "max_points": c["max_points"]} for c in data["scorecard"]["criteria"]
        ]
    start, end = call.answered_at or call.created_at, call.ended_at
    seconds = int((end - start).total_seconds()) if end and start else None
    return {
        "call": data,
        "criteria": criteria,
        "evidence": evidence,
        "blind": blind,
        "duration": f"{seconds // 60}:{seconds % 60:02d}" if seconds is not None else "",
        "state": reviews.review_state(call),
        "history": [] if blind else reviews.history(call, names),
    }


def verdicts_from_form(form, criteria: List[Dict[str, Any]]) -> tuple:
    """({criterion: True/False/None}, {criterion: comment}) from a review form."""
    given: Dict[str, Optional[bool]] = {}
    comments: Dict[str, str] = {}
    for criterion in criteria:
        value = form.get(f"verdict.{criterion['id']}")
        given[criterion["id"]] = {"pass": True, "fail": False}.get(value if isinstance(value, str) else "")
        comment = form.get(f"comment.{criterion['id']}")
        comments[criterion["id"]] = comment if isinstance(comment, str) else ""
    return given, comments
