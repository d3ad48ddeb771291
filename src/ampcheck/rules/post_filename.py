"""FM005: a file in _posts is not named YYYY-MM-DD-title.EXT with a real date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath

from ampcheck.jekyll import filename_date, in_posts_folder
from ampcheck.model import Violation
from ampcheck.post import Post
from ampcheck.rule import Rule


class PostFilename(Rule):
    code = "FM005"
    name = "post-filename"
    summary = "A file in _posts is not named YYYY-MM-DD-title.EXT: Jekyll skips it"

    def check(self, post: Post) -> Iterator[Violation]:
        path = PurePath(post.path)
        if not in_posts_folder(path):
            return
        found = filename_date(path.name)
        if isinstance(found, str):
            start = post.body_start if post.front_matter is None else post.front_matter.start
            yield Violation(
                start, start, f"'{path.name}' {found}: Jekyll does not publish it as a post"
            )
