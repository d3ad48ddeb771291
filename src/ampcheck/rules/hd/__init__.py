"""Headings (HD)."""

from __future__ import annotations

from ampcheck.rules.hd.hd001_heading_increment import HeadingIncrement
from ampcheck.rules.hd.hd002_heading_single_h1 import HeadingSingleH1
from ampcheck.rules.hd.hd003_heading_empty import HeadingEmpty
from ampcheck.rules.hd.hd004_heading_duplicate import HeadingDuplicate
from ampcheck.rules.hd.hd005_heading_trailing_punctuation import HeadingTrailingPunctuation
from ampcheck.rules.hd.hd006_heading_not_rendered import HeadingNotRendered

RULES = (
    HeadingIncrement,
    HeadingSingleH1,
    HeadingEmpty,
    HeadingDuplicate,
    HeadingTrailingPunctuation,
    HeadingNotRendered,
)
