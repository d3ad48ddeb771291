"""EN004: control, zero-width and bidirectional-override characters."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.post import Post
from ampcheck.rule import Rule
from ampcheck.rules.mojibake import mojibake

# C0 controls but tab, LF and CR; DEL; C1 controls.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
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


class ControlCharacter(Rule):
    code = "EN004"
    name = "control-character"
    summary = "A control character, or an invisible zero-width or bidi control character"
    fixable = FixAvailability.SOMETIMES

    def check(self, post: Post) -> Iterator[Violation]:
        text = post.text
        if text.isascii() and text.isprintable():
            return
        damaged = [(r.start, r.end) for r in mojibake(post)] if not text.isascii() else []
        for m in _CONTROL_RE.finditer(text):
            if any(a <= m.start() and m.end() <= b for a, b in damaged):
                continue  # part of mojibake: EN001 restores it
            chars = ", ".join(_name(ch) for ch in m.group())
            what = "control character" if len(m.group()) == 1 else "control characters"
            yield Violation(
                m.start(),
                m.end(),
                f"{what} {chars} in the text",
                Fix.safe(f"remove {chars}", Edit.deletion(m.start(), m.end())),
            )
        for m in _INVISIBLE_RE.finditer(text, 1 if post.has_bom else 0):
            if post.in_code(m.start()):
                continue
            ch = m.group()
            yield Violation(
                m.start(),
                m.end(),
                f"invisible {_name(ch)} {_INVISIBLE[ch]}: it changes how the text reads or "
                "matches without showing",
            )
