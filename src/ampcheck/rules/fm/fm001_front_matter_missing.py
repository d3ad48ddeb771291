"""FM001: the post has no YAML front matter block."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule


class FrontMatterMissing(Rule):
    code = "FM001"
    name = "front-matter-missing"
    summary = "No YAML front matter: Jekyll does not treat the file as a post"

    def check(self, post: Post) -> Iterator[Violation]:
        fm = post.front_matter
        if fm is None:
            start = post.body_start
            end = post.line_end(1)
            yield Violation(start, end, "no front matter: the file must start with a '---' line")
        elif not fm.closed:
            yield Violation(
                fm.start,
                fm.start + 3,
                "the front matter opened here is never closed with a '---' line",
            )
