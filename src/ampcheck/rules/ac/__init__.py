"""ampcheck's own concerns (AC): suppressions, and files it could not check."""

from __future__ import annotations

from ampcheck.rules.ac.ac001_unused_suppression import UnusedSuppression
from ampcheck.rules.ac.ac002_file_not_checked import FileNotChecked

RULES = (UnusedSuppression, FileNotChecked)
