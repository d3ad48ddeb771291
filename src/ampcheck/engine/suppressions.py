"""Inline suppressions: HTML comments and the ``ampcheck`` front-matter key.

In the body of a post (HTML comments outside code, as markdownlint reads its own)::

    <!-- ampcheck-disable TW003 amp-layout -->       from this line on
    <!-- ampcheck-enable TW003 -->                   until here
    <!-- ampcheck-disable-next-line TW003 -->        the next line only
    <!-- ampcheck-disable-line TW003 -->             the comment's own line(s)
    <!-- ampcheck-disable-file TW003 -->             the whole file

Rules are named by code (``TW003``), name (``tweet-id-format``), code prefix (``TW``) or
``ALL``; no rule at all means every rule. Text after ``:`` or `` -- `` is a reason and
is ignored. In the front matter, ``ampcheck: {ignore: [FM007]}`` disables rules for the
whole file (front-matter problems can only be suppressed so, or by ``disable-file``).

Suppressed diagnostics are dropped by the linter, so ``--fix`` does not fix them
either. What each suppression suppressed is recorded, for the ``unused-suppression``
rule (AC001), which reports the ones that suppressed nothing.
"""

from __future__ import annotations

import bisect
import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ampcheck.model import Diagnostic, Violation
from ampcheck.rule import Phase, Rule

if TYPE_CHECKING:
    from ampcheck.document.post import Post
    from ampcheck.engine.registry import ActiveRule

#: the front-matter key holding per-post settings
FRONT_MATTER_KEY = "ampcheck"
ALL = "*"

_DIRECTIVE_RE = re.compile(r"\s*ampcheck-(?P<kind>[a-z-]+)(?=\s|$)", re.IGNORECASE)
_KEY_RE = re.compile(r"[^\s,:]+")
_CODE_PREFIX_RE = re.compile(r"^[A-Z]+[0-9]*$")


class Kind(enum.Enum):
    """What a suppression covers."""

    DISABLE = "disable"
    ENABLE = "enable"
    NEXT_LINE = "disable-next-line"
    LINE = "disable-line"
    FILE = "disable-file"
    FRONT_MATTER = "front-matter"


class Key(NamedTuple):
    """One rule selector of a suppression, as written, and where it stands."""

    text: str
    start: int
    end: int

    def matches(self, code: str, name: str) -> bool:
        """Whether this selector names the rule ``code``/``name``."""
        return selector_matches(self.text, code, name)


def selector_matches(selector: str, code: str, name: str) -> bool:
    upper = selector.upper()
    if upper == "ALL" or upper == code or selector.lower() == name:
        return True
    return bool(_CODE_PREFIX_RE.match(upper)) and code.startswith(upper)


class Directive(NamedTuple):
    """A suppression comment (or the front-matter key).

    ``start``/``end`` span the comment; ``keys`` is empty for "every rule";
    ``first_line``/``last_line`` are the comment's lines; ``tail`` is the text after
    the keys as written (the reason, with its separator).
    """

    kind: Kind
    keys: tuple[Key, ...]
    start: int
    end: int
    first_line: int
    last_line: int
    tail: str = ""

    @property
    def all_rules(self) -> bool:
        return not self.keys or any(k.text.upper() == "ALL" for k in self.keys)


class Malformed(NamedTuple):
    """Something that looks like a suppression but is not one."""

    start: int
    end: int
    message: str


