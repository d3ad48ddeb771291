"""Places in a buffer as the Language Server Protocol counts them.

ampcheck counts characters (code points) from the start of the text; a client
counts lines and, within a line, UTF-16 code units unless it agreed to another
encoding (``positionEncoding``: ``utf-8``, ``utf-16`` or ``utf-32``). A character
beyond the Basic Multilingual Plane (an emoji) is one code point, two UTF-16 units
and four UTF-8 bytes.
"""

from __future__ import annotations

import bisect
import re

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"

#: a UTF-16 surrogate standing alone (a pair arrives as one code point)
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` with each lone surrogate (which no encoding can write) replaced by
    U+FFFD, one character for one: offsets stay the same."""
    return _LONE_SURROGATE_RE.sub("\ufffd", text)


def units(text: str, encoding: str) -> int:
    """How many code units of ``encoding`` ``text`` takes."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if c > "\uffff")


class Lines:
    """The lines of a text (ended by ``\\n``; a ``\\r`` before it ends the line too),
    to turn character offsets into (line, unit) positions and back."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        self.starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = find("\n", pos + 1)

    def position(self, offset: int) -> tuple[int, int]:
        """The 0-based line and the code units before ``offset`` on it."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, units(self.text[self.starts[line] : offset], self.encoding)

    def offset(self, line: int, unit: int) -> int:
        """The character offset of a (line, code unit) position, clamped to its line."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start = self.starts[line]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        if end > start and self.text[end - 1] == "\r":
            end -= 1
        counted = 0
        for i in range(start, end):
            if counted >= unit:
                return i
            counted += units(self.text[i], self.encoding)
        return end
