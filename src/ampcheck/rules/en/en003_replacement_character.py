"""EN003: U+FFFD replacement characters: text lost in an earlier conversion."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule
from ampcheck.rules.en.mojibake import about_encodings

_RUN_RE = re.compile("\ufffd\ufffd*")  # faster to search for than "\ufffd+"


class ReplacementCharacter(Rule):
    code = "EN003"
    name = "replacement-character"
    summary = "A U+FFFD replacement character: the original text is lost"

    def check(self, post: Post) -> Iterator[Violation]:
        if "\ufffd" not in post.text or about_encodings(post.text):
            return
        for m in _RUN_RE.finditer(post.text):
            n = m.end() - m.start()
            what = "a U+FFFD replacement character" if n == 1 else f"{n} U+FFFD characters"
            yield Violation(
                m.start(),
                m.end(),
                f"{what} (\ufffd): an earlier conversion lost the original text here; "
                "restore it from the source",
            )
