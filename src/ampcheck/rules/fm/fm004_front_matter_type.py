"""FM004: a well-known front-matter field has a value of the wrong type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from ampcheck.document.jekyll import InvalidDate, JekyllDate, jekyll_text, read_date
from ampcheck.document.post import Post
from ampcheck.model import Severity, Violation
from ampcheck.rule import Rule


def _string(value: Any) -> bool:
    return isinstance(value, str)


def _strings(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _date(value: Any) -> bool:
    # YAML's own dates and times, and every other value Ruby's Time.parse reads from
    # its text; what it reads only in part is reported by _date_warning
    if value is None:
        return False
    return isinstance(value, (dt.date, dt.datetime)) or not isinstance(
        read_date(jekyll_text(value)), InvalidDate
    )


def _boolean(value: Any) -> bool:
    return isinstance(value, bool)


#: field -> (check, what the field must be)
FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "title": (_string, "a string"),
    "layout": (_string, "a string"),
    "permalink": (_string, "a string"),
    "description": (_string, "a string"),
    "date": (_date, "a date Jekyll can read, such as YYYY-MM-DD HH:MM:SS +/-TTTT"),
    "tags": (_strings, "a string or a list of strings"),
    "categories": (_strings, "a string or a list of strings"),
    "published": (_boolean, "true or false"),
    "redirect_from": (_strings, "a string or a list of strings"),
}


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return f"a {'list' if isinstance(value, list) else 'mapping'}"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _zone(post: Post) -> dt.tzinfo | None:
    return post.site.zone if post.site is not None else None


def _zone_name(post: Post) -> str | None:
    return post.site.timezone if post.site is not None and _zone(post) is not None else None


def _default(post: Post, key: str) -> Any:
    """The value the site's ``defaults:`` give ``key`` for this post, if any."""
    if post.site is None or post.file is None:
        return None
    return post.site.defaults_for(post.file).get(key)


_MISSING = {
    ("year",): "has no year: Jekyll takes the year the site is built in, so the post "
    "moves to another year at the next year's build",
    ("year", "month"): "has no year or month: Jekyll takes them from the day the site is "
    "built, so the post moves at every build",
}


def _date_warning(value: Any, read: JekyllDate, zone_name: str | None) -> str | None:
    """What Jekyll reads differently from what a date says, or ``None``."""
    shown = _shown(value)
    if read.ignored_zone is not None:
        where = (
            f"the site's timezone ({zone_name})"
            if zone_name
            else "the time zone of the machine that builds the site (which knows "
            f"{read.ignored_zone!r} only when that is its own zone's name)"
        )
        return (
            f"Ruby's Time.parse does not know the zone {read.ignored_zone!r} in {shown}: "
            f"Jekyll ignores it and reads the time in {where}; write an offset such as "
            "+01:00 instead"
        )
    if read.from_build:
        missing = _MISSING.get(
            read.from_build,
            "has no date: Jekyll dates the post the day the site is built, so it moves "
            "at every build",
        )
        return f"'date' {shown} {missing}; write YYYY-MM-DD"
    if read.rolled_over is not None and read.value is not None:
        return (
            f"'date' {shown} names {read.rolled_over}, which is not in the calendar: "
            f"Jekyll moves the post to {read.value.date().isoformat()}"
        )
    if read.guessed_order is not None:
        return (
            f"Ruby reads 'date' {shown} as {read.guessed_order}, guessing which number is "
            "the year, the month and the day: write it as YYYY-MM-DD"
        )
    if isinstance(value, (list, dict)):
        kind = "list" if isinstance(value, list) else "mapping"
        found = read.value.isoformat(sep=" ") if read.value is not None else "a date"
        return (
            f"'date' is a {kind}: Jekyll reads a date out of its text ({found}); "
            "write the date alone"
        )
    return None


class FrontMatterType(Rule):
    code = "FM004"
    name = "front-matter-type"
    summary = "A well-known front-matter field has a value of the wrong type"

    def check(self, post: Post) -> Iterator[Violation]:
        fm = post.front_matter
        if fm is None or fm.data is None:
            return
        for key, (ok, expected) in FIELDS.items():
            if key not in fm.data:
                continue
            value = fm.data[key]
            if value is None:
                # Jekyll treats a null value as unset, but for 'date': it parses the
                # empty text and stops the build, unless a default date fills it in.
                if key != "date" or _default(post, "date") is not None:
                    continue
            elif key == "date" and not isinstance(value, (dt.date, dt.datetime)):
                read = read_date(jekyll_text(value), local=_zone(post))
                if isinstance(read, JekyllDate):
                    warning = _date_warning(value, read, _zone_name(post))
                    if warning is not None:
                        span = fm.keys[key]
                        yield Violation(
                            span.value_start, span.value_end, warning, severity=Severity.WARNING
                        )
                    continue
                span = fm.keys[key]
                yield Violation(
                    span.value_start,
                    span.value_end,
                    f"'date' must be a date Jekyll can read, not {_shown(value)}: "
                    f'{read.reason}, and the build stops with "Invalid date"',
                )
                continue
            elif ok(value):
                continue
            shown = _shown(value)
            if ok is _strings and isinstance(value, list):
                item = next(v for v in value if not isinstance(v, str))
                shown = f"a list holding {_shown(item)}"
            span = fm.keys[key]
            yield Violation(
                span.value_start, span.value_end, f"'{key}' must be {expected}, not {shown}"
            )
