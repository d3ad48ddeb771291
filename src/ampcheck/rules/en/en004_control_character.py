"""EN004: control, zero-width and bidirectional-override characters."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.document.post import Post, bom_encoding, utf16_without_bom
from ampcheck.model import Edit, Fix, FixAvailability, Severity, Violation
from ampcheck.rule import Rule
from ampcheck.rules.en.en001_mojibake import mojibake, shown

# C0 controls but tab, LF and CR; DEL; C1 controls.
# (a class, then its repeat: re searches for a leading class several times faster)
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_CONTROL_RE = re.compile(_CONTROL + _CONTROL + "*")
# Invisible characters that change how text reads without showing: zero width space,
# word joiner, a byte order mark inside the text, and the embedding, override and
# isolate controls (Unicode UAX #9) used to disguise text. Joiners (U+200C/U+200D)
# and the marks LRM/RLM/ALM belong in emoji sequences and right-to-left text.
_INVISIBLE = {
    "\u200b": "zero width space",
    "\u2060": "word joiner",
    "\ufeff": "zero width no-break space (a byte order mark inside the text)",
    "\u202a": "left-to-right embedding",
    "\u202b": "right-to-left embedding",
    "\u202c": "pop directional formatting",
    "\u202d": "left-to-right override",
    "\u202e": "right-to-left override",
    "\u2066": "left-to-right isolate",
    "\u2067": "right-to-left isolate",
    "\u2068": "first strong isolate",
    "\u2069": "pop directional isolate",
}
_INVISIBLE_RE = re.compile("[" + "".join(_INVISIBLE) + "]")


def _name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


# A terminal colour or cursor sequence (ECMA-48 CSI): removed whole, not just its ESC.
_ESCAPE_RE = re.compile("\x1b\\[[0-?]*[ -/]*[@-~]")
# Windows-1252 text read as Latin-1 leaves C1 controls that stand for characters.
_WINDOWS_1252 = {
    chr(b): bytes([b]).decode("cp1252")
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


class ControlCharacter(Rule):
    code = "EN004"
    name = "control-character"
    summary = "A control character, or an invisible zero-width or bidi control character"
    fixable = FixAvailability.SOMETIMES

    def check(self, post: Post) -> Iterator[Violation]:
        text = post.text
        if bom_encoding(post.data) is not None and post.first_undecodable is not None:
            return  # UTF-16 or UTF-32: its NUL bytes are parts of characters; EN002 converts it
        if "\0" in text and utf16_without_bom(post.data) is not None:
            return  # the same without a byte order mark
        damaged = [(r.start, r.end) for r in mojibake(post)] if not text.isascii() else []
        legacy = post.first_undecodable is not None
        for m in _CONTROL_RE.finditer(text):
            if legacy and _in_legacy_bytes(text, m.start(), m.end()):
                continue
            for start, end in _outside(m.start(), m.end(), damaged):
                yield from _controls(text, start, end)
        for m in _INVISIBLE_RE.finditer(text, 1 if post.has_bom else 0):
            if post.in_code(m.start()):
                continue
            ch = m.group()
            yield Violation(
                m.start(),
                m.end(),
                f"invisible {_name(ch)} {_INVISIBLE[ch]}: it changes how the text reads or "
                "matches without showing",
                severity=Severity.WARNING,  # it may be meant: the author decides
            )


def _in_legacy_bytes(text: str, start: int, end: int) -> bool:
    """Whether C1 controls stand against undecodable bytes: bytes of a legacy file that
    make valid UTF-8 by chance (Shift_JIS ``C2 82`` reads as U+0082). They are part of
    the text EN002 transcodes, not controls of their own."""
    if not all("\x80" <= ch <= "\x9f" for ch in text[start:end]):
        return False
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "\udc80" <= before <= "\udcff" or "\udc80" <= after <= "\udcff"


def _outside(start: int, end: int, spans: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The parts of ``start..end`` outside the spans (mojibake, which EN001 restores)."""
    pos = start
    for a, b in spans:
        if b <= pos or a >= end:
            continue
        if a > pos:
            yield pos, a
        pos = max(pos, b)
    if pos < end:
        yield pos, end


def _controls(text: str, start: int, end: int) -> Iterator[Violation]:
    run = text[start:end]
    escape = _ESCAPE_RE.match(text, start) if run[0] == "\x1b" else None
    if escape is not None:
        yield Violation(
            start,
            escape.end(),
            f"terminal escape sequence {shown(escape.group())} in the text",
            Fix.safe("remove the escape sequence", Edit.deletion(start, escape.end())),
        )
        if escape.end() < end:
            yield from _controls(text, escape.end(), end)
        return
    chars = ", ".join(_name(ch) for ch in run)
    what = "control character" if len(run) == 1 else "control characters"
    if all(ch in _WINDOWS_1252 for ch in run):
        meant = "".join(_WINDOWS_1252[ch] for ch in run)
        yield Violation(
            start,
            end,
            f"{what} {chars} in the text: Windows-1252 text read as Latin-1 "
            f"(Windows-1252 has '{meant}' there)",
            Fix.unsafe(f"replace with '{meant}'", Edit(start, end, meant)),
        )
        return
    between_words = (
        set(run) <= {"\x0b", "\x0c"}
        and start > 0
        and end < len(text)
        and not text[start - 1].isspace()
        and not text[end].isspace()
        and text[start - 1] not in "\"'="
        and text[end] not in "\"'"
    )
    if between_words:
        # a vertical tab or form feed between words stood for a line break: keep a space
        fix = Fix.safe(f"replace {chars} with a space", Edit(start, end, " "))
    else:
        fix = Fix.safe(f"remove {chars}", Edit.deletion(start, end))
    yield Violation(start, end, f"{what} {chars} in the text", fix)
