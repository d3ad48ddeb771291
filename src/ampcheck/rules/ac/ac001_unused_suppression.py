"""AC001: a suppression comment or front-matter ignore suppresses nothing."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ampcheck.engine.suppressions import (
    Directive,
    Key,
    Kind,
    SuppressionContext,
    SuppressionRule,
)
from ampcheck.model import Edit, Fix, FixAvailability, Severity, Violation

if TYPE_CHECKING:
    from ampcheck.document.post import Post

_WHERE = {
    Kind.DISABLE: "after it",
    Kind.NEXT_LINE: "on the next line",
    Kind.LINE: "on this line",
    Kind.FILE: "in this file",
    Kind.FRONT_MATTER: "in this file",
}
_FIXABLE_KINDS = (Kind.NEXT_LINE, Kind.LINE, Kind.FILE)
#: a comment naming more rules than this gets no fix that keeps some of them: each
#: unused rule's problem carries the whole new list, which would cost time and
#: memory quadratic in the length of the comment
MAX_KEYS_FIXED = 100


class UnusedSuppression(SuppressionRule):
    code = "AC001"
    name = "unused-suppression"
    summary = "A suppression comment or front-matter ignore suppresses nothing"
    severity = Severity.WARNING
    fixable = FixAvailability.SOMETIMES
    enabled_by_default = False

    def check_suppressions(self, post: Post, context: SuppressionContext) -> Iterator[Violation]:
        found = context.found
        for bad in found.malformed:
            yield Violation(bad.start, bad.end, bad.message)
        ran_rules = [(a.code, a.name) for a in context.ran]
        known = context.known if context.known is not None else tuple(ran_rules)
        for i, directive in enumerate(found.directives):
            if directive.kind is Kind.ENABLE:
                for key in directive.keys:
                    if not _names_any(key, known):
                        yield Violation(key.start, key.end, _unknown(key))
                continue
            if not directive.keys:
                if (i, -1) not in found.used:
                    where = _WHERE[directive.kind]
                    message = f"unused suppression: no problem {where} to suppress"
                    yield Violation(directive.start, directive.end, message)
                continue
            removable: set[int] = set()
            findings: list[tuple[int, Key, str]] = []
            for k, key in enumerate(directive.keys):
                if _names_any(key, ((self.code, self.name),)) and key.text.upper() != "ALL":
                    continue  # a suppression of this rule is not judged by it
                if (i, k) in found.used:
                    continue
                if _names_any(key, ran_rules):
                    removable.add(k)
                    message = f"unused suppression: no {key.text} problem {_WHERE[directive.kind]}"
                elif _names_any(key, known):
                    message = f"unused suppression: {key.text} is not enabled"
                else:
                    message = _unknown(key)
                findings.append((k, key, message))
            fix = _fix(post, directive, removable) if removable else None
            for k, key, message in findings:
                yield Violation(key.start, key.end, message, fix if k in removable else None)


def _names_any(key: Key, rules: Sequence[tuple[str, str]]) -> bool:
    return any(key.matches(code, name) for code, name in rules)


def _unknown(key: Key) -> str:
    return f"unknown rule '{key.text}' in a suppression (see ampcheck --list-rules)"


def _fix(post: Post, directive: Directive, removable: set[int]) -> Fix | None:
    if directive.kind not in _FIXABLE_KINDS:
        return None  # a disable has its enable; front matter is YAML
    keys = directive.keys
    if len(removable) < len(keys):
        if len(keys) > MAX_KEYS_FIXED:
            return None
        kept = [k.text for i, k in enumerate(keys) if i not in removable]
        between = post.text[keys[0].start : keys[-1].end]
        new = (", " if "," in between else " ").join(kept)
        title = "remove the unused rules from the suppression"
        return Fix.safe(title, Edit(keys[0].start, keys[-1].end, new))
    edit = _removal(post, directive)
    return Fix.safe("remove the unused suppression", edit) if edit is not None else None


def _removal(post: Post, d: Directive) -> Edit | None:
    """Delete the comment; with its lines when it stands alone on them and deleting
    them joins no Markdown blocks (a blank line or the body's edge is next to it)."""
    text = post.text
    line_start = post.line_offset(d.first_line)
    line_end = post.line_end(d.last_line)
    before, after = text[line_start : d.start], text[d.end : line_end]
    if before.strip() or after.strip():
        start = d.start
        if not after.strip():
            while start > line_start and text[start - 1] in " \t":
                start -= 1  # blanks left at the end of the line would be a hard break
        return Edit.deletion(start, d.end)
    last = len(post.line_starts)
    next_start = post.line_offset(d.last_line + 1) if d.last_line < last else len(text)
    prev_blank = d.first_line <= post.body_first_line or not _line(post, d.first_line - 1)
    next_blank = d.last_line >= last or not _line(post, d.last_line + 1)
    if prev_blank or next_blank:
        return Edit.deletion(line_start, next_start)
    return None


def _line(post: Post, line: int) -> str:
    return post.text[post.line_offset(line) : post.line_end(line)].strip()
