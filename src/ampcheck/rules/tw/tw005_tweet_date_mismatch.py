"""TW005: a tweet's printed date disagrees with its snowflake ID (option: the post's date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from ampcheck.document.html import Element
from ampcheck.document.jekyll import filename_date, in_posts_folder, parse_date
from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.tw.tweets import (
    EmbedKind,
    created_at,
    embeds,
    inner_text,
    placeholder_of,
    printed_date,
    status_link,
)

DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Options:
    #: also warn when a tweet was created after the post's date: right for a blog that
    #: collects each day's tweets, wrong where a tweet is added in a later edit
    compare_post_date: bool = False
    #: days after the post's date a tweet may have been created (negative: no check)
    post_date_margin: float = 2.0


class TweetDateMismatch(Rule):
    code = "TW005"
    name = "tweet-date-mismatch"
    summary = "A tweet's printed date disagrees with the time its ID encodes"
    severity = Severity.WARNING
    Options = Options

    def check(self, post: Post) -> Iterator[Violation]:
        posted: dt.datetime | bool | None = False  # computed on first need
        # no two moments lie further apart than timedelta's maximum: a larger margin
        # (1e308, inf) means the same; a negative one turns the check off (below)
        days = min(max(self.options.post_date_margin, 0), dt.timedelta.max.days)
        margin = dt.timedelta(days=days)
        for embed in embeds(post):
            if embed.tweet_id is None:
                continue
            created = created_at(embed.tweet_id)
            if created is None:
                continue
            link = _date_link(embed.element, embed.kind)
            if link is not None and link.close_start is not None:
                text = inner_text(post, link).strip()
                day = printed_date(text)
                if day is not None and _distance(created, day) > DAY:
                    yield Violation(
                        link.tag_end,
                        link.close_start,
                        f"the placeholder dates the tweet {text!r}, but its ID "
                        f"{embed.tweet_id} was created on {_when(created)}: the ID or the "
                        "placeholder belongs to another tweet",
                    )
            if not self.options.compare_post_date or self.options.post_date_margin < 0:
                continue
            if posted is False:
                posted = _post_time(post)
            if isinstance(posted, dt.datetime) and created - posted > margin:
                days = (created - posted) / DAY
                yield Violation(
                    embed.value_start if embed.value_start < embed.value_end else embed.start,
                    embed.value_end if embed.value_start < embed.value_end else embed.end,
                    f"tweet {embed.tweet_id} was created on {_when(created)}, {days:.1f} days "
                    f"after the post's date ({posted:%Y-%m-%d %H:%M %Z}): "
                    "check the ID and the date",
                )


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _date_link(el: Element | None, kind: EmbedKind) -> Element | None:
    if el is None:
        return None
    if kind is EmbedKind.BLOCKQUOTE:
        return status_link(el)
    placeholder = placeholder_of(el)
    return status_link(placeholder) if placeholder is not None else None


def _distance(moment: dt.datetime, day: dt.date) -> dt.timedelta:
    """How far ``moment`` lies outside ``day`` (as a UTC day; the printed date is in the
    embedder's unknown timezone, which the one-day tolerance absorbs)."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
    if moment < start:
        return start - moment
    if moment >= start + DAY:
        return moment - (start + DAY)
    return dt.timedelta(0)


def _post_time(post: Post) -> dt.datetime | None:
    """The post's date as Jekyll reads it: front-matter ``date``, else the file name's;
    a date without a time is midnight in the site's timezone."""
    value: object = post.meta.get("date")
    tz = _site_zone(post)
    if isinstance(value, str):
        # a quoted date without an offset is read in the site's timezone
        parsed = parse_date(value)
        if isinstance(parsed, dt.datetime) and parsed.tzinfo is None:
            return parsed.replace(tzinfo=tz)
        value = parsed
    if value is None:
        path = PurePath(post.path)
        if in_posts_folder(path):
            named = filename_date(path.name)
            value = named if isinstance(named, dt.date) else None
    if isinstance(value, dt.datetime):
        # an unquoted YAML timestamp without an offset is UTC (YAML 1.1, as Jekyll reads it)
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    return None


def _site_zone(post: Post) -> dt.tzinfo:
    name = post.site.timezone if post.site is not None else None
    if name:
        try:
            from zoneinfo import ZoneInfo

            return ZoneInfo(name)
        except (KeyError, ValueError, OSError):
            pass
    return dt.timezone.utc
