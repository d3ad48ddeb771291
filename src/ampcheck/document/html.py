"""The HTML of a post: every element, end tag and comment outside code, wherever it
stands, nested as a browser would (void, raw-text and self-closed elements included)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from markdown_it.common import html_re

from ampcheck.document.liquid import KRAMDOWN_RE, LIQUID_OPEN_RE, LIQUID_RE

if TYPE_CHECKING:
    from ampcheck.document.post import Post

T = TypeVar("T")


# HTML tag grammar of CommonMark 0.31, section 6.6 (as markdown-it-py spells it), with
# groups so that every attribute gets its own span: a start tag (name, attrs, slash),
# an end tag (close), or the ``<!``/``<?`` that may start a comment, declaration,
# CDATA section or processing instruction.
# An attribute name may also be amp-bind's "[name]" (a browser's HTML parser takes it
# as an attribute; AMP pages use it on AMP elements).
_ATTR_NAME = r"(?:" + html_re.attr_name + r"|\[" + html_re.attr_name + r"\])"
_ATTRIBUTE = r"(?:\s+" + _ATTR_NAME + r"(?:\s*=\s*" + html_re.attr_value + r")?)"
_TAG_RE = re.compile(
    r"<(?:(?P<name>[A-Za-z][A-Za-z0-9\-]*)(?P<attrs>"
    + _ATTRIBUTE
    + r"*)\s*(?P<slash>/?)>|/(?P<close>[A-Za-z][A-Za-z0-9\-]*)\s*>|[!?])"
)


_ATTR_RE = re.compile(
    r"\s\s*(" + _ATTR_NAME + r")(?:\s*=\s*(" + html_re.attr_value + r"))?"
)  # groups: the name, the value


_OTHER_MARKUP_RE = re.compile(
    "(?:" + html_re.processing + "|" + html_re.declaration + "|" + html_re.cdata + ")"
)


# Elements whose content is raw text in HTML (WHATWG HTML, 13.1.2): no tags inside.
RAW_TEXT_ELEMENTS = frozenset({"script", "style", "textarea", "title"})


# WHATWG HTML, 13.1.2 "void elements": never have an end tag or children.
VOID_ELEMENTS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input",
        "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip


class Attribute(NamedTuple):
    """One attribute of a start tag.

    ``value`` is entity-decoded (``None`` when the attribute has no ``=``);
    ``value_start``/``value_end`` span the raw value without its quotes.
    (A named tuple: posts hold tens of thousands, and it is the quickest to make.)
    """

    name: str
    raw_name: str
    value: str | None
    raw_value: str | None
    start: int
    end: int
    value_start: int
    value_end: int


@dataclass(eq=False, slots=True)
class Element:
    """An HTML element found in the post, wherever it stands.

    ``start``..``tag_end`` is the start tag; ``close_start``..``end`` the end tag
    when there is one (else ``end == tag_end`` for void and self-closed elements, or
    the end of the text for an element never closed).
    """

    name: str
    start: int
    tag_end: int
    #: the raw attribute text of the start tag and its offset (parsed on first use)
    raw_attributes: str
    attributes_at: int
    self_closing: bool
    parent: Element | None
    children: list[Element] = field(default_factory=list)
    close_start: int | None = None
    end: int = -1
    closed: bool = False
    _attributes: tuple[Attribute, ...] | None = field(default=None, repr=False)
    #: the first attribute of each name (parsed with the attributes)
    _by_name: dict[str, Attribute] | None = field(default=None, repr=False)
    _lower: str | None = field(default=None, repr=False)
    _memo: dict[str, Any] | None = field(default=None, repr=False)

    def memo(self, key: str, compute: Callable[[Element], T]) -> T:
        """An analysis of this element several rules share, computed once
        (``compute(element)``), like :meth:`Post.memo`."""
        memo = self._memo
        if memo is None:
            memo = self._memo = {}
        elif key in memo:
            return memo[key]  # type: ignore[no-any-return]
        value = memo[key] = compute(self)
        return value

    @property
    def attributes(self) -> tuple[Attribute, ...]:
        if self._attributes is None:
            self._parse_attributes()
        return self._attributes  # type: ignore[return-value]

    def _parse_attributes(self) -> None:
        attrs = _attributes(self.raw_attributes, self.attributes_at)
        by_name: dict[str, Attribute] = {}
        for attr in attrs:
            by_name.setdefault(attr.name, attr)
        self._attributes, self._by_name = attrs, by_name

    @property
    def lowered_attributes(self) -> str:
        """The raw attribute text in lower case: a quick test for what may be there."""
        lower = self._lower
        if lower is None:
            lower = self._lower = self.raw_attributes.lower()
        return lower

    def get(self, name: str) -> Attribute | None:
        """The first attribute called ``name`` (in any case), as browsers read it."""
        by_name = self._by_name
        if by_name is None:
            if name.lower() not in self.lowered_attributes:
                return None  # not there: no need to parse the attributes
            self._parse_attributes()
            by_name = self._by_name
            assert by_name is not None
        attr = by_name.get(name)
        if attr is None and not name.islower():
            attr = by_name.get(name.lower())
        return attr

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def iter(self) -> Iterator[Element]:
        """This element and all its descendants, in document order."""
        stack = [self]
        while stack:
            el = stack.pop()
            yield el
            stack.extend(reversed(el.children))

    @property
    def content_end(self) -> int:
        return self.close_start if self.close_start is not None else self.end


class Comment(NamedTuple):
    start: int
    end: int
    content: str


@dataclass(slots=True)
class HtmlDocument:
    """The HTML of a post: top-level elements, all elements in order, comments."""

    roots: list[Element]
    elements: list[Element]
    comments: list[Comment]
    stray_end_tags: list[tuple[str, int, int]]
    _by_name: dict[str, list[Element]] | None = field(default=None, repr=False)

    def find_all(self, name: str) -> Iterator[Element]:
        """The elements called ``name`` (in any case), in document order."""
        by_name = self._by_name
        if by_name is None:
            by_name = self._by_name = {}
            for el in self.elements:
                found = by_name.get(el.name)
                if found is None:
                    by_name[el.name] = [el]
                else:
                    found.append(el)
        return iter(by_name.get(name.lower(), ()))


def _attributes(raw: str, base: int) -> tuple[Attribute, ...]:
    attrs: list[Attribute] = []
    add = attrs.append
    unescape = html.unescape
    for m in _ATTR_RE.finditer(raw):
        raw_name, raw_value = m.groups()
        start = base + m.start(1)
        end = base + m.end()
        if raw_value is None:
            add(Attribute(raw_name.lower(), raw_name, None, None, start, end, end, end))
            continue
        v_start = base + m.start(2)
        if raw_value[0] in "'\"":
            raw_value = raw_value[1:-1]
            v_start += 1
        value = unescape(raw_value) if "&" in raw_value else raw_value
        add(
            Attribute(
                raw_name.lower(),
                raw_name,
                value,
                raw_value,
                start,
                end,
                v_start,
                v_start + len(raw_value),
            )
        )
    return tuple(attrs)


def scan_html(post: Post) -> HtmlDocument:
    """Find every HTML element, end tag and comment outside code, wherever it stands
    (HTML blocks, inline HTML in paragraphs, list items), and nest them."""
    text = post.text
    scan = _Scan(text)
    if "<" not in text:
        return scan.document()
    regions = post.code_regions
    region_i = 0
    n_regions = len(regions)
    pos = post.body_start
    search = _TAG_RE.search
    spans = post.span_text
    span_i = 0
    n_spans = len(spans)
    while (m := search(text, pos)) is not None:
        lt = m.start()
        if n_regions:
            while region_i < n_regions and regions[region_i][1] <= lt:
                region_i += 1
            if region_i < n_regions and regions[region_i][0] <= lt:
                pos = regions[region_i][1]
                continue
        if n_spans:
            while span_i < n_spans and spans[span_i][1] <= lt:
                span_i += 1
            if (
                span_i < n_spans
                and spans[span_i][0] <= lt
                and _literal_in_text(text, lt, m.group("name") or m.group("close"))
            ):
                pos = lt + 1
                continue
        pos = scan.take(m)
    return scan.document()


class _Scan:
    """The HTML found so far: elements (open ones on ``stack``), comments, end tags
    that close nothing."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.roots: list[Element] = []
        self.elements: list[Element] = []
        self.comments: list[Comment] = []
        self.stray: list[tuple[str, int, int]] = []
        self.stack: list[Element] = []
        self.closers = _Closers(text)

    def take(self, m: re.Match[str]) -> int:
        """Take the markup that ``m`` (of _TAG_RE) found; return where the scan goes on."""
        text, stack = self.text, self.stack
        lt = m.start()
        name, attrs, slash, close = m.group("name", "attrs", "slash", "close")
        if name is not None:
            el = Element(name.lower(), lt, m.end(), attrs, m.start("attrs"), bool(slash), None)
            pos = _opened(text, el, stack, self.roots)
            self.elements.append(el)
            return pos
        if close is not None:
            pos = m.end()
            close = close.lower()
            if stack and stack[-1].name == close:  # the usual case: closes the last opened
                el = stack.pop()
                el.close_start, el.end, el.closed = lt, pos, True
            else:
                _close(stack, self.stray, close, lt, pos)
            return pos
        if text.startswith("<!--", lt) and (end := _comment_end(text, lt, self.closers)) != -1:
            self.comments.append(Comment(lt, end, text[lt + 4 : end - 3] if end - lt >= 7 else ""))
            return end
        # <! or <? (a declaration, CDATA, a processing instruction) or an unclosed <!--
        om = _other_markup(text, lt, self.closers)
        return om.end() if om is not None else lt + 1

    def document(self) -> HtmlDocument:
        for unclosed in self.stack:
            unclosed.end = len(self.text)
        return HtmlDocument(self.roots, self.elements, self.comments, self.stray)


