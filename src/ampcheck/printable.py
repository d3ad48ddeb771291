"""How text from posts and file names is written out, whatever it holds.

A message or path may hold characters a reader must not receive raw: control
characters (C0, DEL, C1), whose escape sequences set a terminal's title or clear its
screen, and bytes of a file name that are not UTF-8. Python reads such a name with
``surrogateescape``: each undecodable byte becomes a lone surrogate (U+DC80..U+DCFF),
which no UTF-8 output can hold.

One representation serves every output: an undecodable byte of a name is written
``\\xNN`` (its value in hexadecimal: ``2018-07-02-\\xff.md``), and so is a control
character below U+0100 (``\\x1b``, ``\\x85``) in human-facing output (text, GitHub,
JUnit, standard error); any other lone surrogate is ``\\uNNNN``. Machine formats
(JSON, SARIF, baselines) keep control characters as the format's own escapes, so that
they read back as the same characters, and write undecodable bytes as ``\\xNN`` text.

An output that holds ASCII only (a C locale without Python's UTF-8 mode) gets every
other character as an escape too: JSON's ``\\u00ef``, XML's ``&#239;``, and
``\\xef`` in text (:func:`limit_to_encoding`).
"""

from __future__ import annotations

import codecs
import re
from typing import TextIO

# C0 controls (tab, LF and CR too: one diagnostic is one line), DEL, C1 controls, and
# lone surrogates
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# what json.dumps(ensure_ascii=False) leaves raw and a reader may not want raw: DEL and
# C1 controls (a terminal may act on them) and lone surrogates (no UTF-8 can hold them)
_JSON_RAW_RE = re.compile("[\x7f-\x9f\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` for a reader: control characters and undecodable bytes as ``\\xNN``."""
    if _UNPRINTABLE_RE.search(text) is None:
        return text
    return _UNPRINTABLE_RE.sub(_escape, text)


def encodable(text: str) -> str:
    """``text`` that UTF-8 can hold: undecodable bytes as ``\\xNN``, the rest as is."""
    if _SURROGATE_RE.search(text) is None:
        return text
    return _SURROGATE_RE.sub(_escape, text)


def _json_escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch <= "\x9f":
        return f"\\u{ord(ch):04x}"  # a JSON escape: it reads back as the character
    return "\\" + _escape(m)  # inside a JSON string, a backslash is written twice


def json_text(value: object, *, indent: int | None = 2, ascii: bool = False) -> str:
    """``value`` as JSON that any UTF-8 output can hold and a terminal shows safely:
    non-ASCII characters as they are (``ascii``: as escapes), control characters as
    JSON escapes, and undecodable bytes of file names as ``\\xNN`` text."""
    import json  # on first use: the text output does without it

    if ascii:
        return json.dumps(_encodable_strings(value), indent=indent)
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if text.isascii() or _JSON_RAW_RE.search(text) is None:
        return text
    # raw characters outside ASCII occur only inside JSON strings: replacing them
    # keeps the document valid
    return _JSON_RAW_RE.sub(_json_escape, text)


def _encodable_strings(value: object) -> object:
    """``value`` with :func:`encodable` applied to every string in it."""
    if isinstance(value, str):
        return encodable(value)
    if isinstance(value, dict):
        return {_encodable_strings(k): _encodable_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable_strings(v) for v in value]
    return value


def holds_unicode(out: TextIO) -> bool:
    """Whether ``out`` can hold every character: its encoding is a Unicode one (a
    stream without an encoding holds text)."""
    encoding = getattr(out, "encoding", None)
    if not encoding:
        return True
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-8", "utf-16", "utf-32"))


def limit_to_encoding(out: TextIO) -> None:
    """Let a standard stream whose encoding holds fewer characters than Unicode
    (ASCII in a C locale) write the others as ``\\xNN``/``\\uNNNN`` escapes."""
    reconfigure = getattr(out, "reconfigure", None)
    if reconfigure is not None and not holds_unicode(out):
        reconfigure(errors="backslashreplace")
