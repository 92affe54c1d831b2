"""The rubric file (data/rubric.yml): which criteria are core, their labels, weights and the
standard's wording, the detector phrase lists, answer words, thresholds and the A–E follow-up
cadence. Parsed once and again only when the file changes; unknown keys are all reported."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Pattern, Tuple

from bot.errors import yaml_line
from bot.language.datafile import ANY, DataFileError, cached, read, unknown_keys
from bot.language.text import normalize
from bot.language.words import lexicon
from bot.settings import PROJECT_ROOT

# The ids are fixed: each has a check in bot/grading/criteria.py (in this order on a scorecard).
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
    "fillers_alone_only",
    "rude",
    "kept_waiting",
    "not_needs_questions",
    "will_wait",
    "answer_starts",
    "redirect_to_visit",
)
PATTERNS = (
    "question",
    "indefinite",
    "past_visit",
    "tentative",
    "call_back",
    "tag_question",
    "refers_back",
    "rash_promise",
    "negated",
    "cut_off",
    "interrupted",
    "redirect",
    "exaggeration",
    "vague",
    "not_a_question",
    "what_for",
    "when",
    "yes_no",
    "who",
    "asks_name",
    "own_name",
    "self_reference",
    "third_party",
    "asks_phone",
    "invites",
    "rhetorical",
    "answer_directly",
    "about_the_customer",
)
# The numbers live in the rubric file only; each is required there.
THRESHOLDS = ("max_fillers", "monologue_chars", "answer_max_chars", "closing_window", "max_rings")
CLASSES = ("A", "B", "C", "D", "E")
DEFAULT_PATH = PROJECT_ROOT / "data" / "rubric.yml"
_SCHEMA = {
    "version": None,
    "criteria": {
        cid: {"label": None, "core": None, "weight": None, "standard": None, "better": None} for cid in CRITERIA
    },
    "phrases": {key: None for key in PHRASE_LISTS},
    "answer_words": {ANY: None},
    "answer_kinds": {ANY: {"asks": None, "says": None}},
    "patterns": {key: None for key in PATTERNS},
    "thresholds": {key: None for key in THRESHOLDS},
    "cadence": {c: {"meaning": None, "next_call": None} for c in CLASSES},
}


class RubricError(DataFileError):
    """Every problem in the rubric file, each with its line and key."""


@dataclass(frozen=True)
class Criterion:
    id: str
    weight: int
    core: bool
    standard: str
    label: str = ""
    better: str = ""  # one concrete better line, shown to a trainee who failed the criterion


@dataclass(frozen=True)
class Rubric:
    criteria: Mapping[str, Criterion]
    phrases: Mapping[str, Tuple[str, ...]]
    max_fillers: int
    monologue_chars: int
    answer_max_chars: int
    closing_window: int
    max_rings: int
    # The file's `version` and a digest of its text: a tuned phrase list is a new version even if
    # nobody bumps the number, so a stored scorecard always says which rubric graded it.
    version: str = ""
    answer_words: Mapping[str, Pattern[str]] = field(default_factory=dict)
    # A question for a kind of fact (asks) is answered only with that fact (says): name -> (asks, says)
    answer_kinds: Mapping[str, Tuple[Pattern[str], Pattern[str]]] = field(default_factory=dict)
    patterns: Mapping[str, Pattern[str]] = field(default_factory=dict)  # the criteria's detectors
    cadence: Mapping[str, Tuple[str, str]] = field(default_factory=dict)  # class -> (meaning, next call)

    @property
    def topics(self) -> Dict[str, Tuple[str, ...]]:
        """Question topic -> the words that tell a question is about it (data/lexicon.yml, as it is now)."""
        return {name: topic.keywords for name, topic in lexicon().topics.items()}

    @property
    def core(self) -> Tuple[str, ...]:
        return tuple(c for c in CRITERIA if self.criteria[c].core)

    @property
    def labels(self) -> Dict[str, str]:
        return {c: self.criteria[c].label for c in CRITERIA}

    def has(self, text: str, phrase_list: str) -> bool:
        return any(p in text for p in self.phrases[phrase_list])

    def found(self, text: str, phrase_list: str) -> Tuple[str, ...]:
        return tuple(p for p in self.phrases[phrase_list] if p in text)

    def first(self, text: str, phrase_list: str) -> Optional[Tuple[int, int, str]]:
        """(start, end, phrase) of the earliest phrase of the list in `text`, longest at a tie."""
        hits = [(text.find(p), -len(p), p) for p in self.phrases[phrase_list] if p in text]
        if not hits:
            return None
        start, length, phrase = min(hits)
        return start, start - length, phrase


def load_rubric(path: Path = DEFAULT_PATH) -> Rubric:
    """The rubric, parsed once and again only after the file changes."""
    return cached(Path(path), "rubric", _build)


def _build(path: Path) -> Rubric:
    name = str(path)
    raw, data = read(path)
    if not isinstance(data, dict):
        raise RubricError(name, [("file", None, "must be a mapping")])
    problems = unknown_keys(data, _SCHEMA)  # reported with everything else below
    sections = ("criteria", "phrases", "patterns", "thresholds", "cadence", "answer_words")
    missing = [
        (key, None, "is required and must be a mapping") for key in sections if not isinstance(data.get(key), dict)
    ]
    if missing:
        raise RubricError(name, [*problems, *missing])

    criteria: Dict[str, Criterion] = {}
    for cid in CRITERIA:
        node = data["criteria"].get(cid)
        if not isinstance(node, dict):
            problems.append((f"criteria.{cid}", None, "is required"))
            continue
        weight, standard, label = node.get("weight"), node.get("standard"), node.get("label")
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            problems.append(
                (f"criteria.{cid}.weight", _line(node, "weight"), f"must be a whole number >= 0, got {weight!r}")
            )
        if not isinstance(standard, str) or not standard.strip():
            problems.append((f"criteria.{cid}.standard", _line(node, "standard"), "must quote the standard"))
        if not isinstance(label, str) or not label.strip():
            problems.append((f"criteria.{cid}.label", _line(node, "label"), "must name the criterion in Chinese"))
        better = node.get("better", "")
        if not isinstance(better, str):
            problems.append((f"criteria.{cid}.better", _line(node, "better"), "must be one line the trainee could say"))
        if not isinstance(node.get("core"), bool):
            problems.append((f"criteria.{cid}.core", _line(node, "core"), "must be true or false"))
        if isinstance(weight, int) and isinstance(standard, str) and isinstance(label, str):
            better_line = better.strip() if isinstance(better, str) else ""
            criteria[cid] = Criterion(cid, weight, bool(node.get("core")), standard.strip(), label.strip(), better_line)
    if not problems:
        total = sum(c.weight for c in criteria.values())
        if total != 100:
            problems.append(
                ("criteria", _line(data, "criteria"), f"weights must add up to 100, they add up to {total}")
            )

    phrases: Dict[str, Tuple[str, ...]] = {}
    for key in PHRASE_LISTS:
        items = data["phrases"].get(key)
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
            problems.append((f"phrases.{key}", _line(data["phrases"], key), "must be a non-empty list of phrases"))
        else:
            phrases[key] = tuple(normalize(i) for i in items)

    topics = lexicon().topics
    answer_words: Dict[str, Pattern[str]] = {}
    for key, text in data["answer_words"].items():
        where = (f"answer_words.{key}", _line(data["answer_words"], key))
        if key not in topics:
            problems.append((*where, f"not a question topic of data/lexicon.yml ({', '.join(topics)})"))
            continue
        try:
            answer_words[key] = re.compile(normalize(str(text)))
        except re.error as error:
            problems.append((*where, f"not a valid regular expression: {error}"))

    answer_kinds: Dict[str, Tuple[Pattern[str], Pattern[str]]] = {}
    for key, node in (data.get("answer_kinds") or {}).items():
        node = node if isinstance(node, dict) else {}
        asks, says = (
            _regex(node.get(part), f"answer_kinds.{key}.{part}", _line(node, part), problems)
            for part in ("asks", "says")
        )
        if asks and says:
            answer_kinds[key] = (asks, says)

    patterns: Dict[str, Pattern[str]] = {}
    for key in PATTERNS:
        pattern = _regex(data["patterns"].get(key), f"patterns.{key}", _line(data["patterns"], key), problems)
        if pattern:
            patterns[key] = pattern

    values: Dict[str, int] = {}
    for key in THRESHOLDS:
        value = data["thresholds"].get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(
                (f"thresholds.{key}", _line(data["thresholds"], key), f"must be a whole number >= 1, got {value!r}")
            )
        values[key] = value

    cadence: Dict[str, Tuple[str, str]] = {}
    for c in CLASSES:
        node = data["cadence"].get(c)
        if not isinstance(node, dict) or not all(isinstance(node.get(k), str) for k in ("meaning", "next_call")):
            problems.append((f"cadence.{c}", _line(data["cadence"], c), "needs `meaning` and `next_call` text"))
        else:
            cadence[c] = (node["meaning"], node["next_call"])
    if problems:
        raise RubricError(name, problems)

    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:10]
    return Rubric(
        criteria=criteria,
        phrases=phrases,
        version=f"{data.get('version', 0)}-{digest}",
        answer_words=answer_words,
        answer_kinds=answer_kinds,
        patterns=patterns,
        cadence=cadence,
        **values,
    )


def _regex(text: Any, key: str, line: Optional[int], problems: list) -> Optional[Pattern[str]]:
    """The compiled expression, or None with the problem added."""
    if not isinstance(text, str) or not text:
        problems.append((key, line, "is required: a regular expression"))
        return None
    try:
        return re.compile(normalize(text))
    except re.error as error:
        problems.append((key, line, f"not a valid regular expression: {error}"))
        return None


def _line(node: Any, key: str) -> Optional[int]:
    return yaml_line(node, key) if isinstance(node, dict) and key in node else None


CORE: Tuple[str, ...] = load_rubric().core  # the review queue's columns; every scorecard carries them
