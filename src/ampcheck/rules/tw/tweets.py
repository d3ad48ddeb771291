"""Tweets: Twitter's snowflake IDs, status URLs, and every tweet a post embeds.

Twitter's IDs (developer.twitter.com, "Twitter IDs"; github.com/twitter-archive/snowflake):
unsigned 64-bit integers below 2^63, written in decimal (at most 19 digits, no leading
zero). Since 2010-11-04 they are snowflakes whose top 41 bits are the milliseconds since
the Twitter epoch 1288834974657, so an ID tells when its tweet was created.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import NamedTuple

from ampcheck.document.html import Element
from ampcheck.document.liquid import LiquidTag
from ampcheck.document.post import Post

MAX_ID = 2**63 - 1
TWITTER_EPOCH_MS = 1288834974657
TIMESTAMP_SHIFT = 22  # 41 bits of time, then 10 bits of machine and 12 of sequence
# The IDs before snowflakes were a sequence that stayed below 3e10 (they decode to less
# than eight seconds after the epoch): only IDs from ten minutes after it have a time.
_FIRST_SNOWFLAKE_MS = 10 * 60 * 1000

_ID_RE = re.compile(r"[1-9][0-9]{0,18}")

# Status URLs: twitter.com, x.com, mobile./www. hosts, /status/ or /statuses/, the old
# #!/ form, i/web/status/ID, and any tail (/photo/1, ?s=20, ?ref_src=...).
STATUS_URL_RE = re.compile(
    r"""(?ix)
    (?:https?:)?(?://)?
    (?:(?:www|mobile|m)\.)?(?:twitter|x)\.com
    /(?:\#!/)?
    (?:i/web|[a-z0-9_]{1,15})
    /status(?:es)?/
    (?P<id>[^/?\#\s"'<>]+)
    (?P<tail>[/?\#][^\s"'<>]*)?
    """
)

# The date Twitter's embed code prints in its last link ("July 2, 2018"), in English.
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}  # fmt: skip
_DATE_RE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")

# Characters that creep into a pasted ID: white space, controls (a form feed), and
# invisible format characters (a zero-width space).
_STRAY_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp")


def is_valid_id(value: str) -> bool:
    """1-19 ASCII digits, no leading zero, at most 2^63-1."""
    return _ID_RE.fullmatch(value) is not None and int(value) <= MAX_ID


def id_problem(value: str | None) -> str | None:
    """Why ``value`` is not a tweet ID, or ``None`` when it is one."""
    if value is None:
        return "has no value"
    if is_valid_id(value):
        return None
    if value == "":
        return "is empty"
    stray = [c for c in value if unicodedata.category(c) in _STRAY_CATEGORIES]
    if stray:
        names = ", ".join(sorted({_char_name(c) for c in stray}))
        return f"{value!r} contains {names}"
    if STATUS_URL_RE.fullmatch(value.strip()):
        return f"{value!r} is a status URL, not an ID"
    if not value.isascii() or not value.isdigit():
        return f"{value!r} is not made of the digits 0-9"
    if value.startswith("0"):
        return f"{value!r} starts with a zero"
    return f"{value!r} is larger than a tweet ID can be (at most 19 digits, 2^63-1)"


_CONTROL_NAMES = {
    "\t": "a tab", "\n": "a line feed", "\v": "a vertical tab", "\f": "a form feed",
    "\r": "a carriage return", " ": "a space",
}  # fmt: skip


def _char_name(c: str) -> str:
    name = _CONTROL_NAMES.get(c) or "a " + unicodedata.name(c, "control character").lower()
    return f"{name} (U+{ord(c):04X})"


def recover_id(value: str) -> str | None:
    """The ID ``value`` certainly means, when it is not a clean ID: the digits once white
    space and control characters are removed, or the ID of a pasted status URL."""
    stripped = "".join(c for c in value if unicodedata.category(c) not in _STRAY_CATEGORIES)
    if is_valid_id(stripped):
        return stripped
    url_id = status_url_id(stripped)
    if url_id is not None and is_valid_id(url_id):
        return url_id
    return None


def status_url_id(url: str) -> str | None:
    """The ID part of a tweet's status URL (not checked), or ``None``."""
    m = STATUS_URL_RE.fullmatch(url.strip())
    return m.group("id") if m else None


def created_at(tweet_id: str) -> dt.datetime | None:
    """When the tweet was created (UTC), or ``None`` for IDs older than snowflakes."""
    if not is_valid_id(tweet_id):
        return None
    ms = int(tweet_id) >> TIMESTAMP_SHIFT
    if ms < _FIRST_SNOWFLAKE_MS:
        return None
    return dt.datetime.fromtimestamp((ms + TWITTER_EPOCH_MS) / 1000, dt.timezone.utc)


def printed_date(text: str) -> dt.date | None:
    """The date in a link text like ``July 2, 2018``, or ``None``."""
    m = _DATE_RE.search(text)
    if m is None:
        return None
    month = _MONTHS.get(m.group(1).lower())
    if month is None:
        return None
    try:
        return dt.date(int(m.group(3)), month, int(m.group(2)))
    except ValueError:
        return None


# -- the embeds of a post ------------------------------------------------------------------


class EmbedKind(enum.Enum):
    AMP = "amp-twitter"
    BLOCKQUOTE = "Twitter's embed code"
    LIQUID_TWITTER = "{% twitter %} tag"
    LIQUID_INCLUDE = "{% include tweet.html %}"


class Embed(NamedTuple):
    """One embedded tweet.

    ``start``/``end`` span the embed's start tag (or Liquid tag); ``value`` is the ID as
    written (decoded attribute value, URL's ID part, include parameter), spanning
    ``value_start``..``value_end`` in the text; ``tweet_id`` is the ID it certainly
    means (``None`` when it cannot be told).
    """

    kind: EmbedKind
    start: int
    end: int
    value: str | None
    value_start: int
    value_end: int
    tweet_id: str | None
    element: Element | None = None


# Includes that embed one tweet by ID, as themes and sites name them.
INCLUDE_NAMES = ("tweet.html",)
TWEET_CLASSES = ("twitter-tweet", "twitter-video")

_INCLUDE_ID_RE = re.compile(r"""\bid\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s%]+))""")
_URL_IN_MARKUP_RE = re.compile(r"""(?:https?:)?//\S+|(?:www\.|mobile\.)?(?:twitter|x)\.com/\S+""")


def embeds(post: Post) -> list[Embed]:
    """Every tweet embedded in the post, in text order (computed once per post)."""
    return post.memo("tweets.embeds", lambda p: sorted(_collect(p), key=lambda e: e.start))


def _collect(post: Post) -> Iterator[Embed]:
    for el in post.html.elements:
        if el.name == "amp-twitter":
            attr = el.get("data-tweetid")
            if attr is None:
                continue
            value = attr.value
            tweet_id = value if value is not None and is_valid_id(value) else None
            if tweet_id is None and value is not None:
                tweet_id = recover_id(value)
            yield Embed(
                EmbedKind.AMP, el.start, el.tag_end, value, attr.value_start, attr.value_end,
                tweet_id, el,
            )  # fmt: skip
        elif is_tweet_blockquote(el, post):
            link = status_link(el)
            if link is None:
                yield Embed(EmbedKind.BLOCKQUOTE, el.start, el.tag_end, None, el.start,
                            el.tag_end, None, el)  # fmt: skip
                continue
            href = link.get("href")
            assert href is not None and href.value is not None
            raw = status_url_id(href.value)
            tweet_id = raw if raw is not None and is_valid_id(raw) else None
            yield Embed(
                EmbedKind.BLOCKQUOTE, el.start, el.tag_end, raw, href.value_start,
                href.value_end, tweet_id, el,
            )  # fmt: skip
    for tag in post.liquid_tags:
        embed = _liquid_embed(post, tag)
        if embed is not None:
            yield embed


def is_tweet_blockquote(el: Element, post: Post | None = None) -> bool:
    """Twitter's own embed code (``blockquote.twitter-tweet``) standing outside any
    ``amp-twitter`` (inside one it is the placeholder). With the ``post`` it stands in,
    the answer for every element of a deep tree takes linear time."""
    if el.name != "blockquote":
        return False
    cls = el.get("class")
    if cls is None or cls.value is None:
        return False
    if not any(c in TWEET_CLASSES for c in cls.value.split()):
        return False
    if post is not None:
        return nearest_ancestor(post, el, "amp-twitter", _is_amp_twitter) is None
    return not any(a.name == "amp-twitter" for a in ancestors(el))


def _is_amp_twitter(name: str) -> bool:
    return name == "amp-twitter"


def ancestors(el: Element) -> Iterator[Element]:
    parent = el.parent
    while parent is not None:
        yield parent
        parent = parent.parent


def nearest_ancestor(
    post: Post, el: Element, key: str, test: Callable[[str], bool]
) -> Element | None:
    """The closest element around ``el`` whose name passes ``test`` (``key`` names the
    test), from a table of every element of the post made once: walking up from
    each element would take time quadratic in the depth of the tree."""
    table = post.memo(f"tweets.nearest_ancestor {key}", lambda p: _nearest_table(p, test))
    if el in table:
        return table[el]
    return next((a for a in ancestors(el) if test(a.name)), None)


def _nearest_table(post: Post, test: Callable[[str], bool]) -> dict[Element, Element | None]:
    table: dict[Element, Element | None] = {}
    for el in post.html.elements:  # in the order of their start tags: parents first
        parent = el.parent
        if parent is None:
            table[el] = None
        elif test(parent.name):
            table[el] = parent
        elif parent in table:
            table[el] = table[parent]
        else:
            table[el] = next((a for a in ancestors(parent) if test(a.name)), None)
    return table


def status_link(container: Element) -> Element | None:
    """The link to the tweet itself in Twitter's embed markup: the last ``<a>`` with a
    status URL among the container's direct children (the tweet's own text, in the
    ``<p>``, may link to other tweets)."""
    return container.memo("tweets.status_link", _status_link)


def _status_link(container: Element) -> Element | None:
    found: Element | None = None
    for child in container.children:
        if child.name != "a":
            continue
        href = child.get("href")
        if href is not None and href.value is not None and status_url_id(href.value):
            found = child
    return found


def placeholder_of(el: Element) -> Element | None:
    """The element's direct child with a ``placeholder`` attribute."""
    return el.memo("tweets.placeholder_of", _placeholder_of)


def _placeholder_of(el: Element) -> Element | None:
    for child in el.children:
        if child.has("placeholder"):
            return child
    return None


def inner_text(post: Post, el: Element) -> str:
    """The text content of an element (tags removed, entities decoded)."""
    raw = post.text[el.tag_end : el.content_end]
    return html.unescape(re.sub(r"<[^>]*>", "", raw))


def _liquid_embed(post: Post, tag: LiquidTag) -> Embed | None:
    if tag.is_output or tag.name is None:
        return None
    text = post.text[tag.start : tag.end]
    if tag.name == "twitter":
        # jekyll-twitter-plugin: {% twitter [oembed] URL [options] %}
        m = _URL_IN_MARKUP_RE.search(text)
        if m is None:
            return None
        url = m.group().rstrip("%}-").rstrip()
        sm = STATUS_URL_RE.fullmatch(url)
        if sm is None:
            return None  # a timeline, a list or a profile: not one tweet
        raw = sm.group("id")
        start = tag.start + m.start() + sm.start("id")
        tweet_id = raw if is_valid_id(raw) else recover_id(raw)
        return Embed(EmbedKind.LIQUID_TWITTER, tag.start, tag.end, raw, start,
                     start + len(raw), tweet_id)  # fmt: skip
    if tag.name == "include":
        parts = tag.markup.split(None, 1)
        if not parts or parts[0] not in INCLUDE_NAMES:
            return None
        im = _INCLUDE_ID_RE.search(text, text.find(parts[0]) + len(parts[0]))
        if im is None:
            return None
        group = next(g for g in ("dq", "sq", "bare") if im.group(g) is not None)
        raw = im.group(group)
        if group == "bare" and not raw[:1].isdigit():
            return None  # a Liquid variable: its value is not known here
        start = tag.start + im.start(group)
        tweet_id = raw if is_valid_id(raw) else recover_id(raw)
        return Embed(EmbedKind.LIQUID_INCLUDE, tag.start, tag.end, raw, start,
                     start + len(raw), tweet_id)  # fmt: skip
    return None
