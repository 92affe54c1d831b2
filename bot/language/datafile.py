"""The project's tunable YAML data files (data/lexicon.yml, data/rubric.yml): parsed once and again
only when the file changes, with every unknown key reported (file, line, key) at once."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from bot.errors import FieldError, yaml_line
from bot.yaml_io import YAMLError, load_lines

T = TypeVar("T")
# Allowed keys: a nested mapping; `ANY` as a key allows any name and checks its value against the
# schema given; None ends the check (a leaf value or a free-form mapping).
ANY = "*"
Schema = Optional[Dict[str, Any]]


class DataFileError(FieldError):
    """One or more problems in a data file; the message lists all of them, one `path:line: key: ...` each."""

    def __init__(self, path: str, problems: List[Tuple[str, Optional[int], str]]) -> None:
        field, line, message = problems[0]
        super().__init__(field, message, path, line)
        self.problems = problems
        lines = [f"{path}:{ln}: {f}: {m}" if ln else f"{path}: {f}: {m}" for f, ln, m in problems]
        self.args = ("\n".join(lines),)

    def __str__(self) -> str:
        return str(self.args[0])


def read(path: Path) -> Tuple[str, Any]:
    """The file's text and its YAML (mappings remember their lines); DataFileError if unreadable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        return text, load_lines(text)
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        raise DataFileError(str(path), [("file", mark.line + 1 if mark else None, str(error))]) from error


def unknown_keys(node: Any, schema: Schema, where: str = "") -> List[Tuple[str, Optional[int], str]]:
    """Every key of `node` that `schema` does not allow, as (dotted key, line, message)."""
    if schema is None or not isinstance(node, dict):
        return []
    problems = []
    for key, value in node.items():
        field = f"{where}.{key}" if where else str(key)
        if key in schema:
            problems += unknown_keys(value, schema[key], field)
        elif ANY in schema:
            problems += unknown_keys(value, schema[ANY], field)
        else:
            allowed = ", ".join(k for k in schema if k != ANY)
            problems.append((field, yaml_line(node, key), f"unknown key; allowed here: {allowed}"))
    return problems


# A turn reads the lexicon many times; one stat a second keeps edits live without a stat (and a
# realpath) per read, which the profile under load showed as 12% of the action server's time.
RECHECK_SECONDS = 1.0
clock = time.monotonic  # a module attribute, so a test can move time

_cache: Dict[Tuple[str, str], Tuple[float, float, int, Any]] = {}


def cached(path: Path, kind: str, build: Callable[[Path], T]) -> T:
    """`build(path)`, kept until the file's modification time or size changes (looked at once a second)."""
    key = (str(path), kind)
    hit = _cache.get(key)
    now = clock()
    if hit is not None and now - hit[0] < RECHECK_SECONDS:
        return hit[3]
    stat = Path(path).stat()
    if hit is not None and hit[1:3] == (stat.st_mtime, stat.st_size):
        _cache[key] = (now, *hit[1:])
        return hit[3]
    value = build(path)
    _cache[key] = (now, stat.st_mtime, stat.st_size, value)
    return value
