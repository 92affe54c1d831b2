"""Peilian: a Rasa customer for rehearsing Chinese sales phone calls (domain library)."""

__version__ = "0.1.0"
