"""HD003: a heading has no text."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.hd.headings import headings


class HeadingEmpty(Rule):
    code = "HD003"
    name = "heading-empty"
    summary = "A heading has no text"
    severity = Severity.WARNING

    def check(self, post: Post) -> Iterator[Violation]:
        for heading in headings(post):
            if heading.empty:
                yield Violation(
                    heading.start, heading.end, f"the level-{heading.level} heading has no text"
                )
