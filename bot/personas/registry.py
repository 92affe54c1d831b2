"""All persona files of a folder, hot-reloaded and safe to edit during a class.

- A file is re-read only when its (mtime, size) changes, or while its mtime is too close to our
  last read to tell two saves apart; it is parsed only when its bytes change. A turn costs one
  stat per file, and a saved file is playable from the next call.
- Every good version is kept by its digest (`Persona.version`), in memory and, with an archive
  folder, as `<archive>/<id>/<version>.yml`, so a call keeps the version it started with, even
  across a restart.
- A broken save does not take a persona away: the last good version keeps being served, and
  `scan_all()` tells the trainer pages which file is broken and what is served instead.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Dict, List, Optional, Tuple

from bot.personas.loader import ID_RE, VERSION_CHARS, PersonaError, parse_persona, version_of
from bot.personas.model import Persona
from bot.settings import Settings

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PERSONA = "car_showroom_inbound"
# Some filesystems keep mtimes to the second or two: a file whose mtime is this close to our
# last read may have been saved again with the same stamp, so its bytes are compared.
RACY_NS = 2_000_000_000
_VERSION_RE = re.compile(f"[0-9a-f]{{{VERSION_CHARS}}}")


class UnknownPersona(KeyError):
    pass


@dataclass(frozen=True)
class Broken:
    """A published file that does not load: every problem, and the last good version served
    instead (None when the file never loaded: it is not in the lobby)."""

    error: PersonaError
    serving: Optional[Persona]


@dataclass(frozen=True)
class _File:
    stamp: Tuple[int, int]  # (mtime_ns, size)
    read_ns: int
    version: str
    persona: Optional[Persona]
    error: Optional[PersonaError]


class PersonaRegistry:
    def __init__(self, folder: Path, archive: Optional[Path] = None) -> None:
        self.folder = Path(folder)
        self.archive = Path(archive) if archive else None
        self._files: Dict[Path, _File] = {}
        self._versions: Dict[Tuple[str, str], Persona] = {}
        self._last_good: Dict[str, Persona] = {}
        self._lock = Lock()

    def scan_all(self) -> Tuple[Dict[str, Persona], List[Broken]]:
        """Every playable persona by id (a broken file's last good version included), and the
        broken files."""
        personas: Dict[str, Persona] = {}
        broken: List[Broken] = []
        with self._lock:
            paths = sorted(self.folder.glob("*.yml")) + sorted(self.folder.glob("*.yaml"))
            for path in paths:
                try:
                    entry = self._read(path)
                except FileNotFoundError:  # removed while scanning
                    continue
                if entry.persona:
                    personas[entry.persona.id] = entry.persona
                elif entry.error:
                    serving = self._last_good_of(path.stem)
                    if serving:
                        personas.setdefault(serving.id, serving)
                    broken.append(Broken(entry.error, serving))
            for gone in set(self._files) - set(paths):
                del self._files[gone]
        return personas, broken

    def scan(self) -> Tuple[Dict[str, Persona], List[PersonaError]]:
        """Every playable persona by id, and the problems of the files that do not load."""
        personas, broken = self.scan_all()
        return personas, [b.error for b in broken]

    def get(self, persona_id: str, version: str = "") -> Persona:
        """The persona as published now (its last good version if the file is broken), or the
        given version of it: a call in progress keeps the version it started with."""
        if version:
            kept = self._version(persona_id, version)
            if kept:
                return kept
            log.warning("persona %s version %s is lost; using the current one", persona_id, version)
        personas, _ = self.scan_all()
        if persona_id not in personas:
            raise UnknownPersona(persona_id)
        return personas[persona_id]

    def _read(self, path: Path) -> _File:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._files.get(path)
        if cached and cached.stamp == stamp and stat.st_mtime_ns < cached.read_ns - RACY_NS:
            return cached
        read_ns = time.time_ns()
        data = path.read_bytes()
        version = version_of(data)
        if cached and cached.version == version:
            entry = _File(stamp, read_ns, version, cached.persona, cached.error)
        else:
            entry = self._parse(path, data, stamp, read_ns, version)
        self._files[path] = entry
        return entry

    def _parse(self, path: Path, data: bytes, stamp: Tuple[int, int], read_ns: int, version: str) -> _File:
        try:
            persona = parse_persona(data, path)
        except PersonaError as error:
            log.error("persona file has problems: %s", error)
            return _File(stamp, read_ns, version, None, error)
        log.info("persona loaded: %s (version %s)", path, version)
        self._versions[(persona.id, version)] = persona
        self._last_good[persona.id] = persona
        self._keep(persona.id, version, data)
        return _File(stamp, read_ns, version, persona, None)

    def _copy_path(self, persona_id: str, version: str) -> Optional[Path]:
        if self.archive is None or not ID_RE.fullmatch(persona_id) or not _VERSION_RE.fullmatch(version):
            return None
        return self.archive / persona_id / f"{version}.yml"

    def _keep(self, persona_id: str, version: str, data: bytes) -> None:
        """Copy a good version into the archive (owner-only); a copy already there is touched, so
        the newest copy is the last good version after a restart."""
        target = self._copy_path(persona_id, version)
        if target is None:
            return
        try:
            target.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            target.parent.mkdir(mode=0o700, exist_ok=True)
            if target.exists():
                os.utime(target)
                return
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:  # mkstemp files are 0o600
                    out.write(data)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as error:  # no archive: calls still keep their version in this process
            log.warning("cannot keep persona %s version %s: %s", persona_id, version, error)

    def _version(self, persona_id: str, version: str) -> Optional[Persona]:
        with self._lock:
            kept = self._versions.get((persona_id, version))
            if kept is None:
                kept = self._from_archive(persona_id, self._copy_path(persona_id, version))
            return kept

    def _last_good_of(self, persona_id: str) -> Optional[Persona]:
        """The last good version of a broken file: remembered, or after a restart the newest copy."""
        if persona_id in self._last_good or self.archive is None or not ID_RE.fullmatch(persona_id):
            return self._last_good.get(persona_id)
        copies = []
        for copy in (self.archive / persona_id).glob("*.yml"):
            try:
                copies.append((copy.stat().st_mtime_ns, copy))
            except OSError:
                continue
        for _, copy in sorted(copies, reverse=True):
            kept = self._from_archive(persona_id, copy)
            if kept:
                self._last_good[persona_id] = kept
                return kept
        return None

    def _from_archive(self, persona_id: str, copy: Optional[Path]) -> Optional[Persona]:
        """A kept copy, read as the published file it was (its name is the version, not the id)."""
        if copy is None:
            return None
        try:
            data = copy.read_bytes()
            if version_of(data) != copy.stem:
                return None
            persona = parse_persona(data, self.folder / f"{persona_id}.yml")
        except (OSError, PersonaError) as error:
            log.warning("kept persona copy %s is unusable: %s", copy, error)
            return None
        self._versions[(persona_id, persona.version)] = persona
        return persona


_default: Optional[PersonaRegistry] = None


def default_registry() -> PersonaRegistry:
    """The registry of data/personas (or $PEILIAN_PERSONAS_DIR), keeping versions in
    var/personas (or $PEILIAN_VAR_DIR/personas)."""
    global _default
    folder = Path(os.environ.get("PEILIAN_PERSONAS_DIR", PROJECT_ROOT / "data" / "personas"))
    archive = Settings.from_env().var_dir / "personas"
    if _default is None or _default.folder != folder or _default.archive != archive:
        _default = PersonaRegistry(folder, archive)
    return _default
