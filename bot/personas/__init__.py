"""Customer personas: data files under data/personas/, validated and hot-reloaded."""

from bot.personas.loader import PersonaError, load_persona
from bot.personas.model import AgendaItem, Availability, Persona
from bot.personas.registry import PersonaRegistry, default_registry

__all__ = [
    "AgendaItem",
    "Availability",
    "Persona",
    "PersonaError",
    "PersonaRegistry",
    "default_registry",
    "load_persona",
]
