"""AMP011: a URL in raw HTML with a protocol the AMP validator does not allow there."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rules.amp import components as amp
from ampcheck.rules.amp import html_specs


class AmpUrlProtocol(amp.AmpPageRule):
    code = "AMP011"
    name = "amp-url-protocol"
    summary = (
        "A URL in raw HTML of an AMP post with a protocol AMP does not allow there "
        "(vbscript:, javascript:, data: links; each srcset candidate)"
    )

    def check_amp(self, post: Post) -> Iterator[Violation]:
        for el in post.html.elements:
            for problem in html_specs.problems(post, el):
                if problem.kind == "url":
                    yield Violation(problem.start, problem.end, problem.message)
