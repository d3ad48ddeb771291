"""FM006: the front-matter date is another day than the file name's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ampcheck.jekyll import calendar_day, filename_date, in_posts_folder, post_path
from ampcheck.model import Violation
from ampcheck.post import Post
from ampcheck.rule import Rule


class PostDateMismatch(Rule):
    code = "FM006"
    name = "post-date-mismatch"
    summary = "The front-matter date falls on another day than the file name's date"

    def check(self, post: Post) -> Iterator[Violation]:
        fm = post.front_matter
        if fm is None or fm.data is None or "date" not in fm.data:
            return
        path = post_path(post)
        if not in_posts_folder(path):
            return
        named = filename_date(path.name)
        if isinstance(named, str):
            return
        value = fm.data["date"]
        # An unquoted YAML timestamp without an offset is UTC (YAML 1.1, and so Jekyll
        # reads it); a quoted date without one is read in the site's timezone.
        naive = isinstance(value, dt.datetime) and value.tzinfo is None
        if naive:
            value = value.replace(tzinfo=dt.timezone.utc)
        zone = post.site.zone if post.site is not None else None
        timezone = post.site.timezone if post.site is not None and zone is not None else None
        day = calendar_day(value, zone)
        if day is None or day == named:
            return
        where = f" in the site's timezone ({timezone})" if timezone else ""
        if naive and day != value.date():
            where += ", as a YAML timestamp without an offset is UTC,"
        span = fm.keys["date"]
        yield Violation(
            span.value_start,
            span.value_end,
            f"the date falls on {day.isoformat()}{where} but the file name says "
            f"{named.isoformat()}: the post's URL and order follow the front matter",
        )
