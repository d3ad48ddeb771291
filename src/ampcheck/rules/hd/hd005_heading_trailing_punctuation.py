"""HD005: a heading ends with punctuation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.hd.headings import headings, kramdown_suffix

# As markdownlint's MD026: a heading that ends with an HTML entity reference
# (its ';') or a GitHub emoji code (its ':') does not end with punctuation.
_ENTITY_END_RE = re.compile(
    r"&(?:#\d+|#[xX][\da-fA-F]+|[a-zA-Z]{2,31}|blk\d{2}|emsp1[34]|frac\d{2}|sup\d|there4);$"
)
_EMOJI_END_RE = re.compile(
    r":(?:[abmovx]|[-+]1|100|1234|8ball|clock\d{1,4}|[a-z]{2,15}2?"
    r"|[a-z]{1,14}(?:_[a-z\d]{1,16})+):$"
)


@dataclass(frozen=True, slots=True)
class Options:
    #: the characters that count as punctuation at the end of a heading: markdownlint's
    #: default, ASCII and full-width (IDEOGRAPHIC FULL STOP, FULLWIDTH , ; : !)
    punctuation: str = ".,;:!\u3002\uff0c\uff1b\uff1a\uff01"


class HeadingTrailingPunctuation(Rule):
    code = "HD005"
    name = "heading-trailing-punctuation"
    summary = "A heading ends with punctuation"
    severity = Severity.WARNING
    fixable = FixAvailability.SOMETIMES
    enabled_by_default = False
    Options = Options

    def check(self, post: Post) -> Iterator[Violation]:
        if not self.options.punctuation:
            return
        # read backwards from the end of the heading: a search for the marks before
        # the end would try again from every blank and mark of a long run
        trailing = re.compile(r"(?:[" + re.escape(self.options.punctuation) + r"]\\?)+[ \t]*")
        text = post.text
        for heading in headings(post):
            line_start = post.line_offset(post.position(heading.content_end)[0])
            start = max(line_start, heading.start)
            end = heading.content_end
            suffix = kramdown_suffix(text, start, end)
            if suffix is not None:
                end = start + len(text[start : suffix.start()].rstrip(" \t"))
            source = text[start:end]
            m = trailing.match(source[::-1])
            if m is None or _ENTITY_END_RE.search(source) or _EMOJI_END_RE.search(source):
                continue
            a, b = end - m.end(), end
            marks = text[a:b].lstrip(" \t")
            fix = None
            if heading.plain.rstrip(self.options.punctuation + "\\ \t"):
                # not when the heading is all punctuation: it would become empty
                fix = Fix.unsafe(f"remove '{marks}'", Edit.deletion(a, b))
            yield Violation(
                b - len(marks), b, f"the heading ends with '{marks.replace(chr(92), '')}'", fix
            )
