"""EN005: the file starts with a UTF-8 byte order mark."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Severity, Violation
from ampcheck.rule import Rule


class ByteOrderMark(Rule):
    code = "EN005"
    name = "byte-order-mark"
    summary = "The file starts with a UTF-8 byte order mark"
    severity = Severity.WARNING
    fixable = FixAvailability.ALWAYS

    def check(self, post: Post) -> Iterator[Violation]:
        if post.has_bom:
            yield Violation(
                0,
                1,
                "the file starts with a UTF-8 byte order mark, which some Jekyll setups "
                "read as text before the front matter",
                Fix.safe("remove the byte order mark", Edit.deletion(0, 1)),
            )
