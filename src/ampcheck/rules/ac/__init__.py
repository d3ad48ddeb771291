"""ampcheck's own comments: suppressions (AC)."""

from __future__ import annotations

from ampcheck.rules.ac.ac001_unused_suppression import UnusedSuppression

RULES = (UnusedSuppression,)
