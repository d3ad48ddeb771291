"""The AMP extension scripts a post's AMP page loads from its layouts: each
``<script custom-element="amp-youtube" ...>`` (or ``custom-template``) of the layout
chain, its static includes followed in place, and what could not be told.

A script is *loaded* when it stands in the layouts as written, outside every Liquid
block; it is *maybe loaded* inside an ``if``, ``unless``, ``case``, ``for`` or
``capture`` (what the page's variables decide, ampcheck does not guess). What the
layouts load cannot be told when a layout or include is not in the site (a theme
gem's), an include is named by a variable, a script names its extension with Liquid,
a Liquid tag of a plugin may print anything, or the site's settings, data or plugins
hold script tags that a layout may print.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ampcheck.document.layouts import RUNTIME_RE, amp_page_layouts, layout_body

if TYPE_CHECKING:
    from ampcheck.document.post import Post
    from ampcheck.document.site import Site

_HIDDEN_OPEN_RE = re.compile(r"<!--|\{%-?\s*comment\s*-?%\}")
_COMMENT_END_RE = re.compile(r"\{%-?\s*endcomment\s*-?%\}")
# each alternative starts differently, and Liquid ends at its first closing mark: one
# way only to read a tag, so that a start tag never closed costs linear time
_LIQUID = r"\{\{(?:(?!\}\}|\{\{).)*\}\}|\{%(?:(?!%\}|\{%).)*%\}"
_TOKEN_RE = re.compile(
    r"<script(?=[\s>/{])(?P<attrs>(?:" + _LIQUID + r"|\"[^\"]*\"|'[^']*'|[^<>\"'{]|\{(?![{%]))*)>"
    r"|<head(?=[\s>])"
    r"|\{%-?\s*(?P<tag>\w+)(?P<args>(?:(?!%\}|\{%).)*?)-?%\}",
    re.IGNORECASE | re.DOTALL,
)
_ATTR_RE = re.compile(
    r"""(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]*)))?"""
)
_EXTENSION_ATTRIBUTES = ("custom-element", "custom-template")
_BLOCK_OPENERS = frozenset({"if", "unless", "case", "for", "capture", "tablerow"})
_BLOCK_CLOSERS = frozenset({"endif", "endunless", "endcase", "endfor", "endcapture", "endtablerow"})
#: Liquid and Jekyll tags, and those of common plugins, that print no script
_QUIET_TAGS = frozenset(
    {
        "else", "elsif", "when", "break", "continue", "assign", "increment", "decrement",
        "cycle", "raw", "endraw", "highlight", "endhighlight", "link", "post_url", "echo",
        "seo", "feed_meta", "include", "include_cached", "include_relative",
    }
)  # fmt: skip
_INCLUDE_RE = re.compile(r"\s*(?P<name>[^\s%}]+)")
#: the include names Jekyll accepts (Jekyll::Tags::IncludeTag, VALID_FILENAME_CHARS
#: and INVALID_SEQUENCES)
_INCLUDE_NAME_RE = re.compile(r"[\w/.\-()+~#@]+", re.ASCII)
_INVALID_SEQUENCE_RE = re.compile(r"[./]{2,}")
#: the text that marks an extension script held somewhere a layout may print from
_SCRIPT_MARKERS = ("custom-element", "custom-template")
MAX_INCLUDE_DEPTH = 8
#: files larger than this are not read for script tags
_MAX_READ = 1_000_000


class ScriptScan(NamedTuple):
    """The extension scripts of a template (with its includes)."""

    #: extension -> the files that load it outside any Liquid block, once per script
    loaded: tuple[tuple[str, str], ...] = ()
    #: extensions loaded inside a Liquid block
    maybe: frozenset[str] = frozenset()
    #: why what the template loads cannot be told
    unresolved: tuple[str, ...] = ()
    #: the files that load the AMP runtime (where extension scripts belong)
    runtime: tuple[str, ...] = ()
    #: the files that hold a <head> start tag
    heads: tuple[str, ...] = ()


class PageScripts(NamedTuple):
    """The extension scripts a post's AMP page loads from its layout chain."""

    chain: tuple[str, ...]
    #: extension -> how many scripts load it outside any Liquid block
    loaded: Counter[str]
    #: extension -> the files that load it
    where: dict[str, tuple[str, ...]]
    maybe: frozenset[str]
    unresolved: tuple[str, ...]
    #: the file where the extension scripts go (the one loading the runtime)
    target: str


