"""`python -m bot personas list | validate [FILE ...] | new ID`: trainers' tools for persona files."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import List, TextIO

from bot.personas.loader import ID_RE, PersonaError, load_persona
from bot.personas.registry import default_registry

TEMPLATE = Path(__file__).resolve().parent / "persona_template.yml"


def run_list(out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    personas, errors = default_registry().scan()
    print(f"{'id':<34} {'direction':<9} {'difficulty':<10} {'class':<5} title", file=out)
    for persona in sorted(personas.values(), key=lambda p: p.id):
        print(f"{persona.id:<34} {persona.direction:<9} {persona.difficulty:<10} {persona.customer_class:<5} "
              f"{persona.title}（{persona.industry}）", file=out)
    for error in errors:
        print(f"skipped: {error}", file=err)
    return 0


def run_validate(files: List[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    paths = [Path(f) for f in files] or sorted(default_registry().folder.glob("*.yml"))
    problems = 0
    for path in paths:
        try:
            persona = load_persona(path)
        except PersonaError as error:
            problems += 1
            print(str(error), file=err)
            continue
        print(f"ok: {path} ({persona.id})", file=out)
    return 1 if problems else 0


def run_new(persona_id: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    if not ID_RE.match(persona_id):
        print(f"error: id {persona_id!r} must be lower_snake_case (a-z, 0-9, _)", file=err)
        return 2
    target = default_registry().folder / f"{persona_id}.yml"
    if target.exists():
        print(f"error: {target} already exists", file=err)
        return 2
    target.write_text(re.sub(r"^id: .*$", f"id: {persona_id}", TEMPLATE.read_text("utf-8"), count=1,
                             flags=re.MULTILINE), encoding="utf-8")
    print(f"wrote {target}: edit it, then `python -m bot personas validate {target}`", file=out)
    return 0
