"""Calibration and analytics pages: their routes and the number formats both show."""

from __future__ import annotations

from typing import Optional

from aiohttp import web

REVIEWERS = ("evaluator", "admin")


def percent(fraction: Optional[float]) -> str:
    """0.853 -> "85%"; "—" where there is nothing to show."""
    return "—" if fraction is None else f"{fraction * 100:.0f}%"


def score(value: Optional[float]) -> str:
    """A score out of 100, as a whole number."""
    return "—" if value is None else f"{value:.0f}"


def decimal(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.2f}"


def add_routes(app: web.Application) -> None:
    from bot.web.review import analytics, calibration  # here: they import this module's formats

    app.router.add_get("/review/calibration", calibration.page)
    app.router.add_get("/review/analytics", analytics.page)
