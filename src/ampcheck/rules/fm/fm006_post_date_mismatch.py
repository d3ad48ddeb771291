"""FM006: the front-matter date is another day than the file name's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ampcheck.document.jekyll import (
    JekyllDate,
    calendar_day,
    filename_date,
    in_posts_folder,
    jekyll_text,
    post_path,
    read_date,
)
from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule


class PostDateMismatch(Rule):
    code = "FM006"
    name = "post-date-mismatch"
    summary = "The front-matter date falls on another day than the file name's date"
    # a post dated on purpose to the day of an event or of its publication is common:
    # the front matter wins, and the author may well want it to
    severity = Severity.WARNING

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
        zone = post.site.zone if post.site is not None else None
        timezone = post.site.timezone if post.site is not None and zone is not None else None
        # An unquoted YAML timestamp without an offset is UTC (YAML 1.1, and so Jekyll
        # reads it); text without an offset is read in the site's timezone as written.
        utc_timestamp = isinstance(value, dt.datetime) and value.tzinfo is None
        if utc_timestamp:
            value = value.replace(tzinfo=dt.timezone.utc)
        elif not isinstance(value, dt.date):
            # text, read as Ruby's Time.parse reads it; FM004 reports what it cannot read
            # and a date that takes its year from the day of the build
            read = read_date(jekyll_text(value), local=zone)
            if not isinstance(read, JekyllDate) or read.value is None or read.from_build:
                return
            value = read.value.date() if read.date_only else read.value
        # Without a timezone, Jekyll converts the date to the time zone of the machine
        # that builds the site, which ampcheck cannot know: the day is the one written
        # (FM009 tells when a build in UTC moves it).
        day = calendar_day(value, zone)
        if day is None or day == named:
            return
        where = f" in the site's timezone ({timezone})" if timezone else ""
        if utc_timestamp and isinstance(value, dt.datetime) and day != value.date():
            where += ", as a YAML timestamp without an offset is UTC,"
        span = fm.keys["date"]
        yield Violation(
            span.value_start,
            span.value_end,
            f"the date falls on {day.isoformat()}{where} but the file name says "
            f"{named.isoformat()}: the post's URL and order follow the front matter",
        )
