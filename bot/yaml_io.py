"""YAML in and out, one library (ruamel.yaml): round-trip loading where errors must name a line
(personas, transcripts), plain safe loading elsewhere, and readable UTF-8 output."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

__all__ = ["YAMLError", "dump", "load_lines", "load_plain"]


def load_lines(text: str) -> Any:
    """Mappings and lists that remember their line numbers (bot.errors.yaml_line)."""
    return YAML(typ="rt").load(io.StringIO(text))


def load_plain(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(io.StringIO(text))


def dump(data: Any) -> str:
    """Keys in the order given (call, turns, then the rest), Chinese as is."""
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 1000  # type: ignore[assignment]  # ruamel declares it None-only
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
