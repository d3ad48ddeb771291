"""EN002: the file is not valid UTF-8."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Applicability, Edit, Fix, FixAvailability, Violation
from ampcheck.rule import Rule
from ampcheck.rules.en.legacy import (
    LEGACY_NAMES,
    broken_utf8,
    cesu8,
    guess_legacy,
    undecodable_runs,
)


class NotUtf8(Rule):
    code = "EN002"
    name = "not-utf8"
    summary = "The file is not valid UTF-8"
    fixable = FixAvailability.ALWAYS

    def check(self, post: Post) -> Iterator[Violation]:
        bad = post.first_undecodable
        if bad is None:
            return
        runs = list(undecodable_runs(post.text))
        first = runs[0][0]
        count = sum(end - start for start, end, _ in runs)
        where = f"not UTF-8: byte 0x{post.data[bad]:02X} at byte offset {bad} cannot be decoded"
        if count > 1:
            where += f" ({count} undecodable bytes in all)"
        guess = guess_legacy(post.data)
        if guess.encoding in ("utf-16", "utf-32"):
            yield _unicode(post, guess.encoding)
            return
        size = len(post.text)
        broken = [data for _, end, data in runs if broken_utf8(data, end == size)]
        if broken:
            yield from _broken(post, runs, where)
            return
        body = post.text[1:] if post.has_bom else post.text
        if any(ch >= "\x80" and not "\udc80" <= ch <= "\udcff" for ch in body):
            # valid UTF-8 beside undecodable bytes: only those bytes are legacy text
            guess = guess_legacy(b" ".join(data for _, _, data in runs))
            label = LEGACY_NAMES[guess.encoding]
            message = f"{where}; those bytes look like {label} in a file that is otherwise UTF-8"
            applicability = Applicability.UNSAFE
        elif guess.certain:
            label = LEGACY_NAMES[guess.encoding]
            message = f"{where}; the file is {label}"
            applicability = Applicability.SAFE
        else:
            label = LEGACY_NAMES[guess.encoding]
            message = f"{where}; the file is most likely {label} (other code pages read too)"
            applicability = Applicability.UNSAFE
        edits = [Edit(start, end, data.decode(guess.encoding)) for start, end, data in runs]
        yield Violation(
            first,
            first + 1,
            message,
            Fix(tuple(edits), applicability, f"transcode from {label} to UTF-8"),
        )


def _unicode(post: Post, encoding: str) -> Violation:
    """A file that a byte order mark says is UTF-16 or UTF-32: transcoded whole. The
    problem is shown at the mark."""
    first = 0
    label = encoding.upper()
    try:
        text = post.data.decode(encoding)
    except UnicodeDecodeError:  # cut short, or a lone surrogate: nothing to convert
        return Violation(
            first,
            first + 1,
            f"not UTF-8: the file starts with a {label} byte order mark, but is not "
            f"valid {label} either (cut short?)",
        )
    title = f"transcode from {label} to UTF-8"
    edit = Edit(0, len(post.text), text)
    odd = _NOT_TEXT_RE.search(text)
    if odd is not None:
        # a byte order mark by chance, or another encoding's: read this way the bytes
        # are no text, and the conversion is only a guess
        return Violation(
            first,
            first + 1,
            f"not UTF-8: the file starts with a {label} byte order mark, but read as "
            f"{label} it holds U+{ord(odd.group()):04X}, which is no text",
            Fix.unsafe(title, edit),
        )
    return Violation(
        first,
        first + 1,
        f"not UTF-8: the file is {label} (it starts with a {label} byte order mark)",
        Fix.safe(title, edit),
    )


# what text read in the right encoding does not hold: NUL and the other C0 controls
# but tab, line feed, form feed and carriage return, and the noncharacters U+FFFE and
# U+FFFF (a byte order mark read the wrong way round)
_NOT_TEXT_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")


def _broken(post: Post, runs: list[tuple[int, int, bytes]], where: str) -> Iterator[Violation]:
    """UTF-8 that was damaged, not another code page: encoded surrogates (CESU-8,
    repaired exactly), overlong forms, sequences cut short. Each run is reported."""
    for start, end, data in runs:
        pair = cesu8(data)
        if pair is not None:
            yield Violation(
                start,
                end,
                f"not UTF-8: '{pair}' is encoded as a surrogate pair (CESU-8), "
                "which UTF-8 does not allow",
                Fix.safe(f"encode '{pair}' as UTF-8", Edit(start, end, pair)),
            )
        elif broken_utf8(data, end == len(post.text)):
            shown = " ".join(f"{b:02X}" for b in data)
            yield Violation(
                start,
                end,
                f"not UTF-8: bytes {shown} are broken UTF-8 (a sequence cut short, an "
                "overlong form or an encoded surrogate); the character is lost",
            )
        else:
            yield Violation(start, end, f"{where}; these bytes are in no UTF-8 form")
