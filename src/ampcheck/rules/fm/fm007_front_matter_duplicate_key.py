"""FM007: a front-matter key appears twice."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import KeySpan, Post
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
        for dup in fm.duplicates:
            last = fm.keys.get(dup.key)  # only text keys are there: not 1, true or null
            where = f"on line {post.position(last.start)[0]}" if last is not None else "below"
            yield Violation(
                dup.start,
                dup.end,
                f"key '{dup.key}' is set again {where}: this earlier value is ignored",
                _removal(post, dup),
            )


def _removal(post: Post, dup: KeySpan) -> Fix | None:
    """Delete the ignored entry when it fills whole lines: what YAML loads stays the same."""
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
    if not _loads_same(post, dup.start, stop):
        return None  # e.g. the entry defines an anchor that a later alias uses
    return Fix.safe(f"remove the ignored '{dup.key}' entry", Edit.deletion(dup.start, stop))


def _loads_same(post: Post, start: int, stop: int) -> bool:
    """Whether the front matter loads to the same mapping without ``text[start:stop]``."""
    after = post.with_text(post.text[:start] + post.text[stop:]).front_matter
    return after is not None and after.data is not None and after.data == post.meta
