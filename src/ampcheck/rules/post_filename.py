"""FM005: a file in _posts is not named YYYY-MM-DD-title.EXT with a real date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import PurePath

from ampcheck.jekyll import in_posts_folder
from ampcheck.model import Violation
from ampcheck.post import Post
from ampcheck.rule import Rule

# The names Jekyll reads from _posts (jekyll/document.rb, DATE_FILENAME_MATCHER): a 2-4
# digit year, a 1-2 digit month and day, a title and an extension. Any other file in
# _posts is skipped without a message.
_POST_NAME_RE = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-[^/]*\.[^.]+$")
# Names Jekyll ignores on purpose (EntryFilter: special and backup files).
_IGNORED_RE = re.compile(r"^[._#~]|~$")


def _calendar_date(year: int, month: int, day: int) -> bool:
    try:
        # shifted by whole 400-year cycles, which keeps leap years, so that the years
        # 0 to 99 (and 2-digit years) fit Python's calendar
        dt.date(2000 + year % 400, month, day)
    except ValueError:
        return False
    return True


class PostFilename(Rule):
    code = "FM005"
    name = "post-filename"
    summary = "A file in _posts is not named YYYY-MM-DD-title.EXT with a real date"

    def check(self, post: Post) -> Iterator[Violation]:
        path = PurePath(post.path)
        if not in_posts_folder(path) or _IGNORED_RE.search(path.name):
            return
        start = post.body_start if post.front_matter is None else post.front_matter.start
        m = _POST_NAME_RE.match(path.name)
        if m is None:
            yield Violation(
                start, start, f"'{path.name}' is not named YYYY-MM-DD-title.EXT: Jekyll skips it"
            )
        elif not _calendar_date(*(int(g) for g in m.groups())):
            yield Violation(
                start,
                start,
                f"'{path.name}' names {'-'.join(m.groups())}, which is not a calendar date: "
                "without a front-matter date Jekyll stops the build or moves the post to "
                "another day",
            )
