"""FM008: the layout names no file in the site's _layouts folder."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule

# Jekyll renders a post without a layout when the layout is exactly "none", or null
# (which YAML loads as None, not a string): "None" or a quoted "null" are layout names.
NO_LAYOUT = "none"


class LayoutUnknown(Rule):
    code = "FM008"
    name = "layout-unknown"
    summary = "The layout names no file in the site's _layouts folder"

    def check(self, post: Post) -> Iterator[Violation]:
        fm = post.front_matter
        if post.site is None or fm is None or fm.data is None:
            return
        layout = fm.data.get("layout")
        if not isinstance(layout, str) or layout == NO_LAYOUT:
            return
        known = post.site.layouts()
        if known is None or layout in known:
            return
        span = fm.keys["layout"]
        message = f"layout '{layout}' is not in {_folder(post)} (layouts: {_listed(known)})"
        if layout.strip().lower() in ("none", "null"):
            message += "; only 'none' in lower case, or an unquoted null, turns the layout off"
        yield Violation(span.value_start, span.value_end, message)


#: layouts named in the message at most (a layouts folder may hold a whole site)
MAX_LISTED = 20


def _listed(known: set[str]) -> str:
    names = sorted(known)
    listed = ", ".join(names[:MAX_LISTED]) or "none"
    if len(names) > MAX_LISTED:
        listed += f" and {len(names) - MAX_LISTED:,} more"
    return listed


def _folder(post: Post) -> str:
    """The layouts folder, from the site's root (``_layouts/``)."""
    assert post.site is not None
    try:
        rel = post.site.layouts_dir.relative_to(post.site.root).as_posix()
    except ValueError:  # pragma: no cover - in_source keeps it inside
        rel = post.site.layouts_dir.name
    return "the site's root folder" if rel == "." else f"{rel}/"
