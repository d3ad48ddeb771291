"""One post: its bytes, text, front matter, Markdown tokens and HTML elements.

Everything is computed lazily and at most once, so a rule that reads only the front
matter never pays for the Markdown parse. Positions are character offsets into
:attr:`Post.text`, which is the file's bytes decoded as UTF-8 with undecodable
bytes kept as lone surrogates (``surrogateescape``): encoding the text back gives
the original bytes exactly, so an edit never changes a byte it does not touch.
A UTF-8 byte order mark stays in the text as character 0 and is not counted in
column numbers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ampcheck.document.frontmatter import FrontMatter, load_yaml
from ampcheck.document.html import HtmlDocument, kramdown_matches, liquid_matches, scan_html
from ampcheck.document.liquid import LIQUID_OPAQUE, LiquidTag

if TYPE_CHECKING:
    from markdown_it.token import Token

    from ampcheck.document.kramdown import Document as KramdownDocument
    from ampcheck.document.site import Site

BOM = "\ufeff"
T = TypeVar("T")
_LONE_CR_RE = re.compile("\r(?!\n)")
# Byte order marks, the longer first: UTF-32's little-endian mark begins with UTF-16's
# (read as UTF-16, the file would start with U+0000, which is no text).
_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def bom_encoding(data: bytes) -> str | None:
    """``"utf-32"`` or ``"utf-16"`` when ``data`` starts with a byte order mark of
    that encoding, else ``None``."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return encoding
    return None


