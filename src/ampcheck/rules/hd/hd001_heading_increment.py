"""HD001: a heading is more than one level deeper than the heading before it."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.hd.headings import Heading, HeadingKind, TitleOptions, headings, title_level


class HeadingIncrement(Rule):
    code = "HD001"
    name = "heading-increment"
    summary = "A heading skips a level: it is more than one level deeper than the one before"
    severity = Severity.WARNING
    fixable = FixAvailability.ALWAYS
    Options = TitleOptions

    def check(self, post: Post) -> Iterator[Violation]:
        # markdownlint MD001: the title counts as the heading before the first one (at
        # the level the layout prints it, h1 when the layout cannot be read); without
        # one the first heading may have any level.
        key = self.options.front_matter_title
        before: Heading | None = None
        previous = title_level(post, key)
        for heading in headings(post):
            if previous and heading.level > previous + 1:
                after = (
                    f"the level-{previous} heading on line {before.line}"
                    if before is not None
                    else f"the front-matter '{key}', which the layout shows as a "
                    f"level-{previous} heading"
                )
                yield Violation(
                    heading.start,
                    heading.end,
                    f"a level-{heading.level} heading follows {after}: "
                    f"expected level {previous + 1}",
                    _lower(heading, previous + 1),
                )
            before, previous = heading, heading.level


def _lower(heading: Heading, level: int) -> Fix | None:
    """Write the heading at ``level``: its opening run of ``#``, and a closing run of
    the same length, become ``level`` hashes."""
    if (
        heading.kind is HeadingKind.SETEXT
        or heading.marker_end - heading.marker_start != heading.level
    ):
        # a setext heading is level 1 or 2 and never skips one; an opening run that is
        # not where it should be is left alone
        return None
    hashes = "#" * level
    edits = [Edit(heading.marker_start, heading.marker_end, hashes)]
    closing = heading.closing_end - heading.closing_start
    if heading.kind is HeadingKind.ATX_CLOSED and closing == heading.level:
        edits.append(Edit(heading.closing_start, heading.closing_end, hashes))
    return Fix.unsafe(f"make it a level-{level} heading", *edits)
