"""Raw HTML judged by the AMP validator's tag specs (AMP004, AMP011, AMP012).

An HTML element of a post is valid AMP when one of its tag's specs in the validator's
table accepts it: the spec its dispatch keys select (``<form method="post">``), else
any spec without dispatch keys. The element's problems are those of the spec that
accepts it, or of the spec with the fewest problems (the validator reports the most
specific one the same way). Each problem has a kind, and each rule reports its own:

- ``tag`` (AMP004): an element where its tag may not stand, a mandatory attribute
  missing;
- ``url`` (AMP011): a URL attribute with a protocol the tag's spec does not allow
  (each candidate of a ``srcset``), or a relative URL where it must be absolute;
- ``attribute`` (AMP012): an attribute the tag's spec does not allow, or a value it
  does not allow.

Event handlers and ``style`` are AMP004's on every element; AMP components
(``amp-*``) are AMP001-AMP003's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from ampcheck.document.html import Attribute, Element
from ampcheck.document.post import Post
from ampcheck.rules.amp import components as amp
from ampcheck.rules.tw.tweets import nearest_ancestor

# Tags a post holds that are no part of the body's tag specs: AMP004 judges <script>
# and <style> itself; html, head and body are the layout's.
NOT_JUDGED = frozenset({"script", "style", "html", "head", "body"})
EVENT_HANDLER_RE = re.compile(r"^on[a-z]")
# kramdown reads and removes the markdown attribute (``<div markdown="1">``).
KRAMDOWN_ATTRIBUTES = frozenset({"markdown"})
LIQUID_RE = re.compile(r"\{\{|\{%")


class Problem(NamedTuple):
    kind: str
    start: int
    end: int
    message: str


def problems(post: Post, el: Element) -> tuple[Problem, ...]:
    """The element's problems as AMP HTML (once per element)."""
    return el.memo("amp.html_specs", lambda e: tuple(_problems(post, e)))


def specs(el: Element) -> tuple[amp.Component, ...] | None:
    """The tag specs that may judge the element, or ``None`` for a tag AMP does not
    know."""
    plain = _undispatched(el.name)
    if plain is not _DISPATCHED:
        return plain  # type: ignore[return-value]
    variants = amp.table().html_tags[el.name]
    keyed = [v for v in variants if v.dispatch and _selects(v, el)]
    return tuple(keyed or [v for v in variants if not v.dispatch] or variants)


_DISPATCHED = object()


@lru_cache(maxsize=512)
def _undispatched(name: str) -> tuple[amp.Component, ...] | object | None:
    """The tag specs of a tag whose specs do not depend on its attributes (most tags),
    ``None`` for a tag AMP does not know, or ``_DISPATCHED``."""
    variants = amp.table().html_tags.get(name)
    if not variants:
        return None
    if any(v.dispatch for v in variants):
        return _DISPATCHED
    return tuple(variants)


def _selects(spec: amp.Component, el: Element) -> bool:
    for name, value in spec.dispatch:
        attr = el.get(name)
        if attr is None or (value is not None and (attr.value or "").lower() != value.lower()):
            return False
    return True


def _problems(post: Post, el: Element) -> list[Problem]:
    if el.name in NOT_JUDGED or amp.is_amp_name(el.name) or in_head(post, el):
        return []
    candidates = specs(el)
    if candidates is None:
        return []  # AMP004 reports the tag itself
    best: tuple[int, list[Problem]] | None = None
    for spec in candidates:
        found = list(_placement(post, el, spec))
        misplaced = 1 if found else 0
        if not found:
            found = _own(el, spec)
        if not found:
            return []
        # a spec whose place fits is the one meant: its problems are the ones to say
        if best is None or (misplaced, len(found)) < (best[0], len(best[1])):
            best = (misplaced, found)
    return best[1] if best else []


def in_head(post: Post, el: Element) -> bool:
    """Whether the element stands in a ``<head>`` the post holds (a whole HTML
    document pasted into a page): the head is no part of the body AMP judges here."""
    if not post.memo("amp.has_head", _has_head):
        return False
    return nearest_ancestor(post, el, "head", _is_head) is not None


#: the problems of start tags already judged: (spec, tag, attribute text) -> problems
#: with offsets from the tag's start. Posts repeat the same tags (a tweet's placeholder,
#: a paragraph's lang and dir) thousands of times.
_OWN_SEEN: dict[tuple[int, str, int, str], list[Problem]] = {}
_OWN_SEEN_MAX = 20_000


def _own(el: Element, spec: amp.Component) -> list[Problem]:
    """The problems of the start tag itself (its attributes and their values) by
    ``spec``: they depend on the tag's text alone, so a tag seen before is not judged
    again."""
    key = (id(spec), el.name, el.attributes_at - el.start, el.raw_attributes)
    seen = _OWN_SEEN.get(key)
    if seen is None:
        found = list(_mandatory(el, spec)) + list(_attributes(el, spec))
        if len(_OWN_SEEN) >= _OWN_SEEN_MAX:
            _OWN_SEEN.clear()
        seen = _OWN_SEEN[key] = [
            p._replace(start=p.start - el.start, end=p.end - el.start) for p in found
        ]
    return [p._replace(start=p.start + el.start, end=p.end + el.start) for p in seen]


def _has_head(post: Post) -> bool:
    return next(post.html.find_all("head"), None) is not None


def _is_head(name: str) -> bool:
    return name == "head"


