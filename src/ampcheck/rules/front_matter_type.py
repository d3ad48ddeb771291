"""FM004: a well-known front-matter field has a value of the wrong type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from ampcheck.jekyll import parse_date
from ampcheck.model import Violation
from ampcheck.post import Post
from ampcheck.rule import Rule


def _string(value: Any) -> bool:
    return isinstance(value, str)


def _strings(value: Any) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


def _date(value: Any) -> bool:
    if isinstance(value, (dt.date, dt.datetime)):
        return True
    return isinstance(value, str) and parse_date(value) is not None


def _boolean(value: Any) -> bool:
    return isinstance(value, bool)


#: field -> (check, what the field must be)
FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "title": (_string, "a string"),
    "layout": (_string, "a string"),
    "permalink": (_string, "a string"),
    "description": (_string, "a string"),
    "date": (_date, "a date: YYYY-MM-DD, optionally with HH:MM:SS and a +/-HHMM offset"),
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


def _default(post: Post, key: str) -> Any:
    """The value the site's ``defaults:`` give ``key`` for this post, if any."""
    if post.site is None or post.file is None:
        return None
    return post.site.defaults_for(post.file).get(key)


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
