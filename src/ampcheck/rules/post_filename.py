"""FM005: a file in _posts is not named YYYY-MM-DD-title.EXT with a real date."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.jekyll import (
    IGNORED_NAME_RE,
    POST_NAME_RE,
    in_posts_folder,
    is_calendar_date,
    post_path,
)
from ampcheck.model import Violation
from ampcheck.post import Post
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
        if m is None:
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
