"""Finding and undoing mojibake: UTF-8 text that was decoded with an 8-bit codec.

When UTF-8 bytes are decoded as Mac Roman, Windows-1252 or Latin-1, every byte of a
multi-byte character becomes one character of the 8-bit codec: ``’`` (E2 80 99)
becomes ``‚Äô`` (Mac Roman) or ``â€™`` (Windows-1252). Because each such character
stands for exactly one byte, encoding a damaged span back with the same codec gives
the original bytes, and decoding those as UTF-8 gives the original text exactly.

UTF-8's structure makes this safe to detect: a lead byte (C2..F4) must be followed by
the right number of continuation bytes (80..BF), so correct text in these scripts
rarely encodes to valid multi-byte UTF-8. The rare ambiguous case is a lone
two-character pair (``Ã©``, ``√©``); it is repaired only when the post shows the
same damage elsewhere, or when the pair stands inside a word and decodes to a
letter of the word's script.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

MAX_ROUNDS = 3  # text damaged twice (or three times) over is repaired in rounds


@dataclass(frozen=True, slots=True)
class Codec:
    """An 8-bit codec as a map from characters to bytes (only the high half)."""

    name: str
    to_byte: dict[str, int]
    run_re: re.Pattern[str]


def _codec(name: str, decode: dict[int, list[str]]) -> Codec:
    to_byte = {ch: b for b, chars in decode.items() for ch in chars}
    cls = "".join(re.escape(ch) for ch in sorted(to_byte))
    return Codec(name, to_byte, re.compile(f"[{cls}]{{2,}}"))


@lru_cache(maxsize=None)
def codecs() -> tuple[Codec, ...]:
    mac = {b: [bytes([b]).decode("mac_roman")] for b in range(0x80, 0x100)}
    # Windows-1252 as browsers read it: the five undefined bytes become the C1
    # controls of the same number (WHATWG Encoding, windows-1252 index); text decoded
    # as Latin-1 has C1 controls for all of 80..9F, so those count for the same bytes.
    win: dict[int, list[str]] = {}
    for b in range(0x80, 0x100):
        chars = {chr(b)}
        try:
            chars.add(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            pass
        win[b] = sorted(chars)
    return (_codec("Mac Roman", mac), _codec("Windows-1252", win))


@dataclass(frozen=True, slots=True)
class Repair:
    """A damaged span of text and its exact original."""

    start: int
    end: int
    original: str
    repaired: str
    codec: str


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    decoded: str
    strong: bool


def _sequences(text: str, start: int, end: int, codec: Codec) -> Iterator[tuple[int, int, str]]:
    """Valid multi-byte UTF-8 sequences inside a run of high characters."""
    data = bytes(codec.to_byte[ch] for ch in text[start:end])
    i = 0
    n = len(data)
    while i < n:
        lead = data[i]
        size = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if lead <= 0xF4 else 0
        if size and i + size <= n:
            try:
                ch = data[i : i + size].decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                yield start + i, start + i + size, ch
                i += size
                continue
        i += 1


def _plausible(decoded: str) -> bool:
    """No control, unassigned or private-use character comes out of a repair."""
    return not any(unicodedata.category(ch) in ("Cc", "Cn", "Cs", "Co") for ch in decoded)


def _spans(text: str, codec: Codec) -> Iterator[_Span]:
    for run in codec.run_re.finditer(text):
        group: list[tuple[int, int, str]] = []
        for seq in _sequences(text, run.start(), run.end(), codec):
            if group and group[-1][1] != seq[0]:
                yield _make_span(group)
                group = []
            group.append(seq)
        if group:
            yield _make_span(group)


def _make_span(group: list[tuple[int, int, str]]) -> _Span:
    start, end = group[0][0], group[-1][1]
    decoded = "".join(ch for _, _, ch in group)
    # Two or more characters, or one of three or four bytes: correct text hardly
    # ever spells these. One two-byte character alone is weak evidence.
    strong = len(group) > 1 or end - start > 2
    return _Span(start, end, decoded, strong)


def _script(ch: str) -> str:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, HANGUL...);
    modifier letters go with any script."""
    try:
        script = unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return ""
    return "" if "\u02b0" <= ch <= "\u02ff" else script