def _opened(text: str, el: Element, stack: list[Element], roots: list[Element]) -> int:
    """Place a start tag's element in the tree: a void, self-closed or raw-text element
    is closed at once (raw text at its end tag), any other stays open on ``stack``;
    where the scan goes on."""
    parent = stack[-1] if stack else None
    el.parent = parent
    (parent.children if parent is not None else roots).append(el)
    name, pos = el.name, el.tag_end
    if el.self_closing or name in VOID_ELEMENTS:
        el.end = pos
        el.closed = True
    elif name in RAW_TEXT_ELEMENTS:
        end_tag = re.compile(r"</" + name + r"\s*>", re.IGNORECASE).search(text, pos)
        if end_tag is None:
            el.end = len(text)
        else:
            el.close_start, el.end, el.closed = end_tag.start(), end_tag.end(), True
        return el.end
    else:
        stack.append(el)
    return pos


def _literal_in_text(text: str, lt: int, name: str | None) -> bool:
    """A ``<`` in kramdown's inline text that prints as itself: escaped with a
    backslash (``\\<amp-youtube>``), or opening a block-level tag (``<iframe>s``
    in a sentence), which kramdown's inline parser leaves as text."""
    backslashes = 0
    at = lt - 1
    while at >= 0 and text[at] == "\\":
        backslashes += 1
        at -= 1
    if backslashes % 2:
        return True
    from ampcheck.document.kramdown import BLOCK_ELEMENTS

    return name is not None and name.lower() in BLOCK_ELEMENTS


