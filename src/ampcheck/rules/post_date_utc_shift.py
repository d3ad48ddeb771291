"""FM009: a post's date with a UTC offset is another day in UTC, and the site sets no timezone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ampcheck.jekyll import JekyllDate, in_posts_folder, jekyll_text, post_path, read_date
from ampcheck.model import Severity, Violation
from ampcheck.post import Post
from ampcheck.rule import Rule


class PostDateUtcShift(Rule):
    code = "FM009"
    name = "post-date-utc-shift"
    summary = (
        "A post's date has a UTC offset that puts it on another day in UTC, "
        "and the site sets no timezone"
    )
    # the site may be built in the zone of the offset, where nothing moves
    severity = Severity.WARNING

    def check(self, post: Post) -> Iterator[Violation]:
        fm = post.front_matter
        if fm is None or fm.data is None or "date" not in fm.data:
            return
        # with a timezone, Jekyll reads every date in it, wherever it is built; without
        # a _config.yml found, what the site sets is not known
        if post.site is None or post.site.timezone is not None:
            return
        if not in_posts_folder(post_path(post)):
            return
        value = fm.data["date"]
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return
        if not isinstance(value, dt.datetime):
            read = read_date(jekyll_text(value))
            if not isinstance(read, JekyllDate) or read.value is None or read.from_build:
                return
            value = read.value
        # a timestamp without an offset: UTC in YAML, local in Ruby's Time.parse; either
        # way nothing to shift on a machine in UTC
        if value.tzinfo is None:
            return
        written = value.date()
        in_utc = value.astimezone(dt.timezone.utc).date()
        if written == in_utc:
            return
        span = fm.keys["date"]
        yield Violation(
            span.value_start,
            span.value_end,
            f"the date is {written.isoformat()} as written but {in_utc.isoformat()} in UTC, "
            "and the site sets no timezone: built on a machine in UTC (GitHub Pages, most "
            f"CI), the post is published under {in_utc.isoformat()}; set 'timezone:' in "
            "_config.yml, or write the date in the time zone the site is built in",
        )
