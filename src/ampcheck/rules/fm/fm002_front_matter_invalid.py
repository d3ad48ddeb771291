"""FM002: the front matter is not valid YAML, or not a mapping."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule


class FrontMatterInvalid(Rule):
    code = "FM002"
    name = "front-matter-invalid"
    summary = "The front matter does not load as a YAML mapping"

    def check(self, post: Post) -> Iterator[Violation]:
        fm = post.front_matter
        if fm is not None and fm.problem is not None:
            at = fm.problem.offset
            yield Violation(at, at, f"invalid front matter: {fm.problem.message}")