def _placement(post: Post, el: Element, spec: amp.Component) -> Iterator[Problem]:
    at = amp.tag_name_span(el)
    if spec.parent and " " not in spec.parent and spec.parent != "body":
        parent = el.parent.name if el.parent is not None else None
        if parent != spec.parent:
            yield Problem(
                "tag", *at, f"<{el.name}> is only allowed directly inside <{spec.parent}>"
            )
    if spec.ancestor and " " not in spec.ancestor and spec.ancestor != "body":
        wanted = spec.ancestor
        if nearest_ancestor(post, el, wanted, wanted.__eq__) is None:
            yield Problem("tag", *at, f"<{el.name}> is not allowed in AMP outside <{wanted}>")
    for name in spec.disallowed_ancestors:
        if nearest_ancestor(post, el, name, name.__eq__) is not None:
            yield Problem("tag", *at, f"<{el.name}> is not allowed in AMP inside <{name}>")


def _mandatory(el: Element, spec: amp.Component) -> Iterator[Problem]:
    at = amp.tag_name_span(el)
    what = _label(spec)
    for name, attr in spec.attributes.items():
        if attr.mandatory and not el.has(name):
            yield Problem("tag", *at, f"{what} needs the {name} attribute")
    for group in spec.any_of:
        if not any(el.has(name) for name in group.attributes):
            yield Problem("tag", *at, f"{what} needs a {' or a '.join(group.attributes)}")
    for group in spec.one_of:
        if sum(1 for name in group.attributes if el.has(name)) != 1:
            yield Problem("tag", *at, f"{what} needs exactly one of {', '.join(group.attributes)}")


def _label(spec: amp.Component) -> str:
    if spec.dispatch:
        shown = " ".join(f'{n}="{v}"' if v is not None else n for n, v in spec.dispatch)
        return f"<{spec.name} {shown}>"
    return f"<{spec.name}>"


def _attributes(el: Element, spec: amp.Component) -> Iterator[Problem]:
    table = amp.table()
    for attr in el.attributes:
        name = attr.name
        if EVENT_HANDLER_RE.match(name) or name == "style" or name in KRAMDOWN_ATTRIBUTES:
            continue
        if not _allowed(table, spec, name):
            yield Problem(
                "attribute", attr.start, attr.end, f"<{el.name}> has no attribute {name} in AMP"
            )
            continue
        value = spec.attributes.get(name) or table.global_values.get(name)
        if value is None or (attr.value is not None and LIQUID_RE.search(attr.value)):
            continue
        yield from _value(el, attr, value)
        missing = [
            n for n in value.required_with(attr.value) if not el.has(n) and not _implicit(spec, n)
        ]
        if missing:
            yield Problem(
                "attribute",
                attr.start,
                attr.end,
                f"{name} only works together with {' and '.join(missing)} in AMP",
            )


def _implicit(spec: amp.Component, name: str) -> bool:
    """Whether the tag has the attribute without writing it (a button's role)."""
    attr = spec.attributes.get(name)
    return attr is not None and attr.implicit


def _allowed(table: amp.ComponentTable, spec: amp.Component, name: str) -> bool:
    if name in spec.attributes or name in table.global_attributes:
        return True
    if name.startswith(table.prefixes):
        return True
    if name.startswith("[") and name.endswith("]"):
        return _allowed(table, spec, name[1:-1])
    return False


def _value(el: Element, attr: Attribute, spec: amp.AttributeSpec) -> Iterator[Problem]:
    text = attr.value or ""
    span = (attr.value_start, attr.value_end) if attr.value_start < attr.value_end else (
        attr.start, attr.end)  # fmt: skip
    if spec.url is not None:
        for url in srcset_urls(text) if attr.name == "srcset" else [text]:
            problem = url_problem(url, spec)
            if problem is not None:
                yield Problem("url", *span, f"{attr.name} of <{el.name}> {problem}")
        found = spec.disallowed.search(text) if spec.disallowed is not None else None
        if found is not None:
            yield Problem(
                "attribute", *span, f"{attr.name} contains {found.group(0)!r}, which AMP rejects"
            )
        return
    problem = spec.value_problem(attr.value)
    if problem is not None:
        shown = "" if attr.value is None else f"={attr.value!r}"
        where = "" if "AMP" in problem else " in AMP"
        yield Problem("attribute", *span, f"{attr.name}{shown} of <{el.name}> {problem}{where}")


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` as a browser reads them (WHATWG HTML, "parse a srcset
    attribute"): candidates split by commas, each a URL (up to white space; commas at
    its end end the candidate, so a ``data:`` URL keeps its own) and descriptors."""
    urls: list[str] = []
    pos, n = 0, len(value)
    while pos < n:
        while pos < n and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < n and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if not url:
            break
        if url.endswith(","):
            urls.append(url.rstrip(","))
            continue
        urls.append(url)
        depth = 0
        while pos < n and (value[pos] != "," or depth):  # descriptors, up to a comma
            depth += {"(": 1, ")": -1}.get(value[pos], 0)
            pos += 1
    return urls


def url_problem(url: str, spec: amp.AttributeSpec) -> str | None:
    """Why the URL is not allowed by the attribute's spec, or ``None``."""
    protocols = spec.url or ()
    if not url.strip():
        return None if spec.empty_url else "must not be empty"
    scheme = amp.url_scheme(url)
    if scheme is None:
        return None if spec.relative else f"must be an absolute URL ({_listed(protocols)})"
    if scheme in protocols:
        return None
    return f"must not be a {scheme}: URL ({_listed(protocols)})"


def _listed(protocols: tuple[str, ...]) -> str:
    return ", ".join(f"{p}:" for p in protocols)
