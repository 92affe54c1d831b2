"""What a page shows of one call: the transcript with each criterion's evidence (the exact words
marked), the automatic and human verdicts, the record card, the history. Shared by the evaluator's call page,
the blind review page (which hides the grader and other reviewers) and the trainee's own page."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from bot.grading.record_card import FORMS
from bot.grading.rubric import load_rubric
from bot.personas.registry import UnknownPersona, default_registry
from bot.store import calls as store
from bot.store import reviews
from bot.store.database import Database
from bot.store.schema import Call


def call_context(db: Database, call: Call, blind: bool = False) -> Dict[str, Any]:
    data = store.call_dict(call)
    names = reviews.usernames(db, {r.author_id for r in call.reviews})
    evidence: Dict[int, List[Dict[str, str]]] = {}
    marks: Dict[int, List[Tuple[int, int]]] = {}
    criteria = []
    if data["scorecard"] and not blind:
        for criterion in data["scorecard"]["criteria"]:
            for item in criterion["evidence"]:
                tags = evidence.setdefault(item["turn"], [])
                if not any(tag["id"] == criterion["id"] for tag in tags):  # one tag however many words
                    tags.append({"id": criterion["id"], "label": criterion["label"]})
                if 0 < item["end"] - item["start"] < len(item["text"]):  # a whole-turn quote marks nothing
                    marks.setdefault(item["turn"], []).append((item["start"], item["end"]))
        by_id = {c["id"]: c for c in data["scorecard"]["criteria"]}
        for row in reviews.verdicts(call, names):
            criteria.append({**by_id[row["id"]], **row})
    elif data["scorecard"]:  # blind: only the criteria, nothing the grader or others said
        criteria = [
            {"id": c["id"], "label": c["label"], "max_points": c["max_points"]} for c in data["scorecard"]["criteria"]
        ]
    start, end = call.answered_at or call.created_at, call.ended_at
    seconds = int((end - start).total_seconds()) if end and start else None
    spoken = [turn["n"] for turn in data["turns"] if turn["speaker"] == "trainee"]
    return {
        "call": data,
        "persona_title": persona_title(call.persona),
        "card_title": FORMS.get(data["direction"] or "inbound", FORMS["inbound"])["title"],
        # For the trainee's own view: 你的第N句 counts their turns, and a failed criterion gets a better line.
        "trainee_turn": {n: i for i, n in enumerate(spoken, 1)},
        "better": {c.id: c.better for c in load_rubric().criteria.values()},
        "criteria": criteria,
        "evidence": evidence,
        "pieces": {turn["n"]: pieces(turn["text"], marks[turn["n"]]) for turn in data["turns"] if turn["n"] in marks},
        "blind": blind,
        "duration": f"{seconds // 60}:{seconds % 60:02d}" if seconds is not None else "",
        "state": reviews.review_state(call),
        "history": [] if blind else reviews.history(call, names),
    }


def persona_title(persona_id: str) -> str:
    """The scenario's title (星辰X5 咨询来电), or its id once the persona is gone."""
    try:
        return default_registry().get(persona_id).title
    except UnknownPersona:
        return persona_id


def pieces(text: str, marks: List[Tuple[int, int]]) -> List[Tuple[str, bool]]:
    """The turn's text cut into (words, marked) runs, overlapping marks merged."""
    flags = [False] * len(text)
    for start, end in marks:
        for i in range(max(start, 0), min(end, len(text))):
            flags[i] = True
    runs: List[Tuple[str, bool]] = []
    for ch, flag in zip(text, flags, strict=True):
        if runs and runs[-1][1] == flag:
            runs[-1] = (runs[-1][0] + ch, flag)
        else:
            runs.append((ch, flag))
    return runs


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