def page_scripts(post: Post, key: str) -> PageScripts | None:
    """The scripts the post's AMP page loads from its layouts, or ``None`` when the
    post is rendered without a layout or outside a Jekyll site."""
    return post.memo(f"amp.scripts:{key}", lambda p: _page_scripts(p, key))


def _page_scripts(post: Post, key: str) -> PageScripts | None:
    site = post.site
    found = amp_page_layouts(post, key)
    if site is None or found is None:
        return None
    chain, amp_document = found
    scans: list[ScriptScan] = []
    unresolved: list[str] = []
    for name in chain:
        scan = _layout_scan(site, name)
        if scan is None:
            theme = " (from a theme gem?)" if site.has_theme else ""
            unresolved.append(f"layout '{name}' is not in the site{theme}")
            break
        scans.append(scan)
    if not amp_document and not unresolved:
        unresolved.append(
            f"the layout chain {' -> '.join(chain)} makes no AMP document, so the post's "
            "AMP page is made some other way"
        )
    unresolved.extend(u for s in scans for u in s.unresolved)
    unresolved.extend(_printed_scripts(post, site))
    loaded = Counter(ext for s in scans for ext, _ in s.loaded)
    where: dict[str, tuple[str, ...]] = {}
    for s in scans:
        for ext, source in s.loaded:
            where[ext] = (*where.get(ext, ()), source)
    maybe = frozenset(m for s in scans for m in s.maybe)
    return PageScripts(
        chain, loaded, where, maybe, tuple(dict.fromkeys(unresolved)), _target(site, chain, scans)
    )


def _target(site: Site, chain: tuple[str, ...], scans: list[ScriptScan]) -> str:
    """Where extension scripts go: beside the AMP runtime's, else in the <head>, else
    in the outermost layout."""
    for files in ([f for s in reversed(scans) for f in s.runtime],
                  [f for s in reversed(scans) for f in s.heads]):  # fmt: skip
        if files:
            return files[0]
    for name in reversed(chain[: len(scans)]):
        body = layout_body(site, name)
        if body is not None:
            return body[0]
    return "the layout"


def _layout_scan(site: Site, name: str) -> ScriptScan | None:
    key = ("scripts.layout", name)
    if key not in site.amp_cache:
        body = layout_body(site, name)
        site.amp_cache[key] = (
            None if body is None else scan_template(site, body[1], body[0], 0, frozenset())
        )
    return site.amp_cache[key]  # type: ignore[no-any-return]


def scan_template(
    site: Site, text: str, source: str, depth: int, seen: frozenset[str]
) -> ScriptScan:
    """The extension scripts of one template, its static includes followed in place."""
    text = strip_hidden(text)
    loaded: list[tuple[str, str]] = []
    maybe: set[str] = set()
    unresolved: list[str] = []
    runtime: list[str] = [source] if RUNTIME_RE.search(text) else []
    heads: list[str] = []
    level = 0
    for m in _TOKEN_RE.finditer(text):
        tag = (m.group("tag") or "").lower()
        if m.group(0)[:5].lower() == "<head":
            heads.append(source)
        elif m.group("attrs") is not None:
            found = _script_extension(m.group("attrs"), source)
            if found is None:
                continue
            if found[1] is not None:
                unresolved.append(found[1])
            elif level:
                maybe.add(found[0])
            else:
                loaded.append((found[0], source))
        elif tag in _BLOCK_OPENERS:
            level += 1
        elif tag in _BLOCK_CLOSERS:
            level = max(0, level - 1)
        elif tag.startswith("include"):
            inner = _included(site, tag, m.group("args"), source, depth, seen)
            if level:
                maybe.update(ext for ext, _ in inner.loaded)
            else:
                loaded.extend(inner.loaded)
            maybe.update(inner.maybe)
            unresolved.extend(inner.unresolved)
            runtime.extend(inner.runtime)
            heads.extend(inner.heads)
        elif tag not in _QUIET_TAGS:
            unresolved.append(f"{{% {tag} %}} in {source} may print anything")
    return ScriptScan(
        tuple(loaded), frozenset(maybe), tuple(unresolved), tuple(runtime), tuple(heads)
    )


def strip_hidden(text: str) -> str:
    """The template without its HTML comments and Liquid ``comment`` blocks (each
    replaced by a space; one left open takes in the rest of the text)."""
    parts: list[str] = []
    pos = 0
    while (m := _HIDDEN_OPEN_RE.search(text, pos)) is not None:
        parts.append(text[pos : m.start()])
        if m.group(0) == "<!--":
            end = text.find("-->", m.end())
            pos = len(text) if end < 0 else end + 3
        else:
            close = _COMMENT_END_RE.search(text, m.end())
            pos = len(text) if close is None else close.end()
        parts.append(" ")
    parts.append(text[pos:])
    return "".join(parts)


