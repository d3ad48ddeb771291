"""EN002: the file is not valid UTF-8."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.document.post import NOT_TEXT_RE, Post, utf16_without_bom
from ampcheck.model import Applicability, Edit, Fix, FixAvailability, Violation
from ampcheck.rule import Rule
from ampcheck.rules.en.legacy import (
    SINGLE_BYTE,
    Guess,
    broken_utf8,
    cesu8,
    guess_legacy,
    label,
    undecodable_runs,
)

_BOM = b"\xef\xbb\xbf"


class NotUtf8(Rule):
    code = "EN002"
    name = "not-utf8"
    summary = "The file is not valid UTF-8"
    fixable = FixAvailability.ALWAYS

    def check(self, post: Post) -> Iterator[Violation]:
        bad = post.first_undecodable
        if bad is None:
            if "\0" in post.text and utf16_without_bom(post.data) is not None:
                wide = guess_legacy(post.data)  # ASCII in UTF-16: valid UTF-8 with NULs
                if wide.encoding.startswith("utf-16-"):
                    yield _wide(post, wide)
            return
        runs = list(undecodable_runs(post.text))
        count = sum(end - start for start, end, _ in runs)
        where = f"not UTF-8: byte 0x{post.data[bad]:02X} at byte offset {bad} cannot be decoded"
        if count > 1:
            where += f" ({count} undecodable bytes in all)"
        body = post.data[len(_BOM) :] if post.data.startswith(_BOM) else post.data
        guess = guess_legacy(body)
        if guess.encoding in ("utf-16", "utf-32"):
            yield _unicode(post, guess.encoding)
            return
        if guess.encoding.startswith("utf-16-"):
            yield _wide(post, guess)
            return
        size = len(post.text)
        broken = sum(1 for _, end, data in runs if broken_utf8(data, end == size))
        # a file in one code page may hold such bytes by chance (Shift_JIS C0 8D reads
        # as an overlong form): damaged UTF-8 is mostly such runs; CESU-8 is exact
        if any(cesu8(data) for _, _, data in runs) or (
            broken and not guess.certain and broken * 2 >= len(runs)
        ):
            yield from _broken(post, runs, where)
            return
        if _mixed(post, guess):
            yield _pasted(runs, where)
            return
        yield _legacy(post, runs, where, guess)


def _mixed(post: Post, whole: Guess) -> bool:
    """Whether the file is UTF-8 with a few bytes of another encoding pasted in, rather
    than a file in that encoding whose bytes happen to hold valid UTF-8 sequences: it
    has non-ASCII UTF-8 text, and read as UTF-8 around the pasted bytes it looks no
    worse than read whole in the best code page."""
    if not _utf8_text(post):
        return False
    if whole.odd or whole.text is None:
        return True
    from ampcheck.rules.en.legacy import reading

    body = post.text[1:] if post.has_bom else post.text
    pasted = guess_legacy(b" ".join(data for _, _, data in undecodable_runs(body)))
    fixed = "".join(
        bytes(ord(c) - 0xDC00 for c in part).decode(pasted.encoding, "replace")
        if "\udc80" <= part[0] <= "\udcff"
        else part
        for part in _SPLIT_RE.findall(body)
    )
    return reading(pasted.encoding, fixed).value <= reading(whole.encoding, whole.text).value


def _utf8_text(post: Post) -> bool:
    """Whether the file holds valid UTF-8 that is not ASCII."""
    body = post.text[1:] if post.has_bom else post.text
    return any(ch >= "\x80" and not "\udc80" <= ch <= "\udcff" for ch in body)


_SPLIT_RE = re.compile("[\udc80-\udcff]+|[^\udc80-\udcff]+")


def _pasted(runs: list[tuple[int, int, bytes]], where: str) -> Violation:
    """Valid UTF-8 beside undecodable bytes: only those bytes are legacy text."""
    guess = guess_legacy(b" ".join(data for _, _, data in runs))
    name = guess.label
    message = (
        f"{where}; those bytes look like {name} in a file that is otherwise UTF-8 "
        f"(--unsafe-fixes transcodes only them: a few bytes are little to judge by)"
    )
    edits = [Edit(start, end, data.decode(guess.encoding, "replace")) for start, end, data in runs]
    title = f"transcode the undecodable bytes from {name} to UTF-8"
    return Violation(
        runs[0][0], runs[0][0] + 1, message, Fix(tuple(edits), Applicability.UNSAFE, title)
    )


def _legacy(post: Post, runs: list[tuple[int, int, bytes]], where: str, guess: Guess) -> Violation:
    """A file in one legacy code page: transcoded whole (in a code page of single
    bytes, only the undecodable bytes change)."""
    name = guess.label
    if guess.certain:
        message = f"{where}; the file is {name} (transcoding is safe: {_why_safe(guess)})"
    else:
        named = " or ".join([name, *(label(e) for e in guess.rivals[:2])])
        message = (
            f"{where}; the file is probably {named}; --unsafe-fixes transcodes it as "
            f"{name} ({_why_unsafe(guess)})"
        )
    start = 1 if post.has_bom else 0
    if guess.text is None or (guess.encoding in SINGLE_BYTE and not _utf8_text(post)):
        edits = tuple(Edit(s, e, data.decode(guess.encoding)) for s, e, data in runs)
    else:  # bytes that make UTF-8 by chance (гіё: E3 B3 B8), or ASCII in a sequence
        edits = (Edit(start, len(post.text), guess.text),)
    applicability = Applicability.SAFE if guess.certain else Applicability.UNSAFE
    fix = Fix(edits, applicability, f"transcode from {name} to UTF-8")
    return Violation(runs[0][0], runs[0][0] + 1, message, fix)


def _why_safe(guess: Guess) -> str:
    return "no other code page reads it as text, and it converts back to the same bytes"


def _why_unsafe(guess: Guess) -> str:
    if guess.rivals:
        return "other code pages read it as text too"
    if guess.odd:
        return "read so, it still holds characters that are seldom in text"
    if guess.detector is not None:
        return f"charset-normalizer reads it as {label(guess.detector)}"
    return "too little text to be sure"


def _wide(post: Post, guess: Guess) -> Violation:
    """UTF-16 without a byte order mark: every other byte of its ASCII is a NUL."""
    name = guess.label
    text = guess.text or ""
    return Violation(
        0,
        1,
        f"not UTF-8: the file is {name} without a byte order mark (transcoding is safe: "
        "every other byte of its ASCII text is a NUL, and read so it holds no control "
        "character)",
        Fix.safe(f"transcode from {name} to UTF-8", Edit(0, len(post.text), text)),
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
    odd = NOT_TEXT_RE.search(text)
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
