"""AMP002: an AMP element's width or height is missing or wrong for its layout."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.html import Element
from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rules.amp import components as amp


class AmpSize(amp.AmpElementRule):
    code = "AMP002"
    name = "amp-size"
    summary = "An AMP element's width or height is missing, malformed or wrong for its layout"

    def check_element(self, post: Post, el: Element) -> Iterator[Violation]:
        comp = amp.component(el.name)
        info = amp.layout(el)
        for problem in amp.size_problems(el, comp, info):
            yield Violation(problem.start, problem.end, f"{el.name}: {problem.message}")
