"""Files that are not UTF-8: which legacy code page explains their bytes, broken UTF-8
sequences, CESU-8 and the bytes that could not be decoded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ampcheck.document.post import bom_encoding

LEGACY = ("cp1252", "mac_roman", "latin-1")
LEGACY_NAMES = {"cp1252": "Windows-1252", "mac_roman": "Mac Roman", "latin-1": "Latin-1"}
# Characters common in text of the languages these code pages serve.
_COMMON_MARKS = frozenset("€£¥°±×·©®™§¶¢½¼¾\u00a0")


class Guess(NamedTuple):
    """The most likely encoding of bytes that are not UTF-8."""

    encoding: str
    certain: bool

    @property
    def label(self) -> str:
        return LEGACY_NAMES.get(self.encoding, self.encoding.upper())


_OPENING = frozenset("‘“„«¿¡")
_CLOSING = frozenset("’”»…")
_DASHES = frozenset("–—•")


def _score(text: str) -> tuple[int, int]:
    """(oddness, fit) of the non-ASCII characters of a decoding: how unlike ordinary
    text they look, and how many stand where such characters usually stand."""
    odd = fit = 0
    prev = " "
    for i, ch in enumerate(text):
        if ch < "\x80":
            prev = ch
            continue
        nxt = text[i + 1] if i + 1 < len(text) else " "
        if "\x80" <= ch <= "\x9f":
            odd += 4  # a C1 control: no text has these
        elif "\u00c0" <= ch <= "\u017f" and ch.isalpha():  # the letters of Europe's languages
            if ch.isupper() and prev.islower():
                odd += 2  # cafÈ: a capital inside a lowercase word
            elif prev.isalpha() or nxt.isalpha():
                fit += 1
            elif not (prev == " " and nxt == " "):
                odd += 1  # a letter alone but for punctuation: 'í, ''ì
        elif ch in _OPENING:
            fit += not prev.isalnum() and nxt.isalnum()
        elif ch in _CLOSING:
            fit += prev.isalnum() or prev in ".!?"
        elif ch in _DASHES:
            fit += prev in " " or nxt in " "
        elif ch in _COMMON_MARKS:
            pass
        elif ch.isalpha():
            odd += 1  # a rare letter (ƒ, ﬁ, ı)
        else:
            odd += 2 if (prev.isalpha() and nxt.isalpha()) else 1  # a symbol (¸ ˆ √ ∂)
        prev = ch
    return odd, fit


def guess_legacy(data: bytes) -> Guess:
    """Which 8-bit code page (or UTF-16 or UTF-32) ``data`` most likely is.

    ``certain`` when a UTF-16 or UTF-32 byte order mark says so, or when exactly one
    candidate reads as ordinary text and the others do not.
    """
    bom = bom_encoding(data)
    if bom is not None:
        return Guess(bom, True)
    scores: list[tuple[int, int, str]] = []
    for rank, encoding in enumerate(LEGACY):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        odd, fit = _score(decoded)
        scores.append((2 * odd - fit, rank, encoding))
    scores.sort()
    best = scores[0]
    # Latin-1 and Windows-1252 agree outside 80..9F: a file without those bytes is
    # both, and Windows-1252 is the one to name.
    others = [s for s in scores[1:] if not (best[2] == "cp1252" and s[2] == "latin-1")]
    certain = best[0] <= 0 and all(s[0] - best[0] >= 3 for s in others)
    return Guess(best[2], certain)


def broken_utf8(data: bytes, at_end: bool = False) -> bool:
    """Bytes shaped like UTF-8 that is not valid: a lead byte followed by continuation
    bytes (overlong C0/C1 forms, ED A0..BF surrogates, F5..F7), or, at the end of a
    file, a sequence cut short."""
    if not data or data[0] < 0xC0 or data[0] > 0xF7:
        return False
    i = 0
    while i < len(data):
        lead = data[i]
        if lead < 0xC0 or lead > 0xF7:
            return False
        size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        tail = data[i + 1 : i + size]
        if not all(0x80 <= b <= 0xBF for b in tail):
            return False
        if len(tail) < size - 1 and not at_end:
            return False
        i += size
    return True


def cesu8(data: bytes) -> str | None:
    """A character outside the BMP encoded as two UTF-8-encoded surrogates (CESU-8)."""
    if len(data) != 6:
        return None
    try:
        pair = data.decode("utf-8", "surrogatepass")
        text = pair.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeError:
        return None
    return text if len(text) == 1 and ord(text) > 0xFFFF else None


def undecodable_runs(text: str) -> Iterator[tuple[int, int, bytes]]:
    """Runs of undecodable bytes (lone surrogates U+DC80..U+DCFF) with their bytes."""
    for m in _SURROGATE_RUN_RE.finditer(text):
        yield m.start(), m.end(), bytes(ord(c) - 0xDC00 for c in m.group())


_SURROGATE_RUN_RE = re.compile("[\udc80-\udcff][\udc80-\udcff]*")  # see _codec
