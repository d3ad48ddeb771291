"""The block structure of a post as kramdown reads it (Jekyll's default converter).

Jekyll 4 renders Markdown with kramdown 2.4 and, unless ``_config.yml`` says otherwise,
its GFM parser (``kramdown: input: GFM``). kramdown does not follow CommonMark:

- an ATX header starts in column 1 (``   ## Title`` is paragraph text) and, with GFM
  input, needs a blank after its ``#`` run (``#Title`` is text too);
- a setext header is one line of text right after a block boundary;
- an HTML block stays raw up to the end tag that matches its start tag, over blank
  lines (an unclosed ``<div>`` takes in the rest of the post), and block-level tags
  inside a paragraph (``<iframe>s``) are printed as text;
- an indented code block goes on over lines that are not indented ("lazy" lines);
- a fenced block's fence may be indented by up to three spaces wherever it stands;
- list items, block quotes and definitions hold blocks parsed the same way;
- ``{::comment}``, ``{::nomarkdown}`` and other extensions, attribute lists,
  end-of-block markers (``^``), link, footnote and abbreviation definitions and
  ``$$`` math blocks are blocks of their own.

This module reads those rules from kramdown's syntax and parser (its block parsers are
tried in the same order, on the same line patterns) and gives each block its lines in
the file. Liquid runs before kramdown: :func:`liquid_neutral` turns the Liquid that
prints nothing into blank space and ``{% highlight %}`` blocks into the HTML block
they become, keeping every offset, so that kramdown's view can be computed on the
post's own text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple, Protocol

_WS = " \t\n\r\f\v"
_S = r"[^ \t\n\r\f\v]"
_OPT_SPACE = " {0,3}"

# kramdown's HTML name (REXML's UNAME_STR, with Unicode letters read as \w)
_NAME = r"(?:[^\W\d][\w.\-\u00b7]*:)?[^\W\d][\w.\-\u00b7]*"

#: kramdown's HTML_SPAN_ELEMENTS: a start tag of these in column 1 starts a paragraph
SPAN_ELEMENTS = frozenset({
    "a", "abbr", "acronym", "b", "big", "bdo", "br", "button", "cite", "code", "del", "dfn",
    "em", "i", "img", "input", "ins", "kbd", "label", "mark", "option", "q", "rb", "rbc",
    "rp", "rt", "rtc", "ruby", "samp", "select", "small", "span", "strong", "sub", "sup",
    "tt", "u", "var",
})  # fmt: skip
#: kramdown's HTML_BLOCK_ELEMENTS: in a paragraph, their tags are text
BLOCK_ELEMENTS = frozenset({
    "address", "article", "aside", "applet", "body", "blockquote", "caption", "col",
    "colgroup", "dd", "div", "dl", "dt", "fieldset", "figcaption", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "head", "iframe",
    "legend", "menu", "li", "main", "map", "nav", "ol", "optgroup", "p", "pre", "section",
    "summary", "table", "tbody", "td", "th", "thead", "tfoot", "tr", "ul",
})  # fmt: skip
_VOID = frozenset({
    "area", "base", "br", "col", "command", "embed", "hr", "img", "input", "keygen", "link",
    "meta", "param", "source", "track", "wbr",
})  # fmt: skip
_CONTENT_BLOCK = frozenset({
    "address", "applet", "article", "aside", "blockquote", "body", "dd", "details", "div",
    "dl", "fieldset", "figure", "figcaption", "footer", "form", "header", "hgroup",
    "iframe", "li", "main", "map", "menu", "nav", "noscript", "object", "section",
    "summary", "td",
})  # fmt: skip
_CONTENT_SPAN = frozenset({
    "a", "abbr", "acronym", "b", "bdo", "big", "button", "cite", "caption", "del", "dfn",
    "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "ins", "label", "legend",
    "optgroup", "p", "q", "rb", "rbc", "rp", "rt", "rtc", "ruby", "select", "small", "span",
    "strong", "sub", "sup", "th", "tt",
})  # fmt: skip
_KNOWN_HTML = SPAN_ELEMENTS | BLOCK_ELEMENTS | _VOID | _CONTENT_BLOCK | _CONTENT_SPAN | {
    "script", "style", "math", "option", "textarea", "pre", "code", "kbd", "samp", "var"
}  # fmt: skip


def _content_model(name: str) -> str:
    if name in _CONTENT_BLOCK:
        return "block"
    if name in _CONTENT_SPAN:
        return "span"
    return "raw"


_LAZY_SPAN = "|".join(sorted(SPAN_ELEMENTS | {"script"}))
_BLANK_LINE = r"(?:^[ \t\n\r\f\v]*\n)+"
_EOB_MARKER = r"^\^[ \t\n\r\f\v]*?\n"
_ALD_ANY = r"(?:\\\}|[^}])"
_IAL_BLOCK = r"\{:(?!:|/)" + _ALD_ANY + r"+\}[ \t\n\r\f\v]*?\n"
_IAL_BLOCK_START = "^" + _OPT_SPACE + _IAL_BLOCK
_LAZY_HTML_STOP = r"</(?!(?:" + _LAZY_SPAN + r")\b)" + _NAME + r"[ \t\n\r\f\v]*>"
_LAZY_HTML_START = r"<(?!(?:" + _LAZY_SPAN + r")\b)" + _NAME
_END = r"(?=\n?\Z)"  # Ruby's \Z: the end, or before a last newline
_LAZY_END = (
    f"{_BLANK_LINE}|{_IAL_BLOCK_START}|{_EOB_MARKER}|^{_OPT_SPACE}{_LAZY_HTML_STOP}"
    f"|^{_OPT_SPACE}{_LAZY_HTML_START}|{_END}"
)
_PATTERN_TAIL = r"[\t| ].*?\n"
_DL_START = f"^({_OPT_SPACE}:)({_PATTERN_TAIL})"
_UL_START = f"^({_OPT_SPACE}[+*-])({_PATTERN_TAIL})"
_OL_START = rf"^({_OPT_SPACE}\d+\.)({_PATTERN_TAIL})"
_LIST_START = f"{_UL_START}|{_OL_START}"
_ATX_GFM = r"^(?P<level>#{1,6})[\t ]+(?P<contents>.*)\n"
_BLOCKQUOTE_START = f"^{_OPT_SPACE}> ?"
_FENCE_GFM_START = f"^{_OPT_SPACE}[~`]{{3,}}"

_M = re.MULTILINE


def _at(pattern: str, flags: int = _M) -> re.Pattern[str]:
    """A pattern of kramdown's for matching at a position: kramdown's string scanner
    reads ``^`` as "here" too, also in the middle of a line (what follows an HTML
    element on its line is parsed as blocks)."""
    return re.compile(re.sub(r"(\A|\|)\^", r"\1", pattern), flags)


BLANK_LINE_RE = re.compile(r"[ \t\n\r\f\v]*\n")  # (?:^\s*\n)+ read from a position
EOB_RE = _at(_EOB_MARKER, _M)
LAZY_END_RE = re.compile(_LAZY_END, _M)
PARAGRAPH_END_RE = re.compile(f"{_LAZY_END}|{_DL_START}", _M)
PARAGRAPH_END_GFM_RE = re.compile(
    f"{_LAZY_END}|{_LIST_START}|{_ATX_GFM}|{_DL_START}|{_BLOCKQUOTE_START}|{_FENCE_GFM_START}",
    _M,
)
PARAGRAPH_START_RE = _at(f"^{_OPT_SPACE}[^ \t].*?\n", _M)
LINE_RE = _at(r"^.*?\n", _M)
INDENT_RE = re.compile(r"^(?:\t| {4})", _M)
CODE_LINE_RE = re.compile(r"^(?:\t| {4})[ \t]*" + _S + r".*\n", _M)
NONBLANK_LINE_RE = re.compile(r"^[ \t]*" + _S + r".*\n", _M)
CODE_LAZY_STOP_RE = re.compile(
    f"{_IAL_BLOCK_START}|{_EOB_MARKER}|^{_OPT_SPACE}{_LAZY_HTML_STOP}|^{_OPT_SPACE}{_LAZY_HTML_START}",
    _M,
)
FENCE_START_RE = _at(r"^~{3,}", _M)
FENCE_RE = _at(
    r"^((~){3,})[ \t\n\r\f\v]*?((" + _S + r"+?)(?:\?" + _S + r"*)?)?[ \t\n\r\f\v]*?\n(.*?)"
    r"^\1\2*[ \t\n\r\f\v]*?\n",
    _M | re.DOTALL,
)
FENCE_GFM_START_RE = _at(_FENCE_GFM_START, _M)
FENCE_GFM_RE = _at(
    r"^ {0,3}(([~`]){3,})[ \t\n\r\f\v]*?((" + _S + r"+?)(?:\?" + _S + r"*)?)?"
    r"[ \t\n\r\f\v]*?\n(.*?)^ {0,3}\1\2*[ \t\n\r\f\v]*?\n",
    _M | re.DOTALL,
)
BLOCKQUOTE_START_RE = _at(_BLOCKQUOTE_START, _M)
ATX_RE = _at(r"^(?P<level>#{1,6})[\t ]*(?P<contents>[^ \t].*)\n", _M)
ATX_GFM_RE = _at(_ATX_GFM, _M)
HR_RE = _at(r"^ {0,3}(\*|-|_)[ \t]*\1[ \t]*\1(\1|[ \t])*\n", _M)
UL_START_RE = _at(_UL_START, _M)
OL_START_RE = _at(_OL_START, _M)
LIST_START_RE = _at(_LIST_START, _M)
DL_START_RE = _at(_DL_START, _M)
SETEXT_RE = _at(f"^{_OPT_SPACE}(?P<contents>[^ \t].*)\n(?P<level>[-=])[-=]*[ \t\r\f\v]*\n", _M)
HTML_BLOCK_START_RE = _at(f"^{_OPT_SPACE}<({_NAME}|!--|/)", _M)
# kramdown's attributes are an atomic group: a quoted value ends at its first closing
# quote, and is never stretched over the next attributes to make the tag match.
HTML_TAG_RE = re.compile(
    r"<(" + _NAME + r")[ \t\n\r\f\v]*((?:[ \t\n\r\f\v]+" + _NAME
    + r"(?:[ \t\n\r\f\v]*=[ \t\n\r\f\v]*(?:\w+|(\"|')(?:(?!\3).)*\3))?)*)[ \t\n\r\f\v]*(/)?>",
    re.DOTALL,
)  # fmt: skip
HTML_TAG_CLOSE_RE = re.compile(r"</(" + _NAME + r")[ \t\n\r\f\v]*>", re.DOTALL)
# what kramdown's raw HTML parser stops at, in the order it tries them: a comment or
# processing instruction opener, an end tag, a start tag (HTML_TAG_RE's grammar)
_RAW_TAG_RE = re.compile(
    r"<(?:(?P<comment>!--)|(?P<pi>\?)|/(?P<cname>" + _NAME + r")[ \t\n\r\f\v]*>(?P<close>)"
    r"|(?P<name>" + _NAME + r")[ \t\n\r\f\v]*(?:[ \t\n\r\f\v]+" + _NAME
    + r"(?:[ \t\n\r\f\v]*=[ \t\n\r\f\v]*(?:\w+|(?P<q>\"|')(?:(?!(?P=q)).)*(?P=q)))?)*"
    r"[ \t\n\r\f\v]*(?P<slash>/)?>(?P<start>))",
    re.DOTALL,
)  # fmt: skip
_RAW_NAME = _RAW_TAG_RE.groupindex["name"]
_RAW_SLASH = _RAW_TAG_RE.groupindex["slash"]
_RAW_CNAME = _RAW_TAG_RE.groupindex["cname"]
HTML_ATTR_RE = re.compile(
    r"[ \t\n\r\f\v]*(" + _NAME + r")(?:[ \t\n\r\f\v]*=[ \t\n\r\f\v]*(?:(\w+)|(\"|')(.*?)\3))?",
    re.DOTALL,
)
TRAILING_WS_RE = re.compile(r"[ \t]*\n")
BLOCK_EXT_START_RE = _at(f"^{_OPT_SPACE}\\{{:", _M)
ALD_START_RE = _at(f"^{_OPT_SPACE}\\{{:(\\w[\\w-]*):({_ALD_ANY}+)\\}}[ \t\n\r\f\v]*?\n", _M)
_EXT_START = r"\{::(\w+)(?:[ \t\n\r\f\v](" + _ALD_ANY + r"*?)|)(/)?\}"
EXT_BLOCK_START_RE = _at(
    f"^{_OPT_SPACE}(?:{_EXT_START}|\\{{:/(\\w[\\w-]*)?\\}})[ \t\n\r\f\v]*?\n", _M
)
IAL_BLOCK_START_RE = _at(_IAL_BLOCK_START, _M)
LINK_DEF_RE = _at(
    f"^{_OPT_SPACE}\\[([^\n\\]]+)\\]:[ \t]*(?:<(.*?)>|([^\n]*?{_S}[^\n]*?))"
    r"(?:(?:[ \t]*?\n|[ \t]+?)[ \t]*?([\"'])(.+?)\4)?[ \t]*?\n",
    _M,
)
FOOTNOTE_DEF_START_RE = _at(f"^{_OPT_SPACE}\\[\\^(\\w[\\w-]*)\\]:", _M)
ABBREV_DEF_RE = _at(f"^{_OPT_SPACE}\\*\\[(.+?)\\]:(.*?)\n", _M)
BLOCK_MATH_RE = _at(f"^{_OPT_SPACE}(\\\\)?\\$\\$(.*?)\\$\\$([ \t\n\r\f\v]*?\n)?", _M | re.DOTALL)
TABLE_START_RE = _at(f"^{_OPT_SPACE}(?=\\S)(?:\\||.*?[^\\\\\n]\\|).*?\n", _M)
TABLE_LINE_RE = re.compile(r"(?:\||.*?[^\\\n]\|).*?\n", _M)
HEADER_ID_RE = re.compile(r"[\t ]\{#(?P<id>[A-Za-z_:][\w.:\-\u00b7]*)\}\Z")

_EXTENSIONS = frozenset({"comment", "nomarkdown", "options"})
#: a start tag's ``markdown`` attribute, as kramdown reads it
_MARKDOWN_ATTR = {"0": "raw", "1": "default", "span": "span", "block": "block"}

# Nesting deeper than this (block quotes in block quotes, lists in lists) is read as
# paragraph text: kramdown recurses without a limit, ampcheck must stay bounded.
MAX_DEPTH = 20


class Options(NamedTuple):
    """The kramdown options of a site that change the block structure."""

    gfm: bool = True  #: ``input: GFM`` (Jekyll's default) rather than ``kramdown``
    paragraph_end: bool = True  #: GFM's ``gfm_quirks: paragraph_end`` (the default)
    parse_block_html: bool = False


def site_options(config: dict[str, object]) -> Options:
    """The kramdown options of a site's ``_config.yml`` (Jekyll's defaults where it
    says nothing: GFM input with its ``paragraph_end`` quirk, no block HTML parsing)."""
    settings = config.get("kramdown")
    if not isinstance(settings, dict):
        return Options()
    input_ = settings.get("input", "GFM")
    gfm = not (isinstance(input_, str) and input_.lower() == "kramdown")
    quirks = settings.get("gfm_quirks", ["paragraph_end"])
    if isinstance(quirks, str):
        quirks = [q.strip() for q in quirks.split(",")]
    paragraph_end = isinstance(quirks, list) and "paragraph_end" in [str(q) for q in quirks]
    return Options(
        gfm=gfm,
        paragraph_end=paragraph_end,
        parse_block_html=settings.get("parse_block_html") is True,
    )


class Block(NamedTuple):
    """One block: ``type`` is kramdown's element type (``header``, ``p``,
    ``codeblock``, ``html_element``, ``xml_comment``, ``blockquote``, ``ul``, ``li``,
    ``table``, ``hr``, ``math``, ``extension``, ...). ``start``/``end`` are offsets
    in the parsed text (``end`` after the block's last line break), ``line`` its
    0-based first line; ``depth`` counts the containers around it. A header has its
    ``level``, its ``content`` (without a header ID) and ``markup`` (``#``, ``=``,
    ``-``); a code block its fence in ``markup`` and language in ``info``; an HTML
    element its name in ``info`` and how its content is read in ``markup``
    (``raw``, ``block``, ``span``); an extension its name in ``info``."""

    type: str
    start: int
    end: int
    depth: int
    level: int = 0
    content: str = ""
    markup: str = ""
    info: str = ""
    header_id: str | None = None


class Document(NamedTuple):
    """The blocks of a text in document order (containers before their content),
    the spans of it that kramdown reads as inline text (paragraphs, headers, table
    rows, definition terms), where code spans, escapes and inline HTML are, and the
    options it was read with."""

    blocks: list[Block]
    span_text: list[tuple[int, int]]
    #: the options it was read with
    options: Options


class _Source:
    """A text being parsed and where its characters stand in the original text:
    ``origin[i]`` is the original offset of the first character of line ``i`` (after
    the container markers and indentation taken off its front); a character further on
    the line is as far from it as in the original."""

    __slots__ = ("line_starts", "origin", "text")

    def __init__(self, text: str, origin: list[int]) -> None:
        self.text = text
        self.origin = origin
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self.line_starts = starts

    def line_of(self, pos: int) -> int:
        import bisect

        return bisect.bisect_right(self.line_starts, pos) - 1

    def to_origin(self, pos: int) -> int:
        """The original offset of position ``pos`` (the end of the text maps to the
        end of its last line in the original)."""
        if pos >= len(self.text):
            if not self.text:
                return self.origin[0] if self.origin else 0
            # the end: just after the last character of the last line
            line = self.line_of(len(self.text) - 1)
            return self.origin[line] + (len(self.text) - self.line_starts[line])
        line = self.line_of(pos)
        return self.origin[line] + (pos - self.line_starts[line])


def parse(text: str, options: Options | None = None, base: int = 0) -> Document:
    """The blocks of ``text`` (kramdown's source: Jekyll gives it the post's body
    after Liquid), with offsets shifted by ``base``."""
    source = text if text.endswith("\n") else text + "\n"
    starts = [0]
    find = source.find
    pos = find("\n")
    while pos != -1 and pos + 1 < len(source):
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    origin = [base + s for s in starts]
    parser = _Parser(options if options is not None else Options())
    parser.parse_blocks(_Source(source, origin), 0, None)
    return Document(parser.blocks, parser.span_text, parser.options)


class _Parser:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.blocks: list[Block] = []
        self.span_text: list[tuple[int, int]] = []
        self._none_from: dict[tuple[str, int], int] = {}
        self._no_stop: dict[tuple[str, int], tuple[int, str]] = {}
        if options.gfm:
            self.fence_start, self.fence = FENCE_GFM_START_RE, FENCE_GFM_RE
            self.paragraph_end = PARAGRAPH_END_GFM_RE if options.paragraph_end else PARAGRAPH_END_RE
        else:
            self.fence_start, self.fence = FENCE_START_RE, FENCE_RE
            self.paragraph_end = PARAGRAPH_END_RE

    # -- helpers -------------------------------------------------------------

    def _find(self, closer: str, text: str, start: int) -> int:
        """``text.find(closer, start)``, remembering where none is left, so that many
        unclosed openers cost linear time."""
        none_from = self._none_from.get((closer, id(text)))
        if none_from is not None and start >= none_from:
            return -1
        found = text.find(closer, start)
        if found == -1:
            self._none_from[(closer, id(text))] = start
        return found

    def _stop_tag(self, name: str, text: str, start: int) -> re.Match[str] | None:
        """The stop tag of the block extension ``name`` after ``start``, remembering
        where none is left, so that many unclosed start tags cost linear time."""
        key = ("{:/" + name, id(text))
        known = self._no_stop.get(key)
        if known is not None and known[1] is text and start >= known[0]:
            return None
        close = _stop_tag_re(name).search(text, start)
        if close is None:
            # the text is kept with the entry: its id cannot name another text meanwhile
            self._no_stop[key] = (start, text)
        return close

    def _add(
        self, src: _Source, type_: str, start: int, end: int, depth: int, **kw: object
    ) -> None:
        self.blocks.append(
            Block(type_, src.to_origin(start), src.to_origin(end), depth, **kw)  # type: ignore[arg-type]
        )

    def _text(self, src: _Source, start: int, end: int) -> None:
        a, b = src.to_origin(start), src.to_origin(end)
        spans = self.span_text
        if spans and spans[-1][1] >= a:
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
        else:
            spans.append((a, b))

    # -- the block loop ------------------------------------------------------

    def parse_blocks(self, src: _Source, pos: int, stop_tag: str | None, depth: int = 0) -> int:
        """Parse blocks from ``pos`` to the end of ``src`` (or, inside an HTML
        element parsed as blocks, to its end tag ``stop_tag``); return where it ended."""
        text = src.text
        n = len(text)
        # last: the type of the previous block at this level (for "after a block boundary")
        state = _State()
        while pos < n:
            new = self._block(src, pos, depth, state, stop_tag)
            if new < 0:  # the end tag of the enclosing element
                return -new - 1
            pos = new
        return pos

    def _block(self, src: _Source, pos: int, depth: int, st: _State, stop_tag: str | None) -> int:
        """One block at ``pos``, by the first of kramdown's parsers (in its order, each
        behind a cheap test) that takes it; where it ends (negative: see parse_blocks)."""
        text = src.text
        ch = text[pos]
        if m := BLANK_LINE_RE.match(text, pos):
            st.single_blank_after_p = st.last == "p" and m.group(0) == "\n"
            return self._took(st, "blank", m.end())
        if (ch == "\t" or text.startswith("    ", pos)) and (
            end := self._codeblock(text, pos)
        ) > pos:
            self._add(src, "codeblock", pos, end, depth)
            return self._took(st, "codeblock", end)
        if self.fence_start.match(text, pos) and (m := self.fence.match(text, pos)):
            self._add(
                src, "codeblock", pos, m.end(), depth, markup=m.group(1), info=m.group(3) or ""
            )
            return self._took(st, "codeblock", m.end())
        if BLOCKQUOTE_START_RE.match(text, pos):
            return self._blockquote(src, pos, depth, st)
        if ch == "#" and (end := self._atx(src, pos, depth, st)):
            return end
        if (ch in "*-_ ") and (m := HR_RE.match(text, pos)):
            self._add(src, "hr", pos, m.end(), depth)
            return self._took(st, "hr", m.end())
        if (ch in "+*- " or ch.isdigit()) and LIST_START_RE.match(text, pos):
            return self._list(src, pos, depth, st)
        if (
            ch in ": "
            and DL_START_RE.match(text, pos)
            and (end := self._definition_list(src, pos, depth, st))
        ):
            return end
        html = ch in "< " and HTML_BLOCK_START_RE.match(text, pos)
        if html and (end := self._block_html(src, pos, depth, st, stop_tag)):
            return end
        if st.after_boundary() and (end := self._after_boundary(src, pos, depth, st)):
            return end
        if ch in "[ " and FOOTNOTE_DEF_START_RE.match(text, pos):
            return self._footnote(src, pos, depth, st)
        if ch in "[ " and (m := LINK_DEF_RE.match(text, pos)):
            self._add(src, "link_definition", pos, m.end(), depth)
            return self._took(st, "link_definition", m.end())
        if ch in "* " and (m := ABBREV_DEF_RE.match(text, pos)):
            self._add(src, "abbrev_definition", pos, m.end(), depth)
            return self._took(st, "abbrev_definition", m.end())
        if BLOCK_EXT_START_RE.match(text, pos) and (
            end := self._block_extensions(src, pos, depth, st)
        ):
            return end
        if ch == "^" and (m := EOB_RE.match(text, pos)):
            st.ial = False
            return self._took(st, "eob", m.end())
        if PARAGRAPH_START_RE.match(text, pos):
            return self._paragraph(src, pos, depth, st)
        # no parser took the line (it starts with blanks and holds nothing else)
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end + 1
        self._text(src, pos, end)
        return self._took(st, "text", end)

    @staticmethod
    def _took(st: _State, type_: str, end: int) -> int:
        """A block of ``type_`` ended at ``end``: the next one stands after it."""
        st.last = type_
        return end

    def _after_boundary(self, src: _Source, pos: int, depth: int, st: _State) -> int:
        """The blocks that kramdown starts only after a block boundary, in its order:
        a setext header, block math, a table. Return their end, or 0."""
        text = src.text
        ch = text[pos]
        if m := SETEXT_RE.match(text, pos):
            contents, ident = _header_contents(m.group("contents"))
            if contents:
                level = 2 if m.group("level") == "-" else 1
                self._add(
                    src, "header", pos, m.end(), depth, level=level, content=contents,
                    markup=m.group("level"), header_id=ident,
                )  # fmt: skip
                self._text(src, pos, m.end("contents"))
                return self._took(st, "header", m.end())
        if (
            ch in "$\\ "
            and (m := BLOCK_MATH_RE.match(text, pos))
            and not m.group(1)
            and (BLOCK_BOUNDARY_RE.match(text, m.end()) or m.end() >= len(text))
        ):
            self._add(src, "math", pos, m.end(), depth)
            return self._took(st, "math", m.end())
        if TABLE_START_RE.match(text, pos):
            end = pos
            while end < len(text) and TABLE_LINE_RE.match(text, end):
                end = text.index("\n", end) + 1
            if (BLOCK_BOUNDARY_RE.match(text, end) or end >= len(text)) and _pipe_on_each_line(
                text[pos:end]
            ):
                self._add(src, "table", pos, end, depth)
                self._text(src, pos, end)
                return self._took(st, "table", end)
        return 0

    # -- leaf blocks -----------------------------------------------------------

    @staticmethod
    def _codeblock(text: str, pos: int) -> int:
        """The end of kramdown's CODEBLOCK_MATCH at ``pos``: runs of indented lines,
        each run with the lazy lines after it, with blank lines between runs."""
        end = pos
        n = len(text)
        while end < n:
            at = end
            blank = BLANK_LINE_RE.match(text, at)
            if blank:
                at = blank.end()
            m = CODE_LINE_RE.match(text, at)
            if m is None:
                break
            at = m.end()
            while at < n:
                m = NONBLANK_LINE_RE.match(text, at)
                if m is None or CODE_LAZY_STOP_RE.match(text, at):
                    break
                at = m.end()
            end = at
        return end

    def _atx(self, src: _Source, pos: int, depth: int, st: _State) -> int:
        text = src.text
        opts = self.options
        if opts.gfm:
            m = ATX_GFM_RE.match(text, pos)
            if m is None:
                return 0
            contents, ident = _header_contents(m.group("contents"))
            if opts.paragraph_end:
                contents = re.sub(r"[\t ]#+\Z", "", contents).rstrip()
            elif not st.after_boundary():
                return 0
            else:
                contents = _strip_closing(contents)
        else:
            m = ATX_RE.match(text, pos)
            if m is None or not st.after_boundary():
                return 0
            contents, ident = _header_contents(m.group("contents"))
            contents = _strip_closing(contents)
        if not contents:
            return 0
        level = len(m.group("level"))
        self._add(
            src, "header", pos, m.end(), depth, level=level, content=contents, markup="#",
            header_id=ident,
        )  # fmt: skip
        self._text(src, m.start("contents"), m.end("contents"))
        st.last = "header"
        st.ial = False
        return m.end()

    def _paragraph(self, src: _Source, pos: int, depth: int, st: _State) -> int:
        text = src.text
        n = len(text)
        end = LINE_RE.match(text, pos).end()  # type: ignore[union-attr]
        stop = self.paragraph_end
        while end < n and not stop.match(text, end):
            m = LINE_RE.match(text, end)
            if m is None:
                end = n
                break
            end = m.end()
        if st.last == "p" and self.blocks and self.blocks[-1].type == "p":
            # kramdown joins a paragraph that follows a paragraph (after a lazy end)
            last = self.blocks[-1]
            self.blocks[-1] = last._replace(end=src.to_origin(end))
        else:
            self._add(src, "p", pos, end, depth)
        self._text(src, pos, end)
        st.last = "p"
        st.ial = False
        return end

    def _footnote(self, src: _Source, pos: int, depth: int, st: _State) -> int:
        text = src.text
        # the definition's first line, then a code-block-like run of indented lines
        head = FOOTNOTE_DEF_START_RE.match(text, pos)
        first = LINE_RE.match(text, pos)
        assert first is not None and head is not None
        end = self._codeblock(text, first.end())
        self._add(src, "footnote_definition", pos, end, depth)
        cut = head.end() - pos
        cut += len(text[head.end() : first.end()]) - len(
            text[head.end() : first.end()].lstrip(" \t")
        )
        lines = [(text[pos + cut : first.end()], cut)]
        lines += _strip_lines(text, first.end(), end, INDENT_RE)
        if depth < MAX_DEPTH:
            self.parse_blocks(_sub(src, pos, lines), 0, None, depth + 1)
        st.last = "footnote_definition"
        return end

    def _block_extensions(self, src: _Source, pos: int, depth: int, st: _State) -> int:
        text = src.text
        m = ALD_START_RE.match(text, pos)
        if m:
            self._add(src, "ald", pos, m.end(), depth)
            st.last = "ald"
            return m.end()
        m = EXT_BLOCK_START_RE.match(text, pos)
        if m:
            name = m.group(1)
            if name is None:  # a stop tag without a start: kramdown ignores it
                return 0
            if name not in _EXTENSIONS:
                return 0  # kramdown: an invalid extension, read as text
            if m.group(3):  # {::name /}
                self._add(src, "extension", pos, m.end(), depth, info=name)
                st.last = "extension"
                return m.end()
            close = self._stop_tag(name, text, m.end())
            if close is None:
                return 0  # kramdown: no stop tag, so the start tag is text
            self._add(src, "extension", pos, close.end(), depth, info=name)
            st.last = "extension"
            return close.end()
        m = IAL_BLOCK_START_RE.match(text, pos)
        if m:
            self._add(src, "ial", pos, m.end(), depth)
            if st.last in (None, "blank", "eob"):
                st.ial = True  # an attribute list for the next block
            else:
                st.last = "ial"  # it belongs to the block before
            return m.end()
        return 0

    # -- containers ------------------------------------------------------------

    def _blockquote(self, src: _Source, pos: int, depth: int, st: _State) -> int:
        text = src.text
        n = len(text)
        end = LINE_RE.match(text, pos).end()  # type: ignore[union-attr]
        while end < n and not LAZY_END_RE.match(text, end):
            end = LINE_RE.match(text, end).end()  # type: ignore[union-attr]
        self._add(src, "blockquote", pos, end, depth)
        st.last = "blockquote"
        st.ial = False
        inner = _strip_lines(text, pos, end, BLOCKQUOTE_START_RE)
        if depth >= MAX_DEPTH:
            self._text(src, pos, end)
        else:
            self.parse_blocks(_sub(src, pos, inner), 0, None, depth + 1)
        return end

    def _consume_items(
        self, src: _Source, pos: int, kind: str
    ) -> tuple[int, list[tuple[int, list[list[tuple[str, int]]]]]]:
        """kramdown's list (and definition list) line loop: the items from ``pos``,
        each as chunks of (line, original offset) to parse as blocks, and the end."""
        text = src.text
        n = len(text)
        loop = _ItemLoop(src, kind)
        end = at = pos
        while at < n:
            if kind != "dl" and loop.last_blank and HR_RE.match(text, at):
                break
            m = EOB_RE.match(text, at)
            if m:
                if kind != "dl":
                    end = m.end()
                break
            m = loop.start_re.match(text, at)
            if m:
                at = end = loop.start_item(at, m)
            elif loop.patterns is None:
                break
            elif line_end := loop.content_line(at):
                at = end = line_end
            elif m := BLANK_LINE_RE.match(text, at):
                at = end = loop.blank_lines(at, m)
            else:
                break
        return end, list(zip(loop.starts, loop.items, strict=True))

    def _items(
        self, items: list[tuple[int, list[list[tuple[str, int]]]]], item_type: str, depth: int
    ) -> None:
        for first, item in items:
            index = len(self.blocks)
            self.blocks.append(Block(item_type, first, first, depth))
            item_end = first
            for chunk in item:
                if not chunk:
                    continue
                sub = _Source("".join(line for line, _o in chunk), [o for _l, o in chunk])
                if depth >= MAX_DEPTH:
                    self._text(sub, 0, len(sub.text))
                else:
                    self.parse_blocks(sub, 0, None, depth + 1)
                item_end = sub.to_origin(len(sub.text))
            self.blocks[index] = self.blocks[index]._replace(end=item_end)

    def _list(self, src: _Source, pos: int, depth: int, st: _State) -> int:
        kind = "ul" if UL_START_RE.match(src.text, pos) else "ol"
        index = len(self.blocks)
        self._add(src, kind, pos, pos, depth)
        end, items = self._consume_items(src, pos, kind)
        self.blocks[index] = self.blocks[index]._replace(end=src.to_origin(end))
        self._items(items, "li", depth + 1)
        # kramdown moves the blank lines that end the last item after the list: the
        # next block then stands after a block boundary
        st.last = "blank" if _ends_blank(src.text, pos, end) else kind
        st.ial = False
        return end

    def _definition_list(self, src: _Source, pos: int, depth: int, st: _State) -> int:
        # definitions follow a paragraph (their terms), with at most one blank line
        # between, or more definitions
        if st.last not in ("p", "dl") and not (st.last == "blank" and st.single_blank_after_p):
            return 0
        end, items = self._consume_items(src, pos, "dl")
        blocks = self.blocks
        start = src.to_origin(pos)
        if st.last != "dl":
            for i in range(len(blocks) - 1, -1, -1):
                if blocks[i].type == "p" and blocks[i].depth == depth:
                    blocks[i] = blocks[i]._replace(type="dt")
                    start = blocks[i].start
                    break
        blocks.append(Block("dl", start, src.to_origin(end), depth))
        self._items(items, "dd", depth + 1)
        st.last = "blank" if _ends_blank(src.text, pos, end) else "dl"
        st.ial = False
        return end

    # -- HTML ------------------------------------------------------------------

    def _block_html(
        self, src: _Source, pos: int, depth: int, st: _State, stop_tag: str | None
    ) -> int:
        text = src.text
        lt = _SPACES_RE.match(text, pos, pos + 3).end()  # type: ignore[union-attr]
        if text.startswith("<!--", lt):
            close = self._find("-->", text, lt + 4)
            if close == -1:
                return 0
            end = close + 3
            ws = TRAILING_WS_RE.match(text, end)
            end = ws.end() if ws else end
            self._add(src, "xml_comment", pos, end, depth)
            st.last = "xml_comment"
            return end
        m = HTML_TAG_RE.match(text, lt)
        if m and m.group(1).lower() not in SPAN_ELEMENTS:
            return self._html_element(src, pos, m, depth, st, raw_parent=False)
        m = HTML_TAG_CLOSE_RE.match(text, lt)
        if m and m.group(1).lower() not in SPAN_ELEMENTS:
            name = _html_name(m.group(1))
            if stop_tag is not None and name == stop_tag:
                return -(m.end()) - 1
        return 0

    def _html_element(
        self, src: _Source, pos: int, m: re.Match[str], depth: int, st: _State, raw_parent: bool
    ) -> int:
        """A block-level HTML element whose start tag ``m`` begins on the line at
        ``pos``: its content is raw, parsed as blocks or as span text, as kramdown's
        content model and the ``markdown`` attribute say."""
        text = src.text
        name = _html_name(m.group(1))
        closed = bool(m.group(4)) or name in _VOID
        attrs = m.group(2) or ""
        model = "raw"
        if not raw_parent and self.options.parse_block_html:
            model = _content_model(name)
        if "markdown" in attrs.lower():
            for am in HTML_ATTR_RE.finditer(attrs):
                if am.group(1) == "markdown":
                    value = am.group(2) if am.group(2) is not None else am.group(4) or ""
                    mapped = _MARKDOWN_ATTR.get(value)
                    if mapped is not None:
                        model = _content_model(name) if mapped == "default" else mapped
        index = len(self.blocks)
        self._add(src, "html_element", pos, m.end(), depth, info=name, markup=model)
        end = m.end()
        if name in ("script", "style"):
            close = _end_tag_re(name).search(text, end)
            end = close.end() if close else len(text)
        elif not closed:
            if model == "block" and depth < MAX_DEPTH:
                ws = TRAILING_WS_RE.match(text, end)
                if ws:
                    end = ws.end()
                end = self.parse_blocks(src, end, name, depth + 1)
            elif model == "span":
                close = _end_tag_re(name).search(text, end)
                self._text(src, end, close.start() if close else len(text))
                end = close.end() if close else len(text)
            else:
                end = self._raw_html(text, end, name)
        ws = TRAILING_WS_RE.match(text, end)
        if ws and not raw_parent:
            end = ws.end()
        self.blocks[index] = self.blocks[index]._replace(end=src.to_origin(end))
        st.last = "html_element"
        st.ial = False
        return end

    def _raw_html(self, text: str, pos: int, name: str) -> int:
        """Where an element whose content is raw HTML ends: its matching end tag,
        nested elements (except void ones) closed by theirs; an end tag that does not
        close the innermost open element is text, so an element left open takes in
        the rest of the text. One search a tag; a comment or processing instruction
        left open is text, found in linear time."""
        stack = [name]
        top = name
        n = len(text)
        search = _RAW_TAG_RE.search
        known = _KNOWN_HTML
        void = _VOID
        while pos < n:
            m = search(text, pos)
            if m is None:
                return n
            kind = m.lastgroup
            if kind == "start":
                pos = m.end()
                raw, slash = m.group(_RAW_NAME, _RAW_SLASH)
                tag = raw.lower()
                if tag not in known:
                    tag = raw
                if tag == "script" or tag == "style":
                    close_m = _end_tag_re(tag).search(text, pos)
                    pos = close_m.end() if close_m else n
                elif not slash and tag not in void:
                    stack.append(tag)
                    top = tag
            elif kind == "close":
                pos = m.end()
                raw = m.group(_RAW_CNAME)
                tag = raw.lower()
                if (tag if tag in known else raw) == top:
                    stack.pop()
                    if not stack:
                        return pos
                    top = stack[-1]
            else:
                lt = m.start()
                if kind == "comment":
                    close = self._find("-->", text, lt + 4)
                    pos = close + 3 if close != -1 else lt + 1
                else:
                    close = self._find("?>", text, lt + 2)
                    pos = close + 2 if close != -1 else lt + 1
        return n


_SPACES_RE = re.compile(" *")


def _ends_blank(text: str, start: int, end: int) -> bool:
    """The text from ``start`` to ``end`` ends with a blank line."""
    if end <= start or text[end - 1] != "\n":
        return False
    previous = text.rfind("\n", start, end - 1)
    return not text[previous + 1 : end - 1].strip(" \t\r\f\v") and previous + 1 > start


_CODE_SPAN_RE = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_PIPE_CHECK_RE = re.compile(r"(?:\||.*?[^\\\n]\|)")


def _pipe_on_each_line(rows: str) -> bool:
    """kramdown takes lines with a pipe for a table only when each has a pipe that is
    not escaped and not inside a code span."""
    cleaned = _CODE_SPAN_RE.sub(lambda m: "x" * len(m.group(0)), rows)
    return all(_PIPE_CHECK_RE.match(line) for line in cleaned.split("\n")[:-1])


class _ItemLoop:
    """What kramdown's list line loop remembers: the items so far, each as chunks of
    (line, original offset), and how the current item's lines are indented."""

    def __init__(self, src: _Source, kind: str) -> None:
        self.src = src
        self.kind = kind
        self.start_re = {"dl": DL_START_RE, "ul": UL_START_RE}.get(kind, OL_START_RE)
        self.items: list[list[list[tuple[str, int]]]] = []
        self.starts: list[int] = []
        self.patterns: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]] | None = None
        self.indentation = 0
        self.nested = False
        self.last_blank = False

    def start_item(self, at: int, m: re.Match[str]) -> int:
        """An item's first line (its marker matched ``m``); return where it ends."""
        marker, rest = m.group(1), m.group(2)
        content, self.indentation = _first_list_line(len(marker), rest)
        self.patterns = _list_patterns(self.indentation)
        self.start_re = _next_item_re(self.kind, self.indentation)
        self.nested = self.kind != "dl" and bool(LIST_START_RE.match(content))
        line_end = m.end()
        chunk: list[tuple[str, int]] = []
        if content:
            chunk.append((content, self.src.to_origin(line_end - len(content))))
        self.starts.append(self.src.to_origin(at))
        self.items.append([chunk])
        self.last_blank = False
        return line_end

    def content_line(self, at: int) -> int:
        """An indented (or lazy) line of the current item; return where it ends, or 0."""
        assert self.patterns is not None
        content_re, lazy_re, indent_re = self.patterns
        text = self.src.text
        m = content_re.match(text, at)
        if m is None and not self.last_blank:
            m = lazy_re.match(text, at)
        if m is None:
            return 0
        raw = m.group(0)
        line = raw
        tabs = re.match(r"\t+", line)
        if tabs:
            line = " " * 4 * len(tabs.group(0)) + line[tabs.end() :]
        indented = indent_re.match(line)
        if indented:
            line = line[indented.end() :]
        if self.kind != "dl":
            if not self.nested and indented and LIST_START_RE.match(line):
                self.items[-1].append([])
                self.nested = True
            elif self.nested and not indented and LIST_START_RE.match(line):
                line = " " * (self.indentation + 4) + line
        cut = max(len(raw) - len(line), 0)
        self.items[-1][-1].append((line, self.src.to_origin(at) + cut))
        self.last_blank = False
        return m.end()

    def blank_lines(self, at: int, m: re.Match[str]) -> int:
        """Blank lines (matched by ``m``) inside the current item; return their end."""
        self.nested = True
        self.last_blank = True
        line_at = at
        for part in m.group(0).split("\n")[:-1]:
            self.items[-1][-1].append((part + "\n", self.src.to_origin(line_at)))
            line_at += len(part) + 1
        return m.end()