# what text read in the right encoding does not hold: NUL and the other C0 controls
# but tab, line feed, form feed and carriage return, and the noncharacters U+FFFE and
# U+FFFF (a byte order mark read the wrong way round)
NOT_TEXT_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``data`` (no byte order mark) is text in
    that encoding: every other byte a NUL, as in the ASCII of a post's front matter,
    and the text read so holds no control character."""
    sample = data[:8000]
    half = len(sample) // 2
    if half < 4 or sample.count(0) * 4 < half:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd * 10 >= half * 3 and even * 50 <= half:
        encoding = "utf-16-le"
    elif even * 10 >= half * 3 and odd * 50 <= half:
        encoding = "utf-16-be"
    else:
        return None
    text = sample[: half * 2].decode(encoding, "replace")
    return None if NOT_TEXT_RE.search(text) else encoding


# Jekyll: a file has front matter when it starts with a line of three dashes; the block
# ends at the next line of three dashes or three dots (jekyll/document.rb,
# YAML_FRONT_MATTER_REGEXP). Trailing blanks are allowed on both delimiter lines.
_FM_OPEN_RE = re.compile(r"---[ \t]*(\r?\n)")
_FM_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)


class Post:
    """A post read from disk (or given as bytes) with lazily computed views."""

    def __init__(
        self, path: str, data: bytes, site: Site | None = None, file: Path | None = None
    ) -> None:
        #: the path as shown in diagnostics
        self.path = path
        self.data = data
        #: the Jekyll site the post belongs to, when one was found
        self.site = site
        #: the file on disk (``None`` for standard input)
        self.file = file

    def memo(self, key: str, compute: Callable[[Post], T]) -> T:
        """An analysis several rules share, computed once per post (``compute(post)``)."""
        cache: dict[str, Any] = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute(self)
        return cache[key]  # type: ignore[no-any-return]

    @classmethod
    def from_text(
        cls, path: str, text: str, site: Site | None = None, file: Path | None = None
    ) -> Post:
        return cls(path, text.encode("utf-8", "surrogateescape"), site, file)

    def with_text(self, text: str) -> Post:
        """A new post for the same file with other text (used between fix passes)."""
        return Post.from_text(self.path, text, self.site, self.file)

    # -- text and positions -------------------------------------------------

    @cached_property
    def text(self) -> str:
        return self.data.decode("utf-8", "surrogateescape")

    @cached_property
    def has_bom(self) -> bool:
        return self.text.startswith(BOM)

    @cached_property
    def first_undecodable(self) -> int | None:
        """Byte offset of the first byte that is not valid UTF-8, or ``None``."""
        try:
            self.data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return exc.start
        return None

    @cached_property
    def newline(self) -> str:
        """The file's line ending: ``"\\r\\n"`` when most lines end so, else ``"\\n"``."""
        crlf = self.text.count("\r\n")
        return "\r\n" if crlf and crlf * 2 >= self.text.count("\n") else "\n"

    @cached_property
    def line_starts(self) -> list[int]:
        starts = [0]
        find = self.text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; the BOM takes no column."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        col = offset - self.line_starts[line] + 1
        if line == 0 and self.has_bom and offset > 0:
            col -= 1
        return line + 1, col

    def line_offset(self, line: int) -> int:
        """Offset of the first character of a 1-based line (clamped to the text)."""
        if line < 1:
            return 0
        if line > len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line - 1]
        if line == 1 and self.has_bom:
            start += 1
        return start

    def line_end(self, line: int) -> int:
        """Offset of the end of a 1-based line, before its line ending."""
        end = len(self.text) if line >= len(self.line_starts) else self.line_starts[line] - 1
        if end > 0 and self.text[end - 1] == "\r":
            end -= 1
        return max(end, self.line_offset(line))

    # -- front matter -------------------------------------------------------

    @cached_property
    def front_matter(self) -> FrontMatter | None:
        text = self.text
        start = 1 if self.has_bom else 0
        opening = _FM_OPEN_RE.match(text, start)
        if opening is None:
            return None
        content_start = opening.end()
        closing = _FM_CLOSE_RE.search(text, content_start)
        if closing is None:
            return FrontMatter(start, content_start, len(text), len(text), closed=False)
        fm = FrontMatter(start, content_start, closing.start(), closing.end(), closed=True)
        load_yaml(fm, text)
        return fm

    @cached_property
    def body_start(self) -> int:
        fm = self.front_matter
        if fm is not None and fm.closed:
            return fm.end
        return 1 if self.has_bom else 0

    @cached_property
    def body_first_line(self) -> int:
        return self.position(self.body_start)[0]

    @property
    def meta(self) -> Mapping[str, Any]:
        """The front-matter mapping ({} when absent or invalid)."""
        fm = self.front_matter
        return fm.data if fm is not None and fm.data is not None else {}

    # -- Markdown -----------------------------------------------------------

    @cached_property
    def tokens(self) -> list[Token]:
        """markdown-it-py block tokens of the body; ``token.map`` lines are 0-based file
        lines. Inline tokens come from :meth:`inline_children`."""
        from ampcheck.document.markdown import parse

        first = self.body_first_line - 1
        body = self.text[self.body_start :]
        if "\r" in body:
            # markdown-it reads a lone CR as a line break; Post (like Git) counts lines
            # at LF only: a space keeps both on the same lines and offsets
            body = _LONE_CR_RE.sub(" ", body)
        tokens = parse(body)
        if first:
            for tok in tokens:
                if tok.map is not None:
                    tok.map = [tok.map[0] + first, tok.map[1] + first]
        return tokens

    def inline_children(self, token: Token) -> list[Token]:
        """The inline tokens of a block's ``inline`` token, parsed on first request."""
        cache: dict[int, list[Token]] = self.__dict__.setdefault("_inline", {})
        key = id(token)
        if key not in cache:
            from ampcheck.document.markdown import parse_inline

            cache[key] = parse_inline(token.content)
        return cache[key]

    @cached_property
    def renderer(self) -> str:
        """The Markdown converter the post's site renders it with: ``"kramdown"``
        (Jekyll's default) or ``"commonmark"`` (``markdown: CommonMark`` or
        ``CommonMarkGhPages``, the jekyll-commonmark plugins)."""
        config = self.site.config if self.site is not None else {}
        name = config.get("markdown", "kramdown")
        if isinstance(name, str) and name.lower().startswith("commonmark"):
            return "commonmark"
        return "kramdown"

    @cached_property
    def kramdown(self) -> KramdownDocument | None:
        """The body's blocks as kramdown reads them, with the site's ``kramdown:``
        options, after Liquid (``None`` for a site rendered with CommonMark)."""
        if self.renderer != "kramdown":
            return None
        from ampcheck.document import kramdown

        text = self.text
        if "\r" in text:
            # kramdown reads CR LF and CR as line breaks; Post counts lines at LF
            # only: a blank in place of each CR keeps lines and offsets
            text = text.replace("\r", " ")
        start = self.body_start
        text = kramdown.liquid_neutral(text, self.liquid_tags)
        config = self.site.config if self.site is not None else {}
        return kramdown.parse(text[start:], kramdown.site_options(config), base=start)

    @cached_property
    def block_signatures(self) -> list[tuple[tuple[object, ...], int, int]]:
        """Every block of the body as (what it is, first line, line after it), lines
        0-based: the fixer compares them before and after an edit."""
        found: list[tuple[tuple[object, ...], int, int]] = []
        doc = self.kramdown
        if doc is not None:
            for b in doc.blocks:
                first = self.position(b.start)[0] - 1
                last = self.position(max(b.start, b.end - 1))[0]
                found.append(((b.type, b.level, b.markup, b.info, b.depth), first, last))
            return found
        for tok in self.tokens:
            if tok.block and tok.map is not None:
                sig = (tok.type, tok.tag, tok.markup, tok.info)
                found.append((sig, tok.map[0], tok.map[1]))
        return found

    @cached_property
    def code_regions(self) -> list[tuple[int, int]]:
        """Sorted, disjoint spans that are code (fences, indented code, code spans,
        math blocks, Liquid ``highlight`` and ``comment`` blocks): no HTML or Markdown
        in them."""
        doc = self.kramdown
        if doc is not None:
            return self._kramdown_code_regions(doc)
        regions: list[tuple[int, int]] = []
        for tok in self.tokens:
            if tok.map is None:
                continue
            if tok.type in ("fence", "code_block"):
                regions.append((self.line_offset(tok.map[0] + 1), self.line_offset(tok.map[1] + 1)))
            elif tok.type == "inline" and "`" in tok.content:
                a = self.line_offset(tok.map[0] + 1)
                b = self.line_offset(tok.map[1] + 1)
                regions.extend(_code_spans(self.text, a, b))
        regions.extend(self.liquid_opaque_regions)
        return _merge(regions)

    def _kramdown_code_regions(self, doc: KramdownDocument) -> list[tuple[int, int]]:
        regions = [(b.start, b.end) for b in doc.blocks if b.type in ("codeblock", "math")]
        text = self.text
        for a, b in doc.span_text:
            if "`" in text[a:b]:
                regions.extend(_code_spans(text, a, b))
        regions.extend(self.liquid_opaque_regions)
        return _merge(regions)

    @cached_property
    def span_text(self) -> list[tuple[int, int]]:
        """Sorted spans of the body that the converter reads as inline text
        (paragraphs, headers, table rows); empty for CommonMark sites."""
        doc = self.kramdown
        return sorted(doc.span_text) if doc is not None else []

    def in_code(self, offset: int) -> bool:
        regions = self.code_regions
        i = bisect.bisect_right(regions, (offset, len(self.text) + 1)) - 1
        return i >= 0 and regions[i][0] <= offset < regions[i][1]

    # -- Liquid and kramdown ------------------------------------------------

    @cached_property
    def _liquid(self) -> tuple[list[LiquidTag], list[tuple[int, int]]]:
        tags: list[LiquidTag] = []
        opaque: list[tuple[int, int]] = []
        text = self.text
        pos = self.body_start
        closing: str | None = None  # inside raw/comment/highlight until this tag
        opaque_start = 0
        if "{" not in text:
            return tags, opaque
        for m in liquid_matches(text, pos):
            name = m.group("tag")
            if closing is not None:
                if name == closing:
                    if closing != "endraw":
                        opaque.append((opaque_start, m.start()))
                    closing = None
                    tags.append(LiquidTag(m.start(), m.end(), name, "", False))
                continue
            if m.group("output") is not None:
                tags.append(LiquidTag(m.start(), m.end(), None, m.group("output").strip(), True))
                continue
            markup = (m.group("markup") or "").strip()
            tags.append(LiquidTag(m.start(), m.end(), name, markup, False))
            if name == "raw":
                closing = "endraw"
            elif name in LIQUID_OPAQUE:
                closing = LIQUID_OPAQUE[name]
                opaque_start = m.end()
        if closing is not None and closing != "endraw":
            opaque.append((opaque_start, len(text)))
        return tags, opaque

    @property
    def liquid_tags(self) -> list[LiquidTag]:
        return self._liquid[0]

    @property
    def liquid_opaque_regions(self) -> list[tuple[int, int]]:
        return self._liquid[1]

    @cached_property
    def kramdown_attribute_lists(self) -> list[tuple[int, int]]:
        return [m.span() for m in kramdown_matches(self.text, self.body_start)]

    # -- HTML ---------------------------------------------------------------

    @cached_property
    def html(self) -> HtmlDocument:
        return scan_html(self)


def _code_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Code spans (CommonMark 6.1) between two offsets: a run of n backticks up to the
    next run of exactly n backticks; an unmatched run is literal text."""
    runs = list(re.finditer(r"`+", text[start:end]))
    i = 0
    while i < len(runs):
        opener = runs[i]
        if opener.start() > 0 and text[start + opener.start() - 1] == "\\":
            # an escaped backtick is literal
            i += 1
            continue
        n = len(opener.group())
        for j in range(i + 1, len(runs)):
            if len(runs[j].group()) == n:
                yield (start + opener.start(), start + runs[j].end())
                i = j + 1
                break
        else:
            i += 1


def _merge(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(regions):
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged
