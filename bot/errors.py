"""The one shape of a refused input: `path:line: field: message` (path and line when there is a file),
or a list of (field, ..., message) problems; and the YAML line number such messages cite."""

from __future__ import annotations

from typing import Any, List, Optional

from ruamel.yaml.comments import CommentedMap, CommentedSeq


class FieldError(ValueError):
    """One problem with one field: `path:line: field: message`, `path: field: message` or `field: message`."""

    def __init__(self, field: str, message: str, path: str = "", line: Optional[int] = None) -> None:
        self.path, self.line, self.field, self.message = path, line, field, message
        where = f"{path}:{line}" if path and line else path
        super().__init__(f"{where}: {field}: {message}" if where else f"{field}: {message}")


class ProblemsError(ValueError):
    """Several problems at once, each a tuple whose first item is the field and last the message."""

    problems: List[Any]

    def __init__(self, problems: List[Any]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p[0]}: {p[-1]}" for p in problems))


def yaml_line(node: Any, key: Any = None) -> Optional[int]:
    """1-based line of `key` in a ruamel round-trip `node` (of the node itself when `key` is None or
    absent from a mapping); None when the node carries no line numbers."""
    try:
        if key is not None and isinstance(node, CommentedMap) and key in node:
            return node.lc.key(key)[0] + 1
        if key is not None and isinstance(node, CommentedSeq):
            return node.lc.item(key)[0] + 1
        return node.lc.line + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
