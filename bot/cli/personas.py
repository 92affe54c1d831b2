"""`python -m bot personas list | validate [FILE ...] | new ID | drafts | publish ID | edit ID |
unpublish ID`: trainers' tools for persona files. New personas start as drafts (in the folder's
`drafts/`, which trainees never see) and reach the lobby only when published."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import List, Optional, TextIO

from bot.personas import drafts
from bot.personas.loader import PersonaError, load_persona
from bot.personas.registry import default_registry

TEMPLATE = Path(__file__).resolve().parent / "persona_template.yml"


def run_list(out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    registry = default_registry()
    personas, broken = registry.scan_all()
    print(f"{'id':<34} {'direction':<9} {'difficulty':<10} {'class':<5} title", file=out)
    for persona in sorted(personas.values(), key=lambda p: p.id):
        print(
            f"{persona.id:<34} {persona.direction:<9} {persona.difficulty:<10} {persona.customer_class:<5} "
            f"{persona.title}（{persona.industry}）",
            file=out,
        )
    for file in broken:
        status = f"serving the last good version {file.serving.version}" if file.serving else "skipped"
        for problem in file.error.problems:
            print(f"{status}: {problem.single}", file=err)
    waiting = len(drafts.list_drafts(registry.folder))
    if waiting:
        print(f"{waiting} draft(s) not in the lobby: `python -m bot personas drafts`", file=err)
    return 0


def run_validate(files: List[str], out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    """The given files, or every published file and every draft (drafts are marked)."""
    out, err = out or sys.stdout, err or sys.stderr
    if files:
        checks = [(Path(f), "") for f in files]
    else:
        folder = default_registry().folder
        checks = [(path, "") for path in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))]
        checks += [(path, " [draft]") for path in sorted(drafts.drafts_folder(folder).glob("*.yml"))]
    problems = 0
    for path, mark in checks:
        try:
            persona = load_persona(path)
        except PersonaError as error:
            problems += len(error.problems)
            for one in error.problems:
                print(f"{one.single}{mark}", file=err)
            continue
        print(f"ok: {path} ({persona.id}){mark}", file=out)
    return 1 if problems else 0


def run_new(persona_id: str, out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    """The commented template as a new draft: trainees see nothing until it is published."""
    out, err = out or sys.stdout, err or sys.stderr
    folder = default_registry().folder
    try:
        drafts.check_id(persona_id)
        if drafts.published_path(folder, persona_id):
            print(
                f"error: {persona_id!r} is already published: `python -m bot personas edit {persona_id}` "
                "copies it into drafts",
                file=err,
            )
            return 2
        text = re.sub(r"^id: .*$", f"id: {persona_id}", TEMPLATE.read_text("utf-8"), count=1, flags=re.MULTILINE)
        draft = drafts.new_draft(folder, text)
    except drafts.DraftError as error:
        print(f"error: {error.message}", file=err)
        return 2
    print(
        f"wrote the draft {draft.path} (trainees don't see it): edit it, check it with "
        f"`python -m bot personas validate {draft.path}`, then `python -m bot personas publish {persona_id}`",
        file=out,
    )
    return 0


def run_drafts(out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    found = drafts.list_drafts(default_registry().folder)
    print(f"{'id':<34} {'status':<8} title / problem", file=out)
    for draft in found:
        if draft.persona is not None:
            replaces = "  (replaces the published one)" if draft.published else ""
            print(f"{draft.id:<34} {'ok':<8} {draft.persona.title}{replaces}", file=out)
        elif draft.error is not None:
            print(f"{draft.id:<34} {'invalid':<8} {len(draft.error.problems)} problem(s):", file=out)
            for problem in draft.error.problems:
                print(f"    {problem.single}", file=out)
    if not found:
        print("no drafts: `python -m bot personas new ID` starts one", file=err)
    return 0


def run_publish(persona_id: str, out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        persona = drafts.publish(default_registry().folder, persona_id)
    except drafts.DraftError as error:
        print(f"error: {error.message}", file=err)
        return 1 if error.reason == "invalid" else 2
    print(f"published {persona.id} ({persona.title}): trainees can choose it from their next call", file=out)
    return 0


def run_edit(persona_id: str, out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        path = drafts.edit_published(default_registry().folder, persona_id)
    except drafts.DraftError as error:
        print(f"error: {error.message}", file=err)
        return 2
    print(
        f"copied to the draft {path}: the published one stays playable until you "
        f"`python -m bot personas publish {persona_id}`",
        file=out,
    )
    return 0


def run_unpublish(persona_id: str, out: Optional[TextIO] = None, err: Optional[TextIO] = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        path = drafts.unpublish(default_registry().folder, persona_id)
    except drafts.DraftError as error:
        print(f"error: {error.message}", file=err)
        return 2
    print(f"moved to the draft {path}: trainees no longer see {persona_id}", file=out)
    return 0
