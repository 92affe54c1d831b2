"""The rubric file: criterion weights, the standard's wording, and trainer-tunable phrase lists."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Tuple

from bot.errors import FieldError
from bot.language.text import normalize
from bot.yaml_io import YAMLError, load_plain

CRITERIA = (
    "greeting",
    "name_capture",
    "invitation",
    "closing",
    "needs_discovery",
    "question_handling",
    "contact_exchange",
    "confirmation",
    "courtesy",
)
CORE = CRITERIA[:4]
PHRASE_LISTS = (
    "greeting",
    "self_intro",
    "roles",
    "thanks",
    "goodbye",
    "invitation",
    "needs_questions",
    "confirm_markers",
    "exaggerations",
    "rash_promises",
    "fillers",
    "rude",
    "kept_waiting",
)
# The numbers live in the rubric file only; each is required there.
THRESHOLDS = ("max_fillers", "monologue_chars", "closing_window", "max_rings")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "data" / "rubric.yml"


class RubricError(FieldError):
    def __init__(self, path: str, field: str, message: str) -> None:
        super().__init__(field, message, path)


@dataclass(frozen=True)
class Criterion:
    id: str
    weight: int
    core: bool
    standard: str


@dataclass(frozen=True)
class Rubric:
    criteria: Mapping[str, Criterion]
    phrases: Mapping[str, Tuple[str, ...]]
    topics: Mapping[str, Tuple[str, ...]]
    max_fillers: int
    monologue_chars: int
    closing_window: int
    max_rings: int
    # The file's `version` and a digest of its text: a tuned phrase list is a new version even if
    # nobody bumps the number, so a stored scorecard always says which rubric graded it.
    version: str = ""

    def has(self, text: str, phrase_list: str) -> bool:
        return any(p in text for p in self.phrases[phrase_list])

    def found(self, text: str, phrase_list: str) -> Tuple[str, ...]:
        return tuple(p for p in self.phrases[phrase_list] if p in text)


def load_rubric(path: Path = DEFAULT_PATH) -> Rubric:
    name = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
        data = load_plain(raw)
    except (OSError, YAMLError) as error:
        raise RubricError(name, "file", str(error)) from error
    if not isinstance(data, dict):
        raise RubricError(name, "file", "must be a mapping")

    criteria_node = data.get("criteria")
    if not isinstance(criteria_node, dict):
        raise RubricError(name, "criteria", "must be a mapping of criterion id to settings")
    unknown = set(criteria_node) - set(CRITERIA)
    if unknown:
        raise RubricError(name, f"criteria.{sorted(unknown)[0]}", f"unknown criterion; ids are {', '.join(CRITERIA)}")
    criteria: Dict[str, Criterion] = {}
    for cid in CRITERIA:
        node = criteria_node.get(cid)
        if not isinstance(node, dict):
            raise RubricError(name, f"criteria.{cid}", "is required")
        weight = node.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            raise RubricError(name, f"criteria.{cid}.weight", f"must be a whole number >= 0, got {weight!r}")
        standard = node.get("standard")
        if not isinstance(standard, str) or not standard.strip():
            raise RubricError(name, f"criteria.{cid}.standard", "must quote the standard")
        criteria[cid] = Criterion(cid, weight, cid in CORE, standard.strip())
    total = sum(c.weight for c in criteria.values())
    if total != 100:
        raise RubricError(name, "criteria", f"weights must add up to 100, they add up to {total}")

    phrases = _string_lists(name, data.get("phrases"), "phrases", PHRASE_LISTS)
    topics = _string_lists(name, data.get("question_topics"), "question_topics", None)
    thresholds = data.get("thresholds")
    if not isinstance(thresholds, dict):
        raise RubricError(name, "thresholds", f"must be a mapping of {', '.join(THRESHOLDS)}")
    values = {}
    for key in THRESHOLDS:
        value = thresholds.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise RubricError(name, f"thresholds.{key}", f"must be a whole number >= 1, got {value!r}")
        values[key] = value
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:10]
    version = f"{data.get('version', 0)}-{digest}"
    return Rubric(criteria=criteria, phrases=phrases, topics=topics, version=version, **values)


def _string_lists(name: str, node, field: str, required) -> Dict[str, Tuple[str, ...]]:
    if not isinstance(node, dict):
        raise RubricError(name, field, "must be a mapping of name to a list of phrases")
    result: Dict[str, Tuple[str, ...]] = {}
    for key in required or node:
        items = node.get(key)
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
            raise RubricError(name, f"{field}.{key}", "must be a non-empty list of phrases")
        result[key] = tuple(normalize(i) for i in items)
    return result
