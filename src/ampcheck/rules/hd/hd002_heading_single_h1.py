"""HD002: a level-1 heading in the body besides the post's title."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.hd.headings import TitleOptions, headings, nothing_before, title_level


class HeadingSingleH1(Rule):
    code = "HD002"
    name = "heading-single-h1"
    summary = "A level-1 heading in the body besides the post's title"
    severity = Severity.WARNING
    Options = TitleOptions

    def check(self, post: Post) -> Iterator[Violation]:
        key = self.options.front_matter_title
        h1s = [h for h in headings(post) if h.level == 1]
        if not h1s:
            return
        if title_level(post, key) == 1:
            for heading in h1s:
                yield Violation(
                    heading.start,
                    heading.end,
                    f"a level-1 heading in the body: the layout already shows the "
                    f"front-matter '{key}' as the page's level-1 heading",
                )
            return
        # markdownlint MD025: without a title in the front matter, the first level-1
        # heading is the title only when nothing stands before it.
        title = h1s[0]
        if not nothing_before(post, title):
            return
        for heading in h1s[1:]:
            yield Violation(
                heading.start,
                heading.end,
                f"another level-1 heading: the one on line {title.line} is the post's title",
            )
