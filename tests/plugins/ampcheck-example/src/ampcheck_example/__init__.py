"""A third-party rule: posts must not say TODO."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.post import Post

from ampcheck.hookspecs import hookimpl
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule


class NoTodo(Rule):
    code = "XMP001"
    name = "no-todo"
    summary = "A post still says TODO"
    severity = Severity.WARNING
    doc = "# XMP001 no-todo\n\nReports TODO left in a post.\n"

    def check(self, post: Post) -> Iterator[Violation]:
        for m in re.finditer(r"\bTODO\b", post.text):
            yield Violation(m.start(), m.end(), "TODO left in the post")


@hookimpl
def ampcheck_register_rules() -> list[type[Rule]]:
    return [NoTodo]
