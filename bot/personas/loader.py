"""Read and validate one persona file, reporting every problem with its file, line and field."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ruamel.yaml.comments import CommentedMap

from bot.errors import FieldError, yaml_line
from bot.language.topics import TOPIC_TABLE, TOPICS
from bot.language.words import DAY_NAMES, HONORIFIC_BY_GENDER, MOBILE, PARTS
from bot.personas.lines import DEFAULT_LINES, LINE_KEYS
from bot.personas.model import (
    CUSTOMER_CLASSES,
    DIFFICULTIES,
    DIRECTIONS,
    AgendaItem,
    Availability,
    Persona,
)
from bot.yaml_io import YAMLError, load_lines

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION_CHARS = 16


class PersonaError(FieldError):
    """A persona file problem: `path:line: field: message`. The loader raises the first problem of a
    file carrying all of them in `problems` (in line order), so one save shows every mistake."""

    def __init__(self, path: str, line: Optional[int], field: str, message: str) -> None:
        super().__init__(field, message, path, line)
        self.problems: Tuple[PersonaError, ...] = (self,)

    @classmethod
    def collected(cls, problems: List[PersonaError]) -> PersonaError:
        ordered = sorted(problems, key=lambda p: p.line or 0)
        first = ordered[0]
        first.problems = tuple(ordered)
        return first

    @property
    def single(self) -> str:
        """This problem alone: `path:line: field: message`."""
        return str(self.args[0])

    def __str__(self) -> str:
        return "\n".join(p.single for p in self.problems)


class _Absent(CommentedMap):
    """A required section that is missing or not a mapping: already reported, so its fields are not."""


class _Reader:
    """Walks the ruamel tree collecting every problem with its line; a field with a problem reads
    as None (or its default), and the caller raises once at the end."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: List[PersonaError] = []

    def report(self, node: Any, key: Any, field: str, message: str) -> None:
        self.problems.append(PersonaError(self.path, yaml_line(node, key), field, message))

    def get(
        self, node: CommentedMap, key: str, field: str, kind: type, required: bool = True, default: Any = None
    ) -> Any:
        if key not in node or node[key] is None:
            if required and not isinstance(node, _Absent):
                self.report(node, None, field, "is required")
            return default
        value = node[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # phone numbers and ids typed without quotes
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            self.report(node, key, field, f"must be {_kind_name(kind)}, got {value!r}")
            return default
        if kind is str and isinstance(value, str) and not value.strip():
            self.report(node, key, field, "must not be empty")
            return default
        return value

    def choice(
        self,
        node: CommentedMap,
        key: str,
        field: str,
        choices: Tuple[str, ...],
        required: bool = True,
        default: Optional[str] = None,
    ) -> Any:
        value = self.get(node, key, field, str, required, default)
        if value is not None and value not in choices:
            self.report(node, key, field, f"must be one of {', '.join(choices)}; got {value!r}")
            return None
        return value

    def strings(self, node: CommentedMap, key: str, field: str, required: bool = True) -> Tuple[str, ...]:
        value = node.get(key)
        if value is None:
            if required and not isinstance(node, _Absent):
                self.report(node, None, field, "is required")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.report(node, key, field, "must be a non-empty list of strings")
            return ()
        bad = [i for i, item in enumerate(value) if not isinstance(item, str) or not item.strip()]
        for i in bad:
            self.report(value, i, f"{field}[{i}]", "must be a non-empty string")
        return () if bad else tuple(value)

    def mapping(self, node: CommentedMap, key: str, field: str, required: bool = True) -> CommentedMap:
        value = node.get(key)
        if value is None and not required:
            return CommentedMap()
        if not isinstance(value, CommentedMap):
            self.report(
                node, key if key in node else None, field, "is required" if value is None else "must be a mapping"
            )
            return _Absent()
        return value

    def items(self, node: CommentedMap, key: str, what: str) -> List[Tuple[str, CommentedMap]]:
        """A required non-empty list of mappings, as (field name, item) pairs."""
        items = node.get(key)
        if not isinstance(items, list) or not items:
            self.report(node, key if key in node else None, key, f"must be a non-empty list of {what}")
            return []
        found: List[Tuple[str, Any]] = []
        for i, item in enumerate(items):
            if isinstance(item, dict):
                found.append((f"{key}[{i}]", item))
            else:
                self.report(items, i, f"{key}[{i}]", f"must be a mapping with {what}")
        return found

    def count(self, node: CommentedMap, key: str, field: str, default: int, low: int, high: int) -> Any:
        value = self.get(node, key, field, int, required=False, default=None)
        if value is None:
            return default if key not in node or node[key] is None else None
        if not low <= value <= high:
            self.report(node, key, field, f"must be between {low} and {high}; got {value}")
            return None
        return value


def _kind_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}.get(
        kind, kind.__name__
    )