class _State:
    """What the block loop of one level remembers of the block before."""

    __slots__ = ("ial", "last", "single_blank_after_p")

    def __init__(self) -> None:
        self.last: str | None = None
        self.ial = False
        self.single_blank_after_p = False

    def after_boundary(self) -> bool:
        return self.last in (None, "blank", "eob") or self.ial


BLOCK_BOUNDARY_RE = re.compile(f"{_BLANK_LINE}|{_EOB_MARKER}|{_IAL_BLOCK_START}|{_END}", _M)


@lru_cache(maxsize=64)
def _stop_tag_re(name: str) -> re.Pattern[str]:
    """The stop tag of the block extension ``name``: ``{:/name}`` or ``{:/}``."""
    return re.compile(
        r"^" + _OPT_SPACE + r"\{:/(?:" + re.escape(name) + r")?\}[ \t\n\r\f\v]*?\n", _M
    )


@lru_cache(maxsize=64)
def _end_tag_re(name: str) -> re.Pattern[str]:
    return re.compile(r"</" + re.escape(name) + r"[ \t\n\r\f\v]*>", re.IGNORECASE)


def _html_name(raw: str) -> str:
    lower = raw.lower()
    return lower if lower in _KNOWN_HTML else raw


def _header_contents(contents: str) -> tuple[str, str | None]:
    contents = contents.rstrip()
    m = HEADER_ID_RE.search(contents)
    if m:
        return contents[: m.start()].rstrip(), m.group("id")
    return contents, None