@dataclass
class Suppressions:
    """The suppressions of one post, and which of them suppressed something."""

    directives: list[Directive] = field(default_factory=list)
    malformed: list[Malformed] = field(default_factory=list)
    #: (directive index, key index or -1 for an all-rules directive) that suppressed
    used: set[tuple[int, int]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.directives or self.malformed)

    def apply(
        self, post: Post, diagnostics: Iterable[Diagnostic], *, explicit_only: bool = False
    ) -> list[Diagnostic]:
        """The diagnostics no suppression covers; the others are recorded as used.

        With ``explicit_only``, only suppressions that name the rule count (for
        diagnostics about suppressions themselves).
        """
        kept: list[Diagnostic] = []
        # what suppresses each rule, looked up per diagnostic: going through every
        # suppression for every diagnostic would take their product in time
        by_rule: dict[tuple[str, str], _RuleSuppressions] = {}
        for d in diagnostics:
            found = by_rule.get((d.code, d.name))
            if found is None:
                found = _RuleSuppressions(post, self.directives, d, explicit_only)
                by_rule[d.code, d.name] = found
            if not found.covers(d, self.used):
                kept.append(d)
        return kept


_Hits = list[tuple[int, int]]


class _RuleSuppressions:
    """The suppressions that name one rule, indexed by the lines and offsets they
    cover. A diagnostic is covered by a ``disable-file`` or front-matter key, a
    ``disable-next-line`` on the line before it, a ``disable-line`` on its line, or
    the last ``disable``/``enable`` before it if that is a ``disable`` (a ``disable``
    counts from the start of its line, like markdownlint's)."""

    __slots__ = ("_block_best", "_block_from", "_file", "_lines", "_recorded")

    def __init__(
        self, post: Post, directives: list[Directive], d: Diagnostic, explicit_only: bool
    ) -> None:
        self._file: _Hits = []
        self._lines: dict[int, _Hits] = {}
        # disable and enable comments by the offset they count from, each with the
        # latest of them (in text order) counting from there or before
        blocks: list[tuple[int, int, _Hits | None]] = []
        for i, directive in enumerate(directives):
            match = _matching_keys(directive, d, explicit_only)
            if not match:
                continue
            hits = [(i, k) for k in match]
            if directive.kind is Kind.DISABLE:
                blocks.append((post.line_offset(directive.first_line), i, hits))
            elif directive.kind is Kind.ENABLE:
                blocks.append((directive.start, i, None))
            elif directive.kind in (Kind.FILE, Kind.FRONT_MATTER):
                self._file.extend(hits)
            elif directive.kind is Kind.NEXT_LINE:
                self._lines.setdefault(directive.last_line + 1, []).extend(hits)
            elif directive.kind is Kind.LINE:
                for line in range(directive.first_line, directive.last_line + 1):
                    self._lines.setdefault(line, []).extend(hits)
        blocks.sort(key=lambda b: b[0])
        self._block_from = [b[0] for b in blocks]
        self._block_best: list[_Hits | None] = []
        latest = -1
        best: _Hits | None = None
        for _, i, block in blocks:
            if i > latest:
                latest, best = i, block
            self._block_best.append(best)
        # which of the hit lists above are in ``used`` already (by id): each is
        # recorded once, however many diagnostics it covers
        self._recorded: set[int] = set()

    def covers(self, d: Diagnostic, used: set[tuple[int, int]]) -> bool:
        """Whether a suppression covers ``d``; the ones that do are added to ``used``."""
        covered = False
        at = bisect.bisect_right(self._block_from, d.start) - 1
        for hits in (
            self._file,
            self._lines.get(d.line),
            self._block_best[at] if at >= 0 else None,
        ):
            if hits:
                covered = True
                if id(hits) not in self._recorded:
                    self._recorded.add(id(hits))
                    used.update(hits)
        return covered


def _matching_keys(directive: Directive, d: Diagnostic, explicit_only: bool) -> list[int]:
    if not directive.keys:
        return [] if explicit_only else [-1]
    return [
        i
        for i, key in enumerate(directive.keys)
        if key.matches(d.code, d.name) and not (explicit_only and key.text.upper() == "ALL")
    ]


