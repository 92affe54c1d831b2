"""How a persona's `difficulty` and `class` shape the customer: the one table of both.

The persona's `temperament:` numbers are what the trainer wrote; the difficulty keeps them inside
its band (an `easy` customer is never curt, a `hard` one never gives everything at the first ask),
and the class says how hard a visit is to book and how much the customer haggles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from bot.personas.model import Persona

Bounds = Tuple[Optional[int], Optional[int]]  # (at least, at most); None: as the persona says

ANY: Bounds = (None, None)


@dataclass(frozen=True)
class Band:
    patience: Bounds
    name_reluctance: Bounds
    phone_reluctance: Bounds
    price_push: Bounds


# difficulty -> bounds on the persona's own `temperament:` numbers
# fmt: off
DIFFICULTY_BANDS: Dict[str, Band] = {
    #               patience     name_reluctance  phone_reluctance  price_push
    "easy":   Band((5, None),    (None, 0),       (None, 0),        (None, 1)),
    "normal": Band(ANY,          ANY,             ANY,              ANY),
    "hard":   Band((None, 3),    (1, None),       (1, None),        (1, None)),
}
# fmt: on


@dataclass(frozen=True)
class ClassTrait:
    invitations: int  # concrete invitations the customer needs before saying yes
    either_or: bool  # the accepted one must offer two times (二选一)
    price_push: Bounds


# class (A keen ... E no current need, docs/personas.md) -> how readily they book and how they haggle
# fmt: off
CLASS_TRAITS: Dict[str, ClassTrait] = {
    #                invitations  either_or  price_push
    "A": ClassTrait(1,            False,     (None, 1)),
    "B": ClassTrait(1,            False,     ANY),
    "C": ClassTrait(1,            False,     ANY),
    "D": ClassTrait(2,            True,      (1, None)),
    "E": ClassTrait(2,            True,      (1, None)),
}
# fmt: on


@dataclass(frozen=True)
class Temperament:
    patience: int
    name_reluctance: int
    phone_reluctance: int
    price_push: int
    invitations: int
    either_or: bool


def _bounded(value: int, bounds: Bounds) -> int:
    low, high = bounds
    if low is not None:
        value = max(value, low)
    if high is not None:
        value = min(value, high)
    return value


def temperament_of(persona: Persona) -> Temperament:
    band = DIFFICULTY_BANDS.get(persona.difficulty, DIFFICULTY_BANDS["normal"])
    trait = CLASS_TRAITS.get(persona.customer_class, CLASS_TRAITS["C"])
    return Temperament(
        patience=_bounded(persona.patience, band.patience),
        name_reluctance=_bounded(persona.name_reluctance, band.name_reluctance),
        phone_reluctance=_bounded(persona.phone_reluctance, band.phone_reluctance),
        price_push=_bounded(_bounded(persona.price_push, band.price_push), trait.price_push),
        invitations=trait.invitations,
        either_or=trait.either_or,
    )
