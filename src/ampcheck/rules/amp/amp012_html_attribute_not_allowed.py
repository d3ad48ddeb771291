"""AMP012: an attribute of raw HTML that the AMP validator does not allow, or a value
it does not allow."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rules.amp import components as amp
from ampcheck.rules.amp import html_specs


class HtmlAttributeNotAllowed(amp.AmpPageRule):
    code = "AMP012"
    name = "html-attribute-not-allowed"
    summary = (
        "An attribute of raw HTML in an AMP post that AMP does not allow on its tag, "
        "or with that value"
    )

    def check_amp(self, post: Post) -> Iterator[Violation]:
        for el in post.html.elements:
            for problem in html_specs.problems(post, el):
                if problem.kind == "attribute":
                    yield Violation(problem.start, problem.end, problem.message)