def find_suppressions(post: Post) -> Suppressions:
    """Every suppression of ``post``, in text order."""
    found = Suppressions()
    if FRONT_MATTER_KEY not in post.text:
        return found  # the common case: no need to scan the HTML
    _front_matter(post, found)
    for comment in post.html.comments:
        m = _DIRECTIVE_RE.match(comment.content)
        if m is None:
            continue
        body_start = comment.start + 4  # after "<!--"
        kind_text = m.group("kind").lower()
        try:
            kind = Kind(kind_text)
        except ValueError:
            kind = None
        if kind is None or kind is Kind.FRONT_MATTER:
            known = ", ".join(f"ampcheck-{k.value}" for k in Kind if k is not Kind.FRONT_MATTER)
            found.malformed.append(
                Malformed(
                    body_start + m.start("kind") - len("ampcheck-"),
                    body_start + m.end("kind"),
                    f"unknown suppression 'ampcheck-{kind_text}' (known: {known})",
                )
            )
            continue
        rest = comment.content[m.end() :]
        keys_text, tail = _split_reason(rest)
        offset = body_start + m.end()
        keys = tuple(
            Key(k.group(), offset + k.start(), offset + k.end())
            for k in _KEY_RE.finditer(keys_text)
        )
        found.directives.append(
            Directive(
                kind,
                keys,
                comment.start,
                comment.end,
                post.position(comment.start)[0],
                post.position(max(comment.start, comment.end - 1))[0],
                tail.rstrip(),
            )
        )
    return found


def _split_reason(rest: str) -> tuple[str, str]:
    """Split ``" TW003 amp-layout: the reason "`` into the keys and the reason."""
    cut = len(rest)
    for sep in (":", " --"):
        at = rest.find(sep)
        if at != -1:
            cut = min(cut, at)
    return rest[:cut], rest[cut:]


def _front_matter(post: Post, found: Suppressions) -> None:
    fm = post.front_matter
    if fm is None or fm.data is None or FRONT_MATTER_KEY not in fm.data:
        return
    span = fm.keys.get(FRONT_MATTER_KEY)
    start, end = (span.start, span.value_end) if span else (fm.start, fm.start)
    value = fm.data[FRONT_MATTER_KEY]
    ignore = value.get("ignore") if isinstance(value, dict) else None
    if isinstance(ignore, str):
        ignore = [ignore]
    if (
        not isinstance(value, dict)
        or set(value) - {"ignore"}
        or not isinstance(ignore, list)
        or not all(isinstance(v, str) for v in ignore)
    ):
        found.malformed.append(
            Malformed(
                start,
                end,
                f"front-matter '{FRONT_MATTER_KEY}' must be a mapping with 'ignore': "
                "a list of rule codes or names",
            )
        )
        return
    keys: list[Key] = []
    search = span.value_start if span else start
    for item in ignore:
        at = post.text.find(item, search, end)
        if at == -1:
            keys.append(Key(item, start, end))
        else:
            keys.append(Key(item, at, at + len(item)))
            search = at + len(item)
    if not keys:
        return
    line = post.position(start)[0]
    found.directives.append(
        Directive(Kind.FRONT_MATTER, tuple(keys), start, end, line, post.position(end)[0])
    )


class SuppressionContext(NamedTuple):
    """What a rule judging the suppressions is given: the post's suppressions (``used``
    filled in), the rules that ran on the post without an error, and the (code, name)
    of every rule the run knows, so that a rule that is not enabled can be told from a
    misspelt one (``None``: only the rules that ran are known)."""

    found: Suppressions
    ran: Sequence[ActiveRule]
    known: tuple[tuple[str, str], ...] | None = None


class SuppressionRule(Rule):
    """A rule that judges the suppressions themselves, run after the other rules.

    The linter calls :meth:`check_suppressions` instead of :meth:`Rule.check`. Its
    diagnostics are suppressed only by suppressions that name it.
    """

    phase = Phase.SUPPRESSIONS

    def check(self, post: Post) -> Iterator[Violation]:
        return iter(())

    def check_suppressions(self, post: Post, context: SuppressionContext) -> Iterable[Violation]:
        raise NotImplementedError
