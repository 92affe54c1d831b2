"""docs/standard.md and data/rubric.yml describe the same nine criteria.

Each criterion has one section headed "## `id` — 标签 (N points[, core])". The ids, weights and core
marks must equal the rubric's, and the phrases a rubric `standard:` quotes (「…」 and “…”) must appear
in that criterion's section, so the feedback never quotes something the written standard lacks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from bot.grading.rubric import CORE, CRITERIA, load_rubric
from bot.grading.scorecard import LABELS

DOC = Path(__file__).resolve().parent.parent / "docs" / "standard.md"
HEADING = re.compile(r"^## `(?P<id>[a-z_]+)` — (?P<label>.+?) \((?P<weight>\d+) points?(?P<core>, core)?\)\s*$")
QUOTED = re.compile(r"「([^」]+)」|“([^”]+)”")
CLAUSE = re.compile(r"[^，,；;：:、（）()「」“”。！!？?\s]+")
# Trainers may type either width; compare on one.
WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"})


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(WIDTH)


def _sections() -> Tuple[Dict[str, Tuple[str, int, bool]], Dict[str, str], List[str]]:
    """Headings by id as (label, weight, core), each section's text, and the ids in document order."""
    headings: Dict[str, Tuple[str, int, bool]] = {}
    bodies: Dict[str, List[str]] = {}
    order: List[str] = []
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            match = HEADING.match(line)
            current = match.group("id") if match else None
            if match:
                order.append(current)
                headings[current] = (match.group("label"), int(match.group("weight")), bool(match.group("core")))
                bodies[current] = []
            continue
        if current is not None:
            bodies[current].append(line)
    return headings, {cid: "\n".join(lines) for cid, lines in bodies.items()}, order


HEADINGS, BODIES, ORDER = _sections()
RUBRIC = load_rubric()


def test_every_criterion_has_exactly_one_section():
    assert sorted(ORDER) == sorted(RUBRIC.criteria), "docs/standard.md criterion sections vs data/rubric.yml"
    assert len(ORDER) == len(set(ORDER)), f"a criterion has two sections: {ORDER}"
    assert tuple(ORDER) == CRITERIA, "sections should follow the scorecard's order"


@pytest.mark.parametrize("cid", CRITERIA)
def test_weight_core_and_label_match(cid):
    label, weight, core = HEADINGS[cid]
    assert weight == RUBRIC.criteria[cid].weight, f"{cid}: docs say {weight} points, data/rubric.yml {RUBRIC.criteria[cid].weight}"
    assert core == (cid in CORE), f"{cid}: core mark in docs/standard.md disagrees with bot.grading.rubric.CORE"
    assert label == LABELS[cid], f"{cid}: heading label {label!r}, scorecard label {LABELS[cid]!r}"


def test_weights_in_the_doc_add_up_to_100():
    assert sum(weight for _, weight, _ in HEADINGS.values()) == 100


@pytest.mark.parametrize("cid", CRITERIA)
def test_rubric_quotes_appear_in_the_criterion_section(cid):
    standard = RUBRIC.criteria[cid].standard
    body = _flat(BODIES[cid])
    quotes = [a or b for a, b in QUOTED.findall(standard)]
    missing = [q for q in quotes if _flat(q) not in body]
    assert not missing, f"{cid}: data/rubric.yml quotes {missing}, not found in its docs/standard.md section"
    # Every standard, quoted or not, shares at least one clause of four or more characters with its
    # section (e.g. 复述确认关键信息, 了解客户需求), so an unquoted standard can't drift silently.
    clauses = [c for c in CLAUSE.findall(standard) if len(c) >= 4]
    assert any(_flat(c) in body for c in clauses), f"{cid}: no clause of {standard!r} appears in its section"
