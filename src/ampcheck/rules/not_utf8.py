"""EN002: the file is not valid UTF-8."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.model import Violation
from ampcheck.post import Post
from ampcheck.rule import Rule


class NotUtf8(Rule):
    code = "EN002"
    name = "not-utf8"
    summary = "The file is not valid UTF-8"

    def check(self, post: Post) -> Iterator[Violation]:
        bad = post.first_undecodable
        if bad is None:
            return
        # undecodable bytes are lone surrogates U+DC80..U+DCFF in the text
        at = next(i for i, ch in enumerate(post.text) if "\udc80" <= ch <= "\udcff")
        count = sum(1 for ch in post.text if "\udc80" <= ch <= "\udcff")
        more = f" ({count} undecodable bytes in all)" if count > 1 else ""
        yield Violation(
            at,
            at + 1,
            f"not valid UTF-8: byte 0x{post.data[bad]:02X} at byte offset {bad} "
            f"cannot be decoded{more}",
        )
