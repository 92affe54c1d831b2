"""Read and validate one persona file, with errors that name the file, line and field."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ruamel.yaml.comments import CommentedMap

from bot.errors import FieldError, yaml_line
from bot.language.topics import TOPICS
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


class PersonaError(FieldError):
    """A persona file problem: `path:line: field: message`."""

    def __init__(self, path: str, line: Optional[int], field: str, message: str) -> None:
        super().__init__(field, message, path, line)


class _Reader:
    """Walks the ruamel tree, remembering line numbers for error messages."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: Any, key: Any, field: str, message: str) -> PersonaError:
        return PersonaError(self.path, yaml_line(node, key), field, message)

    def get(
        self, node: CommentedMap, key: str, field: str, kind: type, required: bool = True, default: Any = None
    ) -> Any:
        if key not in node or node[key] is None:
            if required:
                raise self.fail(node, None, field, "is required")
            return default
        value = node[key]
        if kind is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)  # phone numbers and ids typed without quotes
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise self.fail(node, key, field, f"must be {_kind_name(kind)}, got {value!r}")
        if kind is str and isinstance(value, str) and not value.strip():
            raise self.fail(node, key, field, "must not be empty")
        return value

    def choice(
        self,
        node: CommentedMap,
        key: str,
        field: str,
        choices: Tuple[str, ...],
        required: bool = True,
        default: Optional[str] = None,
    ) -> str:
        value = self.get(node, key, field, str, required, default)
        if value not in choices:
            raise self.fail(node, key, field, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def strings(self, node: CommentedMap, key: str, field: str, required: bool = True) -> Tuple[str, ...]:
        value = node.get(key)
        if value is None:
            if required:
                raise self.fail(node, None, field, "is required")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            raise self.fail(node, key, field, "must be a non-empty list of strings")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(value, i, f"{field}[{i}]", "must be a non-empty string")
        return tuple(value)

    def mapping(self, node: CommentedMap, key: str, field: str, required: bool = True) -> CommentedMap:
        value = node.get(key)
        if value is None and not required:
            return CommentedMap()
        if not isinstance(value, CommentedMap):
            raise self.fail(
                node, key if key in node else None, field, "is required" if value is None else "must be a mapping"
            )
        return value

    def items(self, node: CommentedMap, key: str, what: str) -> List[Tuple[str, CommentedMap]]:
        """A required non-empty list of mappings, as (field name, item) pairs."""
        items = node.get(key)
        if not isinstance(items, list) or not items:
            raise self.fail(node, key if key in node else None, key, f"must be a non-empty list of {what}")
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(items, i, f"{key}[{i}]", f"must be a mapping with {what}")
        return [(f"{key}[{i}]", item) for i, item in enumerate(items)]

    def count(self, node: CommentedMap, key: str, field: str, default: int, low: int, high: int) -> int:
        value = self.get(node, key, field, int, required=False, default=default)
        if not low <= value <= high:
            raise self.fail(node, key, field, f"must be between {low} and {high}; got {value}")
        return value


def _kind_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}.get(
        kind, kind.__name__
    )


def load_persona(path: Path) -> Persona:
    """Parse and validate a persona file; raises PersonaError naming file, line and field."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
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
    return _build(_Reader(name), root, Path(path))


def _build(r: _Reader, root: CommentedMap, path: Path) -> Persona:
    persona_id = r.get(root, "id", "id", str)
    if not ID_RE.match(persona_id):
        raise r.fail(root, "id", "id", "must be lower_snake_case (a-z, 0-9, _)")
    if persona_id != path.stem:
        raise r.fail(root, "id", "id", f"must match the file name {path.stem!r}")

    trainee = r.mapping(root, "trainee", "trainee")
    customer = r.mapping(root, "customer", "customer")
    gender = r.choice(customer, "gender", "customer.gender", tuple(HONORIFIC_BY_GENDER))
    honorific = r.get(
        customer, "honorific", "customer.honorific", str, required=False, default=HONORIFIC_BY_GENDER[gender]
    )
    phone = r.get(customer, "phone", "customer.phone", str)
    if not (phone.isdigit() and re.fullmatch(MOBILE, phone)):
        raise r.fail(customer, "phone", "customer.phone", "must be an 11-digit mobile number like 13912345678")
    surname = r.get(customer, "surname", "customer.surname", str)
    if not re.fullmatch(r"[\u4e00-\u9fff]{1,2}", surname):
        raise r.fail(customer, "surname", "customer.surname", "must be one or two Chinese characters")

    needs_node = r.mapping(root, "needs", "needs")
    needs = {key: r.get(needs_node, key, f"needs.{key}", str) for key in ("interest", "budget", "use", "timing")}

    temperament = r.mapping(root, "temperament", "temperament", required=False)
    return Persona(
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


def _agenda(r: _Reader, root: CommentedMap) -> Tuple[AgendaItem, ...]:
    return tuple(
        AgendaItem(
            topic=r.choice(item, "topic", f"{field}.topic", TOPICS),
            asks=r.strings(item, "ask", f"{field}.ask"),
            followups=r.strings(item, "followup", f"{field}.followup", required=False),
        )
        for field, item in r.items(root, "agenda", "topic and ask")
    )


def _availability(r: _Reader, root: CommentedMap) -> Tuple[Availability, ...]:
    result: List[Availability] = []
    for field, window in r.items(root, "availability", "days and parts"):
        days: set = set()
        for day in r.strings(window, "days", f"{field}.days"):
            if day not in DAY_NAMES:
                raise r.fail(window, "days", f"{field}.days", f"unknown day {day!r}; use 周一..周日, 工作日 or 周末")
            days |= DAY_NAMES[day]
        parts = r.strings(window, "parts", f"{field}.parts")
        for part in parts:
            if part not in PARTS:
                raise r.fail(window, "parts", f"{field}.parts", f"unknown part of day {part!r}; use {'/'.join(PARTS)}")
        result.append(Availability(days=frozenset(days), parts=frozenset(parts)))
    return tuple(result)


def _lines(r: _Reader, root: CommentedMap) -> Dict[str, Tuple[str, ...]]:
    node = r.mapping(root, "lines", "lines", required=False)
    lines = dict(DEFAULT_LINES)
    for key in node:
        if key not in LINE_KEYS:
            raise r.fail(node, key, f"lines.{key}", f"unknown line key; known keys: {', '.join(LINE_KEYS)}")
        lines[key] = r.strings(node, key, f"lines.{key}")
    return lines
