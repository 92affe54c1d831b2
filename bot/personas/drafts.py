"""Persona drafts: a trainer's work in progress, kept in `drafts/` inside the personas folder.

The registry globs only the folder's top level, so a draft never reaches a trainee's lobby.
Publishing validates the draft with the same loader as `bot personas validate` and renames it into
the folder (one atomic rename, replacing a published file of the same id); unpublishing renames
it back. An invalid draft may be saved, never published.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import List, Optional, Tuple

from ruamel.yaml.comments import CommentedMap

from bot.personas.loader import ID_RE, PersonaError, load_persona
from bot.personas.model import Persona
from bot.yaml_io import YAMLError, load_lines

DRAFTS = "drafts"
MAX_ID_CHARS = 64
MAX_DRAFT_CHARS = 60_000  # persona files are a few KB; the web app caps requests at 64 KB anyway
# A top-level `id:` line, for finding the id of a draft whose YAML does not parse.
_ID_LINE = re.compile(r"""^id:[ \t]*(['"]?)([^'"\s#]*)\1[ \t]*(?:#.*)?$""", re.MULTILINE)
_lock = Lock()  # one draft operation at a time in this process: publish validates what it moves


class DraftError(ValueError):
    """A refused draft operation; `reason` is one of bad_id, not_found, exists, invalid, bad_text."""

    def __init__(self, message: str, reason: str, line: Optional[int] = None, field: str = "") -> None:
        super().__init__(message)
        self.message, self.reason, self.line, self.field = message, reason, line, field


@dataclass(frozen=True)
class Draft:
    id: str
    path: Path
    persona: Optional[Persona]
    error: Optional[PersonaError]
    published: bool  # a published persona of this id exists: publishing replaces it

    @property
    def valid(self) -> bool:
        return self.error is None


def drafts_folder(folder: Path) -> Path:
    return Path(folder) / DRAFTS


def check_id(persona_id: object) -> str:
    """The id if it is a safe lower_snake_case file stem (no `..`, `/`, NUL or trailing newline)."""
    if not isinstance(persona_id, str) or len(persona_id) > MAX_ID_CHARS or not ID_RE.fullmatch(persona_id):
        raise DraftError(
            f"id {str(persona_id)[:80]!r} must be lower_snake_case (a-z, 0-9, _), at most {MAX_ID_CHARS} characters",
            "bad_id",
            field="id",
        )
    if persona_id == DRAFTS:  # the folder's name, and /personas/drafts/... on the web pages
        raise DraftError(f"id {DRAFTS!r} is reserved", "bad_id", field="id")
    return persona_id


def draft_path(folder: Path, persona_id: str) -> Path:
    return drafts_folder(folder) / f"{check_id(persona_id)}.yml"


def published_path(folder: Path, persona_id: str) -> Optional[Path]:
    """The published file of this id (the registry reads .yml and .yaml), if there is one."""
    check_id(persona_id)
    for suffix in (".yml", ".yaml"):
        path = Path(folder) / f"{persona_id}{suffix}"
        if path.is_file():
            return path
    return None


def validate(path: Path) -> Tuple[Optional[Persona], Optional[PersonaError]]:
    try:
        return load_persona(path), None
    except PersonaError as error:
        return None, error
    except RecursionError:  # "[[[[…" nested past Python's limit: the loader does not catch it
        return None, PersonaError(str(path), None, "yaml", "nested too deeply")


def _draft(folder: Path, path: Path) -> Draft:
    persona, error = validate(path)
    return Draft(path.stem, path, persona, error, published_path(folder, path.stem) is not None)


def list_drafts(folder: Path) -> List[Draft]:
    """Every draft with its validation result, by id (files whose name is not an id are ignored)."""
    found = sorted(drafts_folder(folder).glob("*.yml"))
    return [_draft(folder, path) for path in found if ID_RE.fullmatch(path.stem) and path.is_file()]


def read_draft(folder: Path, persona_id: str) -> Tuple[str, Draft]:
    path = draft_path(folder, persona_id)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DraftError(f"no draft {persona_id!r}", "not_found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DraftError(f"draft {persona_id!r} cannot be read: {error}", "bad_text") from None
    return text, _draft(folder, path)


def clean_text(data: object) -> str:
    """Text a trainer typed or uploaded: UTF-8 (a BOM is dropped), LF line ends, size-capped."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DraftError("the file must be UTF-8 text", "bad_text", field="file") from None
    if not isinstance(data, str):
        raise DraftError("no YAML text given", "bad_text", field="file")
    text = data.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DraftError("the YAML text is empty", "bad_text", field="file")
    if len(text) > MAX_DRAFT_CHARS:
        raise DraftError(f"the YAML text is longer than {MAX_DRAFT_CHARS} characters", "bad_text", field="file")
    return text


def id_in_text(text: str) -> str:
    """The persona id the text declares (its top-level `id:`), even if other parts are broken."""
    found: object = None
    line: Optional[int] = None
    try:
        root = load_lines(text)
        if isinstance(root, CommentedMap) and "id" in root:
            found, line = root["id"], root.lc.key("id")[0] + 1
    except (YAMLError, RecursionError):
        match = _ID_LINE.search(text)
        if match:
            found, line = match.group(2), text.count("\n", 0, match.start()) + 1
    if found is None or found == "":
        raise DraftError(
            "the text has no top-level `id:`: it names the draft and its file", "bad_id", line=line, field="id"
        )
    try:
        return check_id(found)
    except DraftError as error:
        raise DraftError(error.message, "bad_id", line=line, field="id") from None


def _write(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, so no reader sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_draft(folder: Path, persona_id: str, text: str) -> Draft:
    """Save (over) the draft `persona_id`; returns it with its validation result, valid or not."""
    path = draft_path(folder, persona_id)
    text = clean_text(text)
    with _lock:
        _write(path, text)
    return _draft(folder, path)


def new_draft(folder: Path, text: object, file_name: Optional[str] = None) -> Draft:
    """A new draft from pasted or uploaded YAML, named by its `id:` (an uploaded file's name must
    equal it); refuses to overwrite an existing draft."""
    text = clean_text(text)
    persona_id = id_in_text(text)
    if file_name is not None:
        stem, dot, suffix = Path(file_name).name.rpartition(".")
        if not dot or suffix not in ("yml", "yaml") or stem != persona_id:
            raise DraftError(
                f"the file name {Path(file_name).name!r} must be {persona_id}.yml, like its id", "bad_id", field="file"
            )
    path = draft_path(folder, persona_id)
    with _lock:
        if path.exists():
            raise DraftError(f"a draft {persona_id!r} already exists: edit it instead", "exists", field="id")
        _write(path, text)
    return _draft(folder, path)


def publish(folder: Path, persona_id: str) -> Persona:
    """Validate the draft, then rename it into the personas folder (replacing a published file of
    the same id): trainees see it from their next call."""
    path = draft_path(folder, persona_id)
    with _lock:
        if not path.is_file():
            raise DraftError(f"no draft {persona_id!r}", "not_found")
        persona, error = validate(path)
        if error is not None:
            raise DraftError(
                f"draft {persona_id!r} is not valid ({len(error.problems)} problem(s)):\n{error}",
                "invalid",
                line=error.line,
                field=error.field,
            )
        target = Path(folder) / f"{persona_id}.yml"
        os.utime(path)  # a fresh mtime: the registry reloads a cached path when its mtime changes
        os.replace(path, target)
        stale = Path(folder) / f"{persona_id}.yaml"
        if stale.is_file():  # the same id under the other suffix would shadow the new file
            stale.unlink()
    assert persona is not None
    return persona


def _published_and_free_draft(folder: Path, persona_id: str, exists: str) -> Tuple[Path, Path]:
    """(published file, draft path) when the persona is published and has no draft yet."""
    source, target = published_path(folder, persona_id), draft_path(folder, persona_id)
    if source is None:
        raise DraftError(f"no published persona {persona_id!r}", "not_found")
    if target.exists():
        raise DraftError(exists, "exists")
    return source, target


def unpublish(folder: Path, persona_id: str) -> Path:
    """Take a persona out of the lobby by renaming it back into drafts; returns the draft's path."""
    with _lock:
        source, target = _published_and_free_draft(
            folder, persona_id, f"a draft {persona_id!r} already exists: publish or delete it first"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    return target


def edit_published(folder: Path, persona_id: str) -> Path:
    """Copy a published persona into drafts to edit it; the published one stays playable until
    the draft is published over it. An existing draft is kept, not overwritten."""
    with _lock:
        source, target = _published_and_free_draft(folder, persona_id, f"a draft {persona_id!r} already exists")
        _write(target, source.read_text(encoding="utf-8"))
    return target


def delete_draft(folder: Path, persona_id: str) -> None:
    path = draft_path(folder, persona_id)
    with _lock:
        try:
            path.unlink()
        except FileNotFoundError:
            raise DraftError(f"no draft {persona_id!r}", "not_found") from None
