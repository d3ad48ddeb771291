"""Jekyll's conventions for post file names and dates."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath

# Jekyll's post names: YYYY-MM-DD-slug.ext (jekyll/document.rb, DATE_FILENAME_MATCHER)
POST_NAME_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)\.([A-Za-z0-9]+)$")
# The date forms Jekyll documents for front matter: YYYY-MM-DD HH:MM:SS +/-TTTT, with
# the time and the offset optional.
DATE_RE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?"
    r"(?:\s*(Z|[+-]\d{2}:?\d{2}))?)?\s*$"
)


def in_posts_folder(path: PurePath) -> bool:
    return "_posts" in path.parts[:-1]


def filename_date(name: str) -> dt.date | str:
    """The date in a post's file name, or why there is none."""
    m = POST_NAME_RE.match(name)
    if m is None:
        return "is not named YYYY-MM-DD-title.EXT"
    year, month, day = (int(g) for g in m.groups()[:3])
    try:
        return dt.date(year, month, day)
    except ValueError:
        return f"names {m.group(1)}-{m.group(2)}-{m.group(3)}, which is not a calendar date"


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
