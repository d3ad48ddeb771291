"""What a Jekyll site's layouts say about a post: whether it is rendered as an AMP page,
and the heading level the layouts print its title in.

The layouts and includes are read once per site (:class:`ampcheck.document.site.Site` holds
what was learnt), each post's decision once per post.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from ampcheck.document.html import Element
from ampcheck.document.post import Post

if TYPE_CHECKING:
    from ampcheck.document.site import Site


# -- AMP posts -------------------------------------------------------------------------
#
# A post is an AMP page when its front matter (or the site's front-matter defaults) says
# so with the AMP key, when the site's amp-jekyll plugin makes an AMP version of every
# post, or when the layouts it renders through make an AMP document: the first <html>
# start tag of the chain (its outermost layout first, following static includes) carries
# the "amp" or "⚡" attribute (AMP HTML specification, "Required markup"; amp4email and
# amp4ads documents are other formats). Without a Jekyll site, the post decides alone.

#: the AMP runtime (AMP HTML specification, "Required markup"; lts/ is the long-term
#: release channel, v0.mjs the module build)
RUNTIME_RE = re.compile(r"cdn\.ampproject\.org/(?:lts/)?v0\.m?js", re.IGNORECASE)
# one way only to read a start tag (Liquid ends at its first closing mark, a lone
# brace is no Liquid): one never closed costs linear time, not exponential
_LIQUID = r"\{\{(?:(?!\}\}|\{\{).)*\}\}|\{%(?:(?!%\}|\{%).)*%\}"
_TEMPLATE_TOKEN_RE = re.compile(
    r"<html(?=[\s>/{])(?P<attrs>(?:" + _LIQUID + r"|\"[^\"]*\"|'[^']*'|[^>\"'{]|\{(?![{%]))*)>"
    r"|\{%-?\s*include(?P<relative>_relative)?\s+(?P<include>[^\s%}]+)[^%]*?-?%\}",
    re.IGNORECASE | re.DOTALL,
)
# a heading element that prints a page variable: <h2 class="t">{{ page.title }}</h2>
_TITLE_HEADING_RE = re.compile(
    r"<h(?P<level>[1-6])\b[^>]*>(?:(?!</h[1-6]).){0,400}?\{\{-?\s*page\.(?P<key>[\w-]+)",
    re.IGNORECASE | re.DOTALL,
)
_HIDDEN_RE = re.compile(
    r"<!--.*?-->|\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.DOTALL
)
_LIQUID_TAG_RE = re.compile(r"\{%-?\s*(\w+).*?-?%\}|\{\{.*?\}\}", re.DOTALL)
_BLOCK_OPENERS = frozenset({"if", "unless", "case", "for"})
_BLOCK_CLOSERS = frozenset({"endif", "endunless", "endcase", "endfor"})
AMP_MARKERS = frozenset({"amp", "\u26a1"})
#: a layout chain longer than this is a cycle Jekyll would break too
MAX_CHAIN = 32
MAX_INCLUDE_DEPTH = 8


class HtmlTag(NamedTuple):
    """The ``<html>`` start tag of a layout chain and where it is written."""

    source: str
    text: str
    amp: bool
    #: the AMP attribute stands only inside a Liquid condition
    conditional: bool


class TemplateScan(NamedTuple):
    """What a layout (with its includes) holds."""

    html: HtmlTag | None
    runtime: bool
    #: includes that could not be read: missing from the site, or named by a variable
    unread: tuple[str, ...]
    #: the page variables it prints in a heading, with the heading's level
    #: (``<h1>{{ page.title }}</h1>``: ``("title", 1)``)
    titles: frozenset[tuple[str, int]] = frozenset()


class LayoutFile(NamedTuple):
    name: str
    source: str
    parent: str | None
    scan: TemplateScan


class AmpDecision(NamedTuple):
    """Whether a post is an AMP page, and why (``reason`` is shown by ``--show-config``).

    ``chain`` is the layouts the post renders through; ``complete`` says every one of
    them and of their includes was read; ``runtime`` that one of them loads the AMP
    runtime.
    """

    amp: bool
    reason: str
    chain: tuple[str, ...] = ()
    complete: bool = False
    runtime: bool = False


def is_amp_post(post: Post, key: str) -> bool:
    """Whether the post is rendered as an AMP page (:func:`amp_decision`)."""
    return amp_decision(post, key).amp


def amp_decision(post: Post, key: str = "amp") -> AmpDecision:
    """Whether the post is an AMP page and why; computed once per post and key, and
    the site's part once per site and layout."""
    return post.memo(f"amp.decision:{key}", lambda p: _decide(p, key))


def _decide(post: Post, key: str) -> AmpDecision:
    site = post.site
    decision = _decide_alone(post) if site is None else _site_decision(post, site)
    said = _said(post, key)
    if said is not None:
        # the post's own word wins; what its layouts hold still counts for AMP007
        decision = decision._replace(amp=said[0], reason=said[1])
    return decision