def _neighbours(text: str, start: int, end: int) -> list[str]:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return [c for c in (before, after) if c.isalpha()]


def _latin_letter(ch: str) -> bool:
    """A cased letter of Latin-1 or Latin Extended-A/B: the accented letters of
    European languages (é, ü, ł, ş, ǎ)."""
    return "\u00c0" <= ch <= "\u024f" and unicodedata.category(ch) in ("Lu", "Ll")


def _modifier_letter(ch: str) -> bool:
    """A spacing modifier letter (\u02bb okina, \u02bc apostrophe)."""
    return "\u02b0" <= ch <= "\u02ff" and unicodedata.category(ch) == "Lm"


def _script_fits(ch: str, before: str, after: str) -> bool:
    """A lone decoded letter is of the script of the letters beside it."""
    if len(ch) != 1 or not ch.isalpha():
        return True
    mine = _script(ch)
    return not mine or all(_script(c) in (mine, "") for c in (before, after) if c.isalpha())


def _context(text: str, span: _Span) -> tuple[str, str]:
    before = text[span.start - 1] if span.start > 0 else " "
    after = text[span.end] if span.end < len(text) else " "
    return before, after


# Words of one accented letter (Italian è, à; French à; Spanish and Portuguese é, á).
_ONE_LETTER_WORDS = frozenset("àèéòùóáíú")


def _lone_pair_evidence(text: str, spans: list[_Span]) -> bool:
    """Whether lone pairs (one two-byte character each) prove damage by themselves.

    They do when one holds a C1 control, which no correct text has; or decodes to a
    Latin letter that stands inside a word of matching case (Husz\u221a\u00b0r, not
    M\u00c4\u00a3\u00c4M), or is glued to the end of a word by a character that cannot
    continue it (Georgi\u00c3\u00ab, caf\u221a\u00a9; not MARQU\u00c9\u2026), or is an
    accented one-letter word between words (\u00c3\u00a8).
    """
    for s in spans:
        if s.strong:
            continue
        original = text[s.start : s.end]
        if any("\x80" <= c <= "\x9f" for c in original):
            return True
        ch = s.decoded
        before, after = _context(text, s)
        if _modifier_letter(ch) and before.isalpha() and after.isalpha():
            if before.islower() or after.islower():
                return True  # o\u00ca\u00bbzgartirish: an Uzbek or Hawaiian okina
        if not _latin_letter(ch) or original[-1] == "\u00a0":
            # a no-break space after a capital (SELK\u00c4\u00a0EDELL\u00c4) is too often meant
            continue
        first = original[0]
        if before.isalpha() and after.isalpha():
            if not (before.isupper() and after.isupper() and ch.islower()):
                return True
        elif before.isalpha():
            if not first.isalpha() or (first.isupper() and before.islower()):
                return True
        elif ch in _ONE_LETTER_WORDS and _between_words(text, s):
            return True
    return False


