"""Pydantic models of everything read from ``matters/``: the single source of the schema."""

from generator.model.matter import LEVELS, Matter

__all__ = ["LEVELS", "Matter"]
