"""ampcheck: lint and repair Jekyll Markdown posts that embed AMP components."""

from __future__ import annotations

__version__ = "0.1.0"