class _Closers:
    """``str.find`` for the string that closes a construct (``-->``, ``%}``), which
    remembers where none is left: many unclosed openers then cost linear time, where a
    regex with ``.*?`` would scan to the end of the text from each (quadratic)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._none_from: dict[str, int] = {}
        # the last search of each closer: (from, found); searches from further on
        # that still come before ``found`` find it again without scanning
        self._last: dict[str, tuple[int, int]] = {}

    def find(self, closer: str, start: int) -> int:
        none_from = self._none_from.get(closer)
        if none_from is not None and start >= none_from:
            return -1
        last = self._last.get(closer)
        if last is not None and last[0] <= start <= last[1]:
            return last[1]
        found = self.text.find(closer, start)
        if found == -1:
            self._none_from[closer] = start
        else:
            self._last[closer] = (start, found)
        return found


def _comment_end(text: str, lt: int, closers: _Closers) -> int:
    """Where the comment opened by ``<!--`` at ``lt`` ends, or -1 when it is not
    closed: HTML and CommonMark 0.31 (section 6.6) end it at the first ``-->``, with
    ``<!-->`` and ``<!--->`` as empty comments. (CommonMark 0.30's regex read
    ``<!-- a ---> b -->`` as one comment, and took quadratic time on many ``--->``.)"""
    if text.startswith("<!-->", lt):
        return lt + 5
    if text.startswith("<!--->", lt):
        return lt + 6
    close = closers.find("-->", lt + 4)
    return close + 3 if close != -1 else -1


def _other_markup(text: str, lt: int, closers: _Closers) -> re.Match[str] | None:
    """A processing instruction, declaration or CDATA section at ``lt``, matched only
    up to the first string that can close it (see :class:`_Closers`)."""
    if text.startswith("<?", lt):
        closer, start = "?>", lt + 2
    elif text.startswith("<![CDATA[", lt):
        closer, start = "]]>", lt + 9
    elif text[lt + 2 : lt + 3].isascii() and text[lt + 2 : lt + 3].isalpha():
        closer, start = ">", lt + 2  # a declaration: <!DOCTYPE ...>
    else:
        return None  # nothing can start here: do not look for a closer
    end = closers.find(closer, start)
    if end == -1:
        return None
    return _OTHER_MARKUP_RE.match(text, lt, end + len(closer))


def _close(
    stack: list[Element], stray: list[tuple[str, int, int]], name: str, start: int, end: int
) -> None:
    """An end tag closes the innermost open element of its name (and any left open
    inside it); with no such element it is a stray end tag."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].name == name:
            for unclosed in stack[depth + 1 :]:
                unclosed.end = start
            el = stack[depth]
            el.close_start, el.end, el.closed = start, end, True
            del stack[depth:]
            return
    stray.append((name, start, end))


def liquid_matches(text: str, pos: int) -> Iterator[re.Match[str]]:
    """What ``LIQUID_RE.finditer(text, pos)`` finds, in linear time: each match is
    searched for only up to the first closer after its opener (where the lazy regex
    ends anyway)."""
    closers = _Closers(text)
    while True:
        opener = LIQUID_OPEN_RE.search(text, pos)
        if opener is None:
            return
        start = opener.start()
        closer = "%}" if opener.group() == "{%" else "}}"
        end = closers.find(closer, start + 2)
        m = LIQUID_RE.match(text, start, end + 2) if end != -1 else None
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = m.end()


def kramdown_matches(text: str, pos: int) -> Iterator[re.Match[str]]:
    """What ``KRAMDOWN_RE.finditer(text, pos)`` finds, in linear time: a list ends
    at the first ``}``, and only if no line ends before it."""
    closers = _Closers(text)
    while True:
        start = text.find("{:", pos)
        if start == -1:
            return
        close = closers.find("}", start + 2)
        if close == -1:
            return
        newline = closers.find("\n", start)
        m = KRAMDOWN_RE.match(text, start, close + 1) if not -1 < newline < close else None
        if m is None:
            pos = start + 1
            continue
        yield m
        pos = m.end()