def _said(post: Post, key: str) -> tuple[bool, str] | None:
    """``key: true`` or ``key: false`` in the front matter, or in the site's front-matter
    defaults for the post (a value that is not a boolean says nothing)."""
    if not key:
        return None
    meta = post.meta
    if key in meta:
        value = meta[key]
        where = "front matter"
    elif post.site is not None and post.file is not None:
        value = post.site.defaults_for(post.file).get(key)
        where = "_config.yml defaults"
    else:
        return None
    if not isinstance(value, bool):
        return None
    return value, f"{key}: {str(value).lower()} in {where}"


def _site_decision(post: Post, site: Site) -> AmpDecision:
    plugin = _plugin_reason(site)
    if plugin is not None and post.meta.get("skip_amp") is not True:
        return AmpDecision(True, plugin)
    layout, why = _post_layout(post, site)
    if layout is None:
        return AmpDecision(False, f"no layout: {why}", (), True, False)
    decision = _chain_decision(site, layout, why)
    if plugin is not None:
        decision = decision._replace(reason=f"skip_amp: true, and {decision.reason}")
    return decision


def _decide_alone(post: Post) -> AmpDecision:
    """A post without a Jekyll site: AMP when it uses AMP components and loads no
    script an AMP page would not run."""
    first = next(iter(amp_elements(post)), None)
    if first is None:
        return AmpDecision(False, "no Jekyll site, and the post uses no AMP component")
    for el in post.html.find_all("script"):
        kind = el.get("type")
        if kind is not None and (kind.value or "").strip().lower() in (
            "application/ld+json",
            "application/json",
        ):
            continue
        src = el.get("src")
        if src is not None and src.value and RUNTIME_RE.search(src.value):
            continue
        what = src.value if src is not None and src.value else "an inline script"
        return AmpDecision(
            False, f"no Jekyll site, and the post loads a script AMP pages do not run ({what})"
        )
    return AmpDecision(
        True, f"no Jekyll site: the post uses AMP components (<{first.name}>) and no other script"
    )


_DEFAULT_LAYOUT_PLUGIN = "jekyll-default-layout"


def _post_layout(post: Post, site: Site) -> tuple[str | None, str]:
    """The layout the post names (front matter, else defaults), and where from."""
    meta = post.meta
    if "layout" in meta:
        value, where = meta["layout"], "front matter"
    else:
        defaults = site.defaults_for(post.file) if post.file is not None else {}
        value, where = defaults.get("layout"), "_config.yml defaults"
        if "layout" not in defaults:
            return _default_layout(site, post)
    if value is None or value == "none":
        return None, f"layout: {value if value is not None else 'null'} in {where}"
    return (str(value).lower() if isinstance(value, bool) else str(value)), where


def _default_layout(site: Site, post: Post) -> tuple[str | None, str]:
    # Jekyll renders a post that names no layout without one; the jekyll-default-layout
    # plugin (on by default on GitHub Pages) gives a post "post" and a page "page",
    # else "default"
    if _DEFAULT_LAYOUT_PLUGIN in site.plugins or _github_pages(site):
        parts = post.file.parts if post.file is not None else ()
        first = "post" if "_posts" in parts or "_drafts" in parts else "page"
        for name in (first, "default"):
            if site.layout_file(name) is not None:
                return name, f"{_DEFAULT_LAYOUT_PLUGIN} (the post names no layout)"
    return None, "the post names none, and Jekyll renders it without one"


def _github_pages(site: Site) -> bool:
    return bool(site.amp_cache.setdefault(("github-pages",), _gemfile_has(site, "github-pages")))


def _gemfile_has(site: Site, gem: str) -> bool:
    try:
        text = (site.root / "Gemfile").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*gem\s+[\"']" + re.escape(gem) + r"[\"']", text, re.M) is not None


_AMP_JEKYLL = "amp-jekyll"
_AMP_JEKYLL_RB_RE = re.compile(r"read_yaml\([^)]*[\"']amp\.html[\"']")