def _script_extension(attrs: str, source: str) -> tuple[str, str | None] | None:
    """The extension a ``<script>`` start tag loads (``None``: it loads none), and why
    it cannot be told when Liquid writes it."""
    if not any(marker in attrs.lower() for marker in _EXTENSION_ATTRIBUTES):
        return None
    for m in _ATTR_RE.finditer(attrs):
        name = m.group("name").lower()
        if name not in _EXTENSION_ATTRIBUTES:
            continue
        value = m.group("dq") or m.group("sq") or m.group("bare") or ""
        if "{{" in value or "{%" in value:
            return "", f'a script in {source} names its extension with Liquid ({name}="{value}")'
        return value.strip().lower(), None
    return "", f"a script in {source} is written with Liquid the extension of which cannot be read"


def _included(
    site: Site, tag: str, args: str, source: str, depth: int, seen: frozenset[str]
) -> ScriptScan:
    """What an ``{% include %}`` (or ``include_cached``) prints, read from the includes
    folder; an ``include_relative``, a name given by a variable or a file that is not in
    the site cannot be told."""
    m = _INCLUDE_RE.match(args)
    name = m.group("name").strip("'\"") if m else ""
    if tag not in ("include", "include_cached") or _INCLUDE_NAME_RE.fullmatch(name) is None:
        return ScriptScan(unresolved=(f"{{% {tag}{args.rstrip()} %}} in {source}",))
    if _INVALID_SEQUENCE_RE.search(name):
        # Jekyll refuses the name (an include outside the includes folder)
        return ScriptScan(unresolved=(f"{{% {tag} {name} %}} in {source} is refused by Jekyll",))
    path = site.includes_dir / name.lstrip("/")
    try:
        shown = path.relative_to(site.root).as_posix()
    except ValueError:
        shown = str(path)
    if shown in seen or depth >= MAX_INCLUDE_DEPTH:
        return ScriptScan()  # Jekyll stops there too (an error, or too deep)
    key = ("scripts.include", shown)
    if key not in site.amp_cache:
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        except OSError:
            text = None
        site.amp_cache[key] = (
            ScriptScan(unresolved=(f"{shown} is not in the site",))
            if text is None
            else scan_template(site, text, shown, depth + 1, seen | {shown})
        )
    return site.amp_cache[key]  # type: ignore[no-any-return]


def _printed_scripts(post: Post, site: Site) -> list[str]:
    """Places outside the layouts that hold extension script tags a layout may print:
    the post's front matter or defaults, ``_config.yml``, the data files, the plugins."""
    found: list[str] = []
    values = [str(dict(post.meta))]
    if post.file is not None:
        values.append(str(site.defaults_for(post.file)))
    if any(marker in v for v in values for marker in _SCRIPT_MARKERS):
        found.append("the post's front matter holds a script tag a layout may print")
    found.extend(_site_printed_scripts(site))
    return found


def _site_printed_scripts(site: Site) -> tuple[str, ...]:
    key = ("scripts.site",)
    if key not in site.amp_cache:
        found: list[str] = []
        if any(marker in str(site.config) for marker in _SCRIPT_MARKERS):
            found.append("_config.yml holds a script tag a layout may print")
        for folder, what in ((site.data_dir, "data file"), (site.plugins_dir, "plugin")):
            hit = _file_with_marker(site, folder)
            if hit is not None:
                found.append(f"the {what} {hit} holds a script tag a layout may print")
        found.extend(
            f"the plugin {gem} may add scripts to the page"
            for gem in site.plugins
            if "amp" in gem.lower() and gem != "amp-jekyll"
        )
        site.amp_cache[key] = tuple(found)
    return site.amp_cache[key]  # type: ignore[no-any-return]


def _file_with_marker(site: Site, folder: Path) -> str | None:
    """The first file below ``folder`` (no hidden folder, no link to a folder
    followed) whose text holds an extension script's attribute."""
    for where, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = Path(where, name)
            try:
                if not path.is_file() or path.stat().st_size > _MAX_READ:
                    continue
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if any(marker in text for marker in _SCRIPT_MARKERS):
                try:
                    return path.relative_to(site.root).as_posix()
                except ValueError:
                    return str(path)
    return None