def _between_words(text: str, span: _Span) -> bool:
    """The span stands alone between two words: ``word X word``."""
    left = text[max(0, span.start - 3) : span.start]
    right = text[span.end : span.end + 3]
    return (
        len(left) == 3 and left[2] == " " and left[1].isalpha()
        and len(right) == 3 and right[0] == " " and right[1].isalpha()
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Claim:
    span: _Span
    repaired: str
    codec: str
    active: bool
    weight: int


def _claims(text: str) -> list[_Claim]:
    """Damaged spans, each claimed by one codec.

    Spans that decode to two or more characters prove the damage. A lone decoded
    character that is a letter of another script than the word it touches
    (Bront\u00eb\u2026\u201d) counts only where the post is proven damaged; lone pairs
    count where the post is proven damaged or they prove it themselves.
    """
    claims: list[_Claim] = []
    for codec in codecs():
        spans = []
        repaired = {}
        for s in _spans(text, codec):
            fixed = _rounds(s.decoded, codec, *_context(text, s))
            if _plausible(fixed):
                spans.append(s)
                repaired[s] = fixed
        if not spans:
            continue
        certain = any(len(s.decoded) > 1 for s in spans)
        fits = {s: _script_fits(s.decoded, *_context(text, s)) for s in spans}
        active = certain or any(s.strong and fits[s] for s in spans)
        active = active or _lone_pair_evidence(text, spans)
        weight = sum(s.end - s.start for s in spans if s.strong)
        for s in spans:
            if len(s.decoded) > 1 or (fits[s] and (s.strong or active)) or (s.strong and certain):
                claims.append(_Claim(s, repaired[s], codec.name, active, weight))
    return _disjoint(claims)


def _rounds(decoded: str, first: Codec, before: str, after: str) -> str:
    """Repair text damaged more than once over: a repair that is itself, from end
    to end, the damaged form of other text is repaired again (``Ã¢â‚¬â„¢`` gives
    ``â€™``, which gives ``’``), unless that gives a lone letter of another script
    than its word's (d\u2019\u00c5land stays)."""
    for _ in range(MAX_ROUNDS - 1):
        if decoded.isascii():
            break
        # the codec that did the first damage most likely did the second too
        for codec in sorted(codecs(), key=lambda c: c is not first):
            spans = list(_spans(decoded, codec))
            covered = sum(s.end - s.start for s in spans)
            again = "".join(s.decoded for s in spans)
            weak = len(again) == 1 and len(decoded) == 2
            if covered == len(decoded) and (not weak or _script_fits(again, before, after)):
                decoded = again
                break
        else:
            break
    return decoded


def _disjoint(claims: list[_Claim]) -> list[_Claim]:
    """Where both codecs claim the same text, the one with more evidence in the
    whole text wins, then the longer claim, then the one giving more letters."""

    def rank(c: _Claim) -> tuple[int, int, int, int]:
        letters = sum(ch.isalpha() for ch in c.repaired)
        return (-int(c.active), -c.weight, -(c.span.end - c.span.start), -letters)

    chosen: list[_Claim] = []
    for c in sorted(claims, key=rank):
        if all(c.span.end <= o.span.start or o.span.end <= c.span.start for o in chosen):
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.span.start)


def find_mojibake(text: str) -> list[Repair]:
    """Every damaged span of ``text`` with its exact original."""
    if text.isascii():
        return []
    return [
        Repair(c.span.start, c.span.end, text[c.span.start : c.span.end], c.repaired, c.codec)
        for c in _claims(text)
    ]


def repair(text: str) -> str:
    """``text`` with every damaged span replaced by its original."""
    return _apply(text, [(r.start, r.end, r.repaired) for r in find_mojibake(text)])


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, new in edits:
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


# -- files that are not UTF-8 ---------------------------------------------------

LEGACY = ("cp1252", "mac_roman", "latin-1")
LEGACY_NAMES = {"cp1252": "Windows-1252", "mac_roman": "Mac Roman", "latin-1": "Latin-1"}
# Characters common in text of the languages these code pages serve.
_COMMON_MARKS = frozenset("€£¥°±×·©®™§¶¢½¼¾\u00a0")


@dataclass(frozen=True, slots=True)
class Guess:
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
    """Which 8-bit code page (or UTF-16) ``data`` most likely is.

    ``certain`` when a UTF-16 byte order mark says so, or when exactly one
    candidate reads as ordinary text and the others do not.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Guess("utf-16", True)
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


def undecodable_runs(text: str) -> Iterator[tuple[int, int, bytes]]:
    """Runs of undecodable bytes (lone surrogates U+DC80..U+DCFF) with their bytes."""
    for m in _SURROGATE_RUN_RE.finditer(text):
        yield m.start(), m.end(), bytes(ord(c) - 0xDC00 for c in m.group())


_SURROGATE_RUN_RE = re.compile("[\udc80-\udcff]+")