def version_of(data: bytes) -> str:
    """A persona file's version: a digest of its bytes (the registry's archive names copies by it)."""
    return hashlib.sha256(data).hexdigest()[:VERSION_CHARS]


def load_persona(path: Path) -> Persona:
    """Parse and validate a persona file; raises PersonaError carrying every problem."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise PersonaError(str(path), None, "file", f"cannot be read: {error}") from error
    return parse_persona(data, Path(path))


def parse_persona(data: bytes, path: Path) -> Persona:
    """Validate the bytes of the persona file `path` (its name must equal the id)."""
    name = str(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PersonaError(name, None, "file", f"cannot be read: {error}") from error
    try:
        root = load_lines(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise PersonaError(
            name, mark.line + 1 if mark else None, "yaml", str(getattr(error, "problem", error))
        ) from error
    except RecursionError:  # "[[[[…" nested past Python's limit: a broken file, not a crash
        raise PersonaError(name, 1, "yaml", "nested too deeply") from None
    if not isinstance(root, CommentedMap):
        raise PersonaError(name, 1, "file", "must be a YAML mapping of persona fields")
    return replace(_build(_Reader(name), root, Path(path)), version=version_of(data))


def _build(r: _Reader, root: CommentedMap, path: Path) -> Persona:
    persona_id = r.get(root, "id", "id", str)
    if persona_id is not None and not ID_RE.match(persona_id):
        r.report(root, "id", "id", "must be lower_snake_case (a-z, 0-9, _)")
    elif persona_id is not None and persona_id != path.stem:
        r.report(root, "id", "id", f"must match the file name {path.stem!r}")

    trainee = r.mapping(root, "trainee", "trainee")
    customer = r.mapping(root, "customer", "customer")
    gender = r.choice(customer, "gender", "customer.gender", tuple(HONORIFIC_BY_GENDER))
    honorific = r.get(
        customer, "honorific", "customer.honorific", str, required=False, default=HONORIFIC_BY_GENDER.get(gender)
    )
    phone = r.get(customer, "phone", "customer.phone", str)
    if phone is not None and not (phone.isdigit() and re.fullmatch(MOBILE, phone)):
        r.report(customer, "phone", "customer.phone", "must be an 11-digit mobile number like 13912345678")
    surname = r.get(customer, "surname", "customer.surname", str)
    if surname is not None and not re.fullmatch(r"[\u4e00-\u9fff]{1,2}", surname):
        r.report(customer, "surname", "customer.surname", "must be one or two Chinese characters")

    needs_node = r.mapping(root, "needs", "needs")
    needs = {key: r.get(needs_node, key, f"needs.{key}", str) for key in ("interest", "budget", "use", "timing")}

    temperament = r.mapping(root, "temperament", "temperament", required=False)
    persona = Persona(
        id=persona_id,
        title=r.get(root, "title", "title", str),
        industry=r.get(root, "industry", "industry", str),
        direction=r.choice(root, "direction", "direction", DIRECTIONS),
        difficulty=r.choice(root, "difficulty", "difficulty", DIFFICULTIES, required=False, default="normal"),
        company=r.get(trainee, "company", "trainee.company", str),
        company_aliases=r.strings(trainee, "aliases", "trainee.aliases", required=False),
        address=r.get(trainee, "address", "trainee.address", str),
        surname=surname,
        given_name=r.get(customer, "given_name", "customer.given_name", str, required=False, default=""),
        honorific=honorific,
        phone=phone,
        occupation=r.get(customer, "occupation", "customer.occupation", str, required=False, default=""),
        customer_address=r.get(customer, "address", "customer.address", str, required=False, default=""),
        needs=needs,
        customer_class=r.choice(root, "class", "class", CUSTOMER_CLASSES),
        agenda=_agenda(r, root),
        patience=r.count(temperament, "patience", "temperament.patience", 4, 1, 10),
        name_reluctance=r.count(temperament, "name_reluctance", "temperament.name_reluctance", 0, 0, 3),
        phone_reluctance=r.count(temperament, "phone_reluctance", "temperament.phone_reluctance", 0, 0, 3),
        price_push=r.count(temperament, "price_push", "temperament.price_push", 0, 0, 3),
        busy_at_start=r.get(
            temperament, "busy_at_start", "temperament.busy_at_start", bool, required=False, default=False
        ),
        availability=_availability(r, root),
        lines=_lines(r, root),
        source=str(path),
    )
    if r.problems:
        raise PersonaError.collected(r.problems)
    return persona


def _agenda(r: _Reader, root: CommentedMap) -> Tuple[AgendaItem, ...]:
    return tuple(_agenda_item(r, field, item) for field, item in r.items(root, "agenda", "topic and ask"))


def _agenda_item(r: _Reader, field: str, item: CommentedMap) -> AgendaItem:
    """A built-in topic (bot.language.topics) or one of the trainer's own, which must say which words
    answer it; `word` defaults to the built-in word or the first answer word."""
    topic = r.get(item, "topic", f"{field}.topic", str)
    answers = r.strings(item, "answers", f"{field}.answers", required=False)
    word = r.get(item, "word", f"{field}.word", str, required=False, default="")
    if topic is not None and not ID_RE.match(topic):
        r.report(item, "topic", f"{field}.topic", f"must be lower_snake_case (a-z, 0-9, _); got {topic!r}")
    elif topic is not None and topic not in TOPICS and not answers and "answers" not in item:
        r.report(
            item,
            "topic",
            f"{field}.topic",
            f"{topic!r} is not built in ({', '.join(TOPICS)}): give `answers:`, the words a trainee's answer "
            "would contain",
        )
    builtin_word = TOPIC_TABLE[topic].word if topic in TOPIC_TABLE else ""
    return AgendaItem(
        topic=topic,
        asks=r.strings(item, "ask", f"{field}.ask"),
        followups=r.strings(item, "followup", f"{field}.followup", required=False),
        answers=answers,
        word=word or builtin_word or (answers[0] if answers else ""),
    )


def _availability(r: _Reader, root: CommentedMap) -> Tuple[Availability, ...]:
    result: List[Availability] = []
    for field, window in r.items(root, "availability", "days and parts"):
        days: set = set()
        for day in r.strings(window, "days", f"{field}.days"):
            if day not in DAY_NAMES:
                r.report(window, "days", f"{field}.days", f"unknown day {day!r}; use 周一..周日, 工作日 or 周末")
            else:
                days |= DAY_NAMES[day]
        parts = r.strings(window, "parts", f"{field}.parts")
        for part in parts:
            if part not in PARTS:
                r.report(window, "parts", f"{field}.parts", f"unknown part of day {part!r}; use {'/'.join(PARTS)}")
        result.append(Availability(days=frozenset(days), parts=frozenset(parts)))
    return tuple(result)


def _lines(r: _Reader, root: CommentedMap) -> Dict[str, Tuple[str, ...]]:
    node = r.mapping(root, "lines", "lines", required=False)
    lines = dict(DEFAULT_LINES)
    for key in node:
        if key not in LINE_KEYS:
            r.report(node, key, f"lines.{key}", f"unknown line key; known keys: {', '.join(LINE_KEYS)}")
        else:
            lines[key] = r.strings(node, key, f"lines.{key}")
    return lines
