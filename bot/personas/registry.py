"""All persona files of a folder, reloaded when a file changes: trainers' edits are playable
from the next call on, and a broken file is logged and skipped while the others keep working."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from threading import Lock
from typing import Dict, List, Optional, Tuple

from bot.personas.loader import PersonaError, load_persona
from bot.personas.model import Persona

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PERSONA = "car_showroom_inbound"


class UnknownPersona(KeyError):
    pass


class PersonaRegistry:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._cache: Dict[Path, Tuple[float, Optional[Persona], Optional[PersonaError]]] = {}
        self._lock = Lock()

    def _load(self, path: Path) -> Tuple[Optional[Persona], Optional[PersonaError]]:
        mtime = path.stat().st_mtime
        cached = self._cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1], cached[2]
        try:
            persona, error = load_persona(path), None
            log.info("persona loaded: %s", path)
        except PersonaError as problem:
            persona, error = None, problem
            log.error("persona skipped: %s", problem)
        self._cache[path] = (mtime, persona, error)
        return persona, error

    def scan(self) -> Tuple[Dict[str, Persona], List[PersonaError]]:
        """Every valid persona by id, and the problems of the files that are not."""
        personas: Dict[str, Persona] = {}
        errors: List[PersonaError] = []
        with self._lock:
            paths = sorted(self.folder.glob("*.yml")) + sorted(self.folder.glob("*.yaml"))
            for path in paths:
                try:
                    persona, error = self._load(path)
                except FileNotFoundError:  # removed while scanning
                    continue
                if persona:
                    personas[persona.id] = persona
                if error:
                    errors.append(error)
        return personas, errors

    def get(self, persona_id: str) -> Persona:
        personas, _ = self.scan()
        if persona_id not in personas:
            raise UnknownPersona(persona_id)
        return personas[persona_id]


_default: Optional[PersonaRegistry] = None


def default_registry() -> PersonaRegistry:
    """The registry of data/personas (or $PEILIAN_PERSONAS_DIR)."""
    global _default
    folder = Path(os.environ.get("PEILIAN_PERSONAS_DIR", PROJECT_ROOT / "data" / "personas"))
    if _default is None or _default.folder != folder:
        _default = PersonaRegistry(folder)
    return _default
