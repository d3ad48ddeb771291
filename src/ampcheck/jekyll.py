"""Jekyll's conventions for post file names and dates."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ampcheck.post import Post

# The names Jekyll reads from _posts (jekyll/document.rb, DATE_FILENAME_MATCHER): a 2-4
# digit year, a 1-2 digit month and day, a title and an extension. Any other file in
# _posts is skipped without a message.
POST_NAME_RE = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-[^/]*\.[^.]+$")
# Names Jekyll ignores on purpose (EntryFilter: special and backup files).
IGNORED_NAME_RE = re.compile(r"^[._#~]|~$")
# The date forms Jekyll documents for front matter: YYYY-MM-DD HH:MM:SS +/-TTTT, with
# the time and the offset optional.
DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(?:\s*(Z|[+-]\d{2}:?\d{2}))?)?\s*$"
)


def post_path(post: Post) -> PurePath:
    """The post's path as Jekyll sees it: resolved when it is a file on disk, so that
    ``cd _posts && ampcheck a.md`` still knows the post is in ``_posts``."""
    return post.memo("jekyll.post_path", _post_path)


def _post_path(post: Post) -> PurePath:
    if post.file is None:
        return PurePath(post.path)
    return post.site.resolve(post.file) if post.site is not None else post.file.resolve()


def in_posts_folder(path: PurePath) -> bool:
    return "_posts" in path.parts[:-1]


def filename_date(name: str) -> dt.date | str:
    """The date in a post's file name, or why there is none."""
    m = POST_NAME_RE.match(name)
    if m is None:
        return "is not named YYYY-MM-DD-title.EXT"
    if not is_calendar_date(*(int(g) for g in m.groups())):
        return f"names {'-'.join(m.groups())}, which is not a calendar date"
    year, month, day = (int(g) for g in m.groups())
    return dt.date(year if year >= 100 else 2000 + year, month, day)


def is_calendar_date(year: int, month: int, day: int) -> bool:
    try:
        # shifted by whole 400-year cycles, which keeps leap years, so that the years
        # 0 to 99 (and 2-digit years) fit Python's calendar
        dt.date(2000 + year % 400, month, day)
    except ValueError:
        return False
    return True


def parse_date(value: str) -> dt.datetime | dt.date | None:
    """A front-matter date string as Jekyll documents it, or ``None``."""
    m = DATE_RE.match(value.strip())
    if m is None:
        return None
    year, month, day, hour, minute, second, frac, offset = m.groups()
    try:
        if hour is None:
            return dt.date(int(year), int(month), int(day))
        tz = None
        if offset is not None:
            if offset == "Z":
                tz = dt.timezone.utc
            else:
                sign = -1 if offset[0] == "-" else 1
                digits = offset[1:].replace(":", "")
                delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
                tz = dt.timezone(sign * delta)
        micro = int((frac or "0")[:6].ljust(6, "0"))
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tz
        )
    except ValueError:
        return None


def calendar_day(value: object, zone: dt.tzinfo | None) -> dt.date | None:
    """The day a front-matter ``date`` falls on in the site's time zone."""
    if isinstance(value, str):
        value = parse_date(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and zone is not None:
            value = value.astimezone(zone)
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
