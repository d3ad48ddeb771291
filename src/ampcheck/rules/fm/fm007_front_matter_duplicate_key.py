"""FM007: a front-matter key appears twice."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.document.frontmatter import KeySpan
from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.rule import Rule


class FrontMatterDuplicateKey(Rule):
    code = "FM007"
    name = "front-matter-duplicate-key"
    summary = "A front-matter key appears twice; YAML keeps only the last value"
    fixable = FixAvailability.SOMETIMES

    def check(self, post: Post) -> Iterator[Violation]:
        fm = post.front_matter
        if fm is None or fm.data is None:
            return
        removals = [_removal_span(post, dup) for dup in fm.duplicates]
        safe = _loads_same_each(post, [span for span in removals if span is not None])
        for dup, span in zip(fm.duplicates, removals, strict=True):
            last = fm.keys.get(dup.key)  # only text keys are there: not 1, true or null
            where = f"on line {post.position(last.start)[0]}" if last is not None else "below"
            fix = None
            if span is not None and span in safe:
                fix = Fix.safe(f"remove the ignored '{dup.key}' entry", Edit.deletion(*span))
            yield Violation(
                dup.start,
                dup.end,
                f"key '{dup.key}' is set again {where}: this earlier value is ignored",
                fix,
            )


#: front-matter loads one post may spend on telling which removals keep the mapping
#: (one for all of them when, as usual, they all do), and the characters they may
#: read in all after the first: a large front matter gets fewer
MAX_LOADS = 64
MAX_LOADED = 500_000

# an anchor (``&name``) and an alias (``*name``), as YAML's scanner ends their names
_ANCHOR_RE = re.compile(r"&([^\s,\[\]{}]+)")
_ALIAS_RE = re.compile(r"\*([^\s,\[\]{}]+)")


def _removal_span(post: Post, dup: KeySpan) -> tuple[int, int] | None:
    """The ignored entry's whole lines, when it fills them; else ``None``."""
    line = post.position(dup.start)[0]
    if post.line_offset(line) != dup.start:
        return None  # not at the start of its line (flow mapping, or indented)
    end_line, end_col = post.position(dup.value_end)
    text = post.text
    stop = dup.value_end
    if end_col != 1 or stop == dup.start:
        # the value ends inside a line: only blanks and a comment may follow it
        rest_end = post.line_end(end_line)
        rest = text[stop:rest_end].strip()
        if rest and not rest.startswith("#"):
            return None
        stop = post.line_offset(end_line + 1) if end_line < len(post.line_starts) else len(text)
    return dup.start, stop


def _loads_same_each(post: Post, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans whose removal, each on its own, leaves what YAML loads the same.

    Loading the front matter again for each would take time quadratic in its size:
    the spans are removed together, and only a group whose removal changes the
    mapping is split in halves to find the entries that do (such as one defining an
    anchor that a later alias uses). An entry that may define an anchor is judged
    on its own: without it, an alias in another removed entry would break. At most
    :data:`MAX_LOADS` loads; entries not judged by then get no fix.
    """
    safe: set[tuple[int, int]] = set()
    text = post.text
    fm = post.front_matter
    assert fm is not None
    aliased = set(_ALIAS_RE.findall(text, fm.content_start, fm.content_end))
    anchored = [span for span in spans if _defines(text, span, aliased)]
    plain = [span for span in spans if not _defines(text, span, aliased)]
    groups = [[span] for span in anchored] + ([plain] if plain else [])
    loads = loaded = 0
    size = fm.content_end - fm.content_start
    while groups and loads < MAX_LOADS and (loads == 0 or loaded + size <= MAX_LOADED):
        group = groups.pop()
        loads += 1
        loaded += size if loads > 1 else 0
        if _loads_same(post, group):
            safe.update(group)
        elif len(group) > 1:
            half = len(group) // 2
            groups += [group[half:], group[:half]]
    return safe


def _defines(text: str, span: tuple[int, int], aliased: set[str]) -> bool:
    """Whether the entry may define an anchor that an alias names."""
    start, stop = span
    return "&" in text[start:stop] and any(
        name in aliased for name in _ANCHOR_RE.findall(text, start, stop)
    )


def _loads_same(post: Post, spans: list[tuple[int, int]]) -> bool:
    """Whether the front matter loads to the same mapping without the ``spans`` (a
    duplicate nested in an ignored value lies inside that value's span)."""
    text = post.text
    parts: list[str] = []
    pos = 0
    for start, stop in sorted(spans):
        parts.append(text[pos:start] if start > pos else "")
        pos = max(pos, stop)
    parts.append(text[pos:])
    after = post.with_text("".join(parts)).front_matter
    return after is not None and after.data is not None and after.data == post.meta
