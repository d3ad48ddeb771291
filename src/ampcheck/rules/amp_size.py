"""AMP002: an AMP element's width or height is missing or wrong for its layout."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck import amp
from ampcheck.model import Violation
from ampcheck.post import Post
from ampcheck.rule import Rule


class AmpSize(Rule):
    code = "AMP002"
    name = "amp-size"
    summary = "An AMP element's width or height is missing, malformed or wrong for its layout"

    def check(self, post: Post) -> Iterator[Violation]:
        for el in amp.amp_elements(post):
            comp = amp.component(el.name)
            info = amp.layout(el)
            for problem in amp.size_problems(el, comp, info):
                yield Violation(problem.start, problem.end, f"{el.name}: {problem.message}")