def _plugin_reason(site: Site) -> str | None:
    """Why every post has an AMP version: the amp-jekyll plugin (a gem, or its generator
    copied into the plugins folder) renders each post again through _layouts/amp.html,
    unless the post says ``skip_amp: true``."""
    cached = site.amp_cache.get(("plugin",), False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    reason = None
    layout = site.root / "_layouts" / "amp.html"  # the plugin reads this path
    if layout.is_file():
        if _AMP_JEKYLL in site.plugins:
            reason = (
                f"the {_AMP_JEKYLL} plugin makes an AMP version of every post (_layouts/amp.html)"
            )
        elif site.plugins_dir.is_dir():
            for rb in sorted(site.plugins_dir.rglob("*.rb")):
                try:
                    text = rb.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                if "Generator" in text and _AMP_JEKYLL_RB_RE.search(text):
                    rel = rb.relative_to(site.root).as_posix()
                    reason = (
                        f"the generator in {rel} makes an AMP version of every post "
                        "(_layouts/amp.html)"
                    )
                    break
    site.amp_cache[("plugin",)] = reason
    return reason


def _chain_decision(site: Site, layout: str, why: str) -> AmpDecision:
    key = ("chain", layout)
    cached = site.amp_cache.get(key)
    if cached is None:
        cached = site.amp_cache[key] = _walk_chain(site, layout)
    decision: AmpDecision = cached
    if why != "front matter":
        decision = decision._replace(reason=f"{decision.reason} (layout from {why})")
    return decision


def _walk_chain(site: Site, layout: str) -> AmpDecision:
    files: list[LayoutFile] = []
    names: list[str] = []
    current: str | None = layout
    missing: str | None = None
    while current is not None and current not in names and len(names) < MAX_CHAIN:
        names.append(current)
        found = _layout_file(site, current)
        if found is None:
            missing = current
            break
        files.append(found)
        current = found.parent
    chain = " -> ".join(names)
    runtime = any(f.scan.runtime for f in files)
    unread = [u for f in files for u in f.scan.unread]
    # a layout that is not in the site may come from a theme gem, or from a
    # configuration file given at build time: never guess what it holds
    complete = not unread and missing is None
    html = next((f.scan.html for f in reversed(files) if f.scan.html is not None), None)

    def decide(amp: bool, reason: str) -> AmpDecision:
        return AmpDecision(amp, reason, tuple(names), complete, runtime)

    if html is not None and html.amp and not html.conditional:
        return decide(True, f"layout chain {chain} is an AMP document ({html.source}: {html.text})")
    if missing is not None:
        where = " (theme gem?)" if site.has_theme else ""
        return decide(False, f"layout '{missing}' not in the site{where}")
    if html is None:
        if unread:
            return decide(
                False,
                f"no <html> tag found in layout chain {chain}: {', '.join(unread)} could "
                "not be read",
            )
        return decide(False, f"no AMP layout: layout chain {chain} has no <html> tag")
    if html.conditional:
        return decide(
            False,
            f"no AMP layout: {html.source} marks <html> as AMP only under a Liquid "
            f"condition ({html.text}); say amp: true in the AMP posts' front matter",
        )
    return decide(False, f"no AMP layout: {html.source} is plain HTML ({html.text})")


def _layout_file(site: Site, name: str) -> LayoutFile | None:
    key = ("layout", name)
    if key in site.amp_cache:
        return site.amp_cache[key]  # type: ignore[no-any-return]
    found = None
    path = site.layout_file(name)
    if path is not None:
        text = _read(path)
        body, parent = _split_front_matter(text)
        found = LayoutFile(
            name, _shown(site, path), parent, _scan(site, body, _shown(site, path), 0, set())
        )
    site.amp_cache[key] = found
    return found


def _read(path: Any) -> str:
    try:
        return str(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return ""


def _shown(site: Site, path: Any) -> str:
    try:
        return str(path.relative_to(site.root).as_posix())
    except ValueError:
        return str(path)


_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def _split_front_matter(text: str) -> tuple[str, str | None]:
    """The layout's body, and the layout its front matter names (Jekyll: a layout is
    placed in the one its ``layout:`` names, until none is named)."""
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        return text, None
    from ampcheck.document.safeyaml import safe_load

    try:
        data = safe_load(m.group(1) or "")
    except Exception:  # a layout whose front matter Jekyll cannot read either
        data = None
    parent = data.get("layout") if isinstance(data, dict) else None
    body = text[m.end() :]
    if parent is None or parent == "none":
        return body, None
    return body, str(parent)


def _scan(site: Site, text: str, source: str, depth: int, seen: set[str]) -> TemplateScan:
    """The first ``<html>`` start tag of a template (its static includes followed in
    place), whether it or an include loads the AMP runtime, and the includes that
    could not be read."""
    text = _HIDDEN_RE.sub(" ", text)
    runtime = RUNTIME_RE.search(text) is not None
    html: HtmlTag | None = None
    unread: list[str] = []
    titles = {(m.group("key"), int(m.group("level"))) for m in _TITLE_HEADING_RE.finditer(text)}
    for m in _TEMPLATE_TOKEN_RE.finditer(text):
        include = m.group("include")
        if include is None:
            if html is None:
                html = _html_tag(m.group(0), m.group("attrs"), source)
            continue
        if "{" in include or m.group("relative"):
            # a name that only the page's variables give, or a file beside the layout
            # (include_relative): not followed, so what it holds is unknown
            tag = "include_relative" if m.group("relative") else "include"
            unread.append(f"{{% {tag} {include} %}} in {source}")
            continue
        name = include.strip("'\"")
        path = site.includes_dir / name
        shown = _shown(site, path)
        if depth >= MAX_INCLUDE_DEPTH or shown in seen:
            continue
        inner = _include(site, path, shown, depth, seen)
        if inner is None:
            unread.append(shown)
            continue
        runtime = runtime or inner.runtime
        unread.extend(inner.unread)
        titles |= inner.titles
        if html is None:
            html = inner.html
    return TemplateScan(html, runtime, tuple(unread), frozenset(titles))


def _include(site: Site, path: Any, shown: str, depth: int, seen: set[str]) -> TemplateScan | None:
    key = ("include", shown)
    if key in site.amp_cache:
        return site.amp_cache[key]  # type: ignore[no-any-return]
    scanned = None
    if path.is_file():
        scanned = _scan(site, _read(path), shown, depth + 1, seen | {shown})
    site.amp_cache[key] = scanned
    return scanned


def _html_tag(text: str, attrs: str, source: str) -> HtmlTag:
    """Whether an ``<html>`` start tag marks an AMP document: an attribute named
    ``amp`` (any case) or ``⚡``; one that stands only inside a Liquid ``if``,
    ``unless`` or ``case`` counts as conditional."""
    plain: list[str] = []
    guarded: list[str] = []
    depth = 0
    pos = 0
    for m in _LIQUID_TAG_RE.finditer(attrs):
        (guarded if depth else plain).append(attrs[pos : m.start()])
        pos = m.end()
        word = (m.group(1) or "").lower()
        if word in _BLOCK_OPENERS:
            depth += 1
        elif word in _BLOCK_CLOSERS and depth:
            depth -= 1
    (guarded if depth else plain).append(attrs[pos:])

    def marked(parts: list[str]) -> bool:
        names = {n.lower() for part in parts for n in _attribute_names(part)}
        return bool(names & AMP_MARKERS)

    amp = marked(plain)
    conditional = not amp and marked(guarded)
    shown = " ".join(text.split())
    if len(shown) > 80:
        shown = shown[:76] + " ...>"
    return HtmlTag(source, shown, amp or conditional, conditional)


_ATTR_SCAN_RE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]*))?""")


def _attribute_names(text: str) -> list[str]:
    return [m.group(1) for m in _ATTR_SCAN_RE.finditer(text)]


# -- the title the layouts print -------------------------------------------------

#: how the title is printed could not be told (no site, a layout or include not read)
UNKNOWN = -1


def title_level(post: Post, key: str) -> int:
    """The level of the heading element the post's layouts print ``page.<key>`` in
    (``<h1>{{ page.title }}</h1>``: 1), 0 when every layout and include of the chain
    was read and none prints it in a heading, :data:`UNKNOWN` when that cannot be told.
    The layouts are the ones the AMP-page decision reads, scanned once per site."""
    site = post.site
    if site is None or not key:
        return UNKNOWN
    layout, why = _post_layout(post, site)
    if layout is None:
        return 0  # rendered without a layout: nothing prints the title
    chain = _chain_decision(site, layout, why)
    levels = [
        level
        for name in chain.chain
        if (found := _layout_file(site, name)) is not None
        for title, level in found.scan.titles
        if title == key
    ]
    if levels:
        return min(levels)
    return 0 if chain.complete else UNKNOWN


def amp_elements(post: Post) -> list[Element]:
    """Every element of the post whose name starts with ``amp-``."""
    return post.memo("amp.elements", _amp_elements)


def _amp_elements(post: Post) -> list[Element]:
    return [el for el in post.html.elements if el.name.startswith("amp-")]


# -- the layouts of the AMP page -------------------------------------------------------


def amp_page_layouts(post: Post, key: str = "amp") -> tuple[tuple[str, ...], bool] | None:
    """The layout chain the post's AMP page renders through (the amp-jekyll plugin's
    ``amp`` layout for a post it makes an AMP version of, else the post's own), and
    whether that chain makes an AMP document; ``None`` when the post is rendered
    without a layout or has no Jekyll site."""
    site = post.site
    if site is None:
        return None
    if _plugin_reason(site) is not None and post.meta.get("skip_amp") is not True:
        layout: str | None = "amp"
        why = "front matter"
    else:
        layout, why = _post_layout(post, site)
    if layout is None:
        return None
    decision = _chain_decision(site, layout, why)
    return decision.chain, decision.amp


def layout_body(site: Site, name: str) -> tuple[str, str] | None:
    """The file of layout ``name`` as shown (``_layouts/post.html``) and its text after
    the front matter; ``None`` when the site has no such layout."""
    path = site.layout_file(name)
    if path is None:
        return None
    return _shown(site, path), _split_front_matter(_read(path))[0]
