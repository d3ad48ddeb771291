"""FM005: a file in _posts is not named YYYY-MM-DD-title.EXT with a real date."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.jekyll import (
    DATE_IN_NAME_RE,
    IGNORED_NAME_RE,
    POST_NAME_RE,
    in_posts_folder,
    is_calendar_date,
    post_path,
)
from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule


class PostFilename(Rule):
    code = "FM005"
    name = "post-filename"
    summary = "A file in _posts is not named YYYY-MM-DD-title.EXT with a real date"

    def check(self, post: Post) -> Iterator[Violation]:
        path = post_path(post)
        if not in_posts_folder(path) or IGNORED_NAME_RE.search(path.name):
            return
        start = post.body_start if post.front_matter is None else post.front_matter.start
        m = POST_NAME_RE.match(path.name)
        if m is None and DATE_IN_NAME_RE.search(path.name) is None:
            # no date at all: a file kept beside the posts (README.md, template.md),
            # which Jekyll passes over; a mistyped post name is an error below
            yield Violation(
                start,
                start,
                f"'{path.name}' has no date in its name: Jekyll skips it without a word "
                "(no page, no feed entry); name a post YYYY-MM-DD-title.EXT, or start the "
                "name of a file kept here on purpose with '_'",
                severity=Severity.WARNING,
            )
        elif m is None:
            yield Violation(
                start, start, f"'{path.name}' is not named YYYY-MM-DD-title.EXT: Jekyll skips it"
            )
        elif not is_calendar_date(*(int(g) for g in m.groups())):
            yield Violation(
                start,
                start,
                f"'{path.name}' names {'-'.join(m.groups())}, which is not a calendar date: "
                "without a front-matter date Jekyll stops the build or moves the post to "
                "another day",
            )
