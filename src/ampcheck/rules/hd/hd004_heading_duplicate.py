"""HD004: two headings under the same parent have the same text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.hd.headings import Heading, headings


@dataclass(frozen=True, slots=True)
class Options:
    #: compare a heading only with its siblings (false: with every heading of the post)
    siblings_only: bool = True


class HeadingDuplicate(Rule):
    code = "HD004"
    name = "heading-duplicate"
    summary = "Two headings under the same parent have the same text"
    severity = Severity.WARNING
    # kramdown gives repeated headings distinct ids (break, break-1): a repeat breaks
    # nothing on a Jekyll site, and agendas and recurring sections repeat on purpose
    enabled_by_default = False
    Options = Options

    def check(self, post: Post) -> Iterator[Violation]:
        siblings_only = self.options.siblings_only
        # markdownlint MD024: one table of seen headings per level; a heading clears
        # the tables of the levels below it, so only siblings are compared.
        seen: dict[int, dict[tuple[str, str | None], Heading]] = {}
        for heading in headings(post):
            if heading.empty:
                continue  # HD003 reports it
            level = heading.level if siblings_only else 0
            if siblings_only:
                for deeper in [lvl for lvl in seen if lvl > level]:
                    del seen[deeper]
            table = seen.setdefault(level, {})
            # kramdown: an attribute list is not text; an explicit id is another anchor
            key = (heading.plain, heading.kramdown_id)
            first = table.get(key)
            if first is None:
                table[key] = heading
                continue
            where = f"line {first.line}" + (" under the same parent" if siblings_only else "")
            yield Violation(
                heading.start,
                heading.end,
                f"the heading '{heading.plain}' repeats the heading on {where}",
            )
