"""FM009: a post's date with a UTC offset is another day in UTC, and the site sets no timezone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ampcheck.document.jekyll import JekyllDate, in_posts_folder, jekyll_text, post_path, read_date
from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
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
        if not in_posts_folder(post_path(post)) or not _dated_url(post):
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
        try:
            in_utc = value.astimezone(dt.timezone.utc).date()
        except OverflowError:  # a day before year 1 or after 9999: no date to give
            return
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


# Jekyll's built-in permalink styles; all but "none" put the date in the URL
_STYLES_WITH_DATE = frozenset({"date", "pretty", "ordinal", "weekdate"})
_DATE_PLACEHOLDERS = (
    ":year", ":short_year", ":month", ":i_month", ":short_month", ":long_month",
    ":day", ":i_day", ":y_day", ":week", ":w_year", ":w_day", ":short_day", ":long_day",
)  # fmt: skip


def _dated_url(post: Post) -> bool:
    """Whether the post's URL holds its date: the permalink of its front matter, of the
    site's front-matter defaults, of the posts collection or of the site (Jekyll's
    default is the "date" style)."""
    permalink = post.meta.get("permalink")
    site = post.site
    if permalink is None and site is not None:
        if post.file is not None:
            permalink = site.defaults_for(post.file).get("permalink")
        if permalink is None:
            collections = site.config.get("collections")
            posts = collections.get("posts") if isinstance(collections, dict) else None
            if isinstance(posts, dict):
                permalink = posts.get("permalink")
        if permalink is None:
            permalink = site.config.get("permalink", "date")
    if not isinstance(permalink, str):
        return True  # not a permalink Jekyll reads: say what the default does
    if permalink in _STYLES_WITH_DATE:
        return True
    return any(placeholder in permalink for placeholder in _DATE_PLACEHOLDERS)