def _strip_closing(contents: str) -> str:
    stripped = re.sub(r"(?<!\\)#+\Z", "", contents)
    return stripped.rstrip() if stripped != contents else contents


def _first_list_line(indentation: int, content: str) -> tuple[str, int]:
    """kramdown's parse_first_list_line: the item's first line without its leading
    blanks, and the indentation of the item's content."""
    if re.match(
        r"^[ \t]*\{:(?!(?:\w[\w-]*)?:|/)" + _ALD_ANY + r"+\}[ \t\n\r\f\v]*\n", content
    ) or re.match(r"^[ \t\n\r\f\v]*\n", content):
        indentation = 4
    else:
        while re.match(r"^ *\t", content):
            lead = len(re.match(r"^ *", content).group(0))  # type: ignore[union-attr]
            temp = lead + indentation
            tabs = re.match(r"^( *)(\t+)", content)
            assert tabs is not None
            spaces = " " * (4 - (temp % 4) + (len(tabs.group(2)) - 1) * 4)
            content = tabs.group(1) + spaces + content[tabs.end() :]
        indentation += len(re.match(r"^ *", content).group(0))  # type: ignore[union-attr]
    content = content.lstrip(_WS)
    return content, indentation


_PATTERN_CACHE: dict[int, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]] = {}


