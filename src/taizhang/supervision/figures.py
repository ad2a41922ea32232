"""Kept for the importers that still say `supervision.figures.figure_set` (web/cycle.py): the
writes of figures and light thresholds are services now (supervision/services.py)."""

from taizhang.supervision.services import figure_set, light_settings_set

__all__ = ["figure_set", "light_settings_set"]