def _list_patterns(indentation: int) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    found = _PATTERN_CACHE.get(indentation)
    if found is None:
        q, r = divmod(indentation, 4)
        content_re = re.compile(
            rf"^(?:(?:\t| {{4}}){{{q}}} {{{r}}}|(?:\t| {{4}}){{{q + 1}}}).*{_S}.*\n", _M
        )
        low = min(indentation, 3)
        lazy_re = re.compile(
            rf"(?!^ {{0,{low}}}(?:{_IAL_BLOCK}|{_LAZY_HTML_STOP}|{_LAZY_HTML_START})).*{_S}.*\n", _M
        )
        indent_re = re.compile(rf"^ {{{indentation}}}")
        found = _PATTERN_CACHE[indentation] = (content_re, lazy_re, indent_re)
    return found


def _next_item_re(kind: str, indentation: int) -> re.Pattern[str]:
    upto = {1: 0, 2: 1, 3: 2}.get(indentation, 3)
    marker = {"ul": "[+*-]", "ol": r"\d+\.", "dl": ":"}[kind]
    return re.compile(f"^( {{0,{upto}}}{marker})({_PATTERN_TAIL})", _M)


def _strip_lines(text: str, start: int, end: int, prefix: re.Pattern[str]) -> list[tuple[str, int]]:
    """The lines of ``text[start:end]`` each without what ``prefix`` matches at its
    start, with how many characters were taken off."""
    out: list[tuple[str, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl == -1 else nl + 1
        m = prefix.match(text, pos, line_end)
        cut = m.end() - pos if m else 0
        out.append((text[pos + cut : line_end], cut))
        pos = line_end
    return out


def _sub(src: _Source, start: int, lines: list[tuple[str, int]]) -> _Source:
    first = src.line_of(start)
    origin = []
    for k, (_line, cut) in enumerate(lines):
        i = first + k
        base = src.line_starts[i] if i < len(src.line_starts) else len(src.text)
        origin.append(src.to_origin(base) + cut)
    return _Source("".join(line for line, _cut in lines), origin)


# -- Liquid, which Jekyll renders first ------------------------------------------

_LEAD_RE = re.compile(r"[ \t]*")
# Liquid tags that print nothing (their line keeps only its blanks and line break)
_SILENT_TAGS = frozenset(
    [
        "assign",
        "capture",
        "endcapture",
        "if",
        "elsif",
        "else",
        "endif",
        "unless",
        "endunless",
        "case",
        "when",
        "endcase",
        "for",
        "endfor",
        "break",
        "continue",
        "cycle",
        "increment",
        "decrement",
        "tablerow",
        "endtablerow",
        "raw",
        "endraw",
        "liquid",
        "echo",
        "comment",
        "endcomment",
    ]
)


class LiquidTag(Protocol):
    """A Liquid tag or output as :attr:`ampcheck.document.post.Post.liquid_tags` gives them:
    in order, none inside ``raw``, ``comment`` or ``highlight`` but their end tags."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def name(self) -> str | None: ...
    @property
    def is_output(self) -> bool: ...


def liquid_neutral(text: str, tags: Sequence[LiquidTag]) -> str:
    """``text`` with its Liquid ``tags`` replaced as Jekyll's rendering would leave the
    block structure, keeping every offset and line break: tags that print nothing
    become blanks, ``{% comment %}`` blocks become blank lines, a ``{% highlight %}``
    block becomes a ``<pre>`` HTML block, and ``{% raw %}`` content and ``{{ }}``
    output stay as they are."""
    if not tags:
        return text
    parts: list[str] = []
    blanked: list[tuple[int, int]] = []
    out_from = 0
    i = 0
    n = len(tags)
    while i < n:
        tag = tags[i]
        i += 1
        name = tag.name
        if tag.is_output or name is None or tag.start < out_from:
            continue
        if name in ("comment", "highlight"):
            # the tag list holds nothing inside the block but its end tag
            closer = tags[i] if i < n and tags[i].name == "end" + name else None
            if closer is not None:
                i += 1
            end = closer.end if closer is not None else len(text)
            parts.append(text[out_from : tag.start])
            region = _blank(text[tag.start : end])
            if name == "highlight":
                close_at = closer.start - tag.start if closer is not None else len(region)
                if len(region) >= 5 and close_at + 6 <= len(region):
                    region = "<pre>" + region[5:close_at] + "</pre>" + region[close_at + 6 :]
            parts.append(region)
            out_from = end
        elif name in _SILENT_TAGS:
            parts.append(text[out_from : tag.start])
            parts.append(_blank(text[tag.start : tag.end]))
            blanked.append((tag.start, tag.end))
            out_from = tag.end
    parts.append(text[out_from:])
    result = "".join(parts)
    return _unindent(result, blanked) if blanked else result


def _unindent(text: str, blanked: list[tuple[int, int]]) -> str:
    """Move what follows the tags that start a line to the line's start (Liquid leaves
    nothing there), padding the line's end, so that ``{% raw %}<i>`` is not read as
    indented text; the line keeps its length and its line break. Each line is
    rewritten once, whatever the number of tags on it."""
    out: list[str] = []
    done = 0  # text[:done] is in out
    i = 0
    n = len(blanked)
    looked = 0  # lines before this offset have been looked at
    while i < n:
        start = blanked[i][0]
        line_start = text.rfind("\n", looked, start) + 1 if start > looked else looked
        line_end = text.find("\n", start)
        if line_end == -1:
            line_end = len(text)
        looked = line_end
        lead = _LEAD_RE.match(text, line_start)
        assert lead is not None
        first = lead.end()  # the line's first character that is not blank
        if text[line_start:start].strip(" \t") or first >= line_end:
            # the first tag does not start its line, or nothing follows the tags
            while i < n and blanked[i][0] < line_end:
                i += 1
            continue
        kept: list[str] = []
        pos = line_start
        while i < n and blanked[i][0] < first:
            a, b = blanked[i]
            kept.append(text[pos:a])
            pos = max(pos, b)
            i += 1
        kept.append(text[pos:first])
        prefix = "".join(kept)
        out.append(text[done:line_start])
        out.append(prefix + text[first:line_end] + " " * (first - line_start - len(prefix)))
        done = line_end
        while i < n and blanked[i][0] < line_end:
            i += 1
    out.append(text[done:])
    return "".join(out)


def _blank(region: str) -> str:
    """Every character but line breaks as a space."""
    return re.sub(r"[^\n]", " ", region)
