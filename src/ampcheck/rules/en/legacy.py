"""Files that are not UTF-8: which legacy code page explains their bytes, broken UTF-8
sequences, CESU-8 and the bytes that could not be decoded."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from ampcheck.document.post import NOT_TEXT_RE, bom_encoding, utf16_without_bom

# The code pages a file that is not UTF-8 is read in, in the order a tie is decided:
# Western European (Windows-1252 before Latin-1, which it extends, and Mac Roman),
# Central European, Cyrillic, then Japanese, Chinese (simplified and traditional) and
# Korean. charset-normalizer's choice is read too when it is none of these.
LEGACY = (
    "cp1252", "latin-1", "mac_roman", "cp1250", "iso8859_2", "cp1251",
    "shift_jis", "gb18030", "big5", "euc_kr",
)  # fmt: skip
# code pages in which a byte below 0x80 is always that ASCII character: an edit of the
# undecodable bytes alone converts the file
SINGLE_BYTE = frozenset(("cp1252", "latin-1", "mac_roman", "cp1250", "iso8859_2", "cp1251"))
LEGACY_NAMES = {
    "cp1252": "Windows-1252", "latin-1": "Latin-1", "mac_roman": "Mac Roman",
    "cp1250": "Windows-1250", "iso8859_2": "ISO-8859-2", "cp1251": "Windows-1251",
    "shift_jis": "Shift_JIS", "cp932": "Shift_JIS (Windows-31J)", "gb18030": "GB18030",
    "gbk": "GBK", "gb2312": "GB2312", "big5": "Big5", "cp950": "Big5 (Windows-950)",
    "euc_kr": "EUC-KR", "cp949": "EUC-KR (Windows-949)", "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE", "koi8_r": "KOI8-R", "koi8_u": "KOI8-U",
    "iso8859_5": "ISO-8859-5", "mac_cyrillic": "Mac Cyrillic", "cp1253": "Windows-1253",
    "cp1254": "Windows-1254", "cp1257": "Windows-1257", "euc_jp": "EUC-JP",
}  # fmt: skip
# how much worse than the best reading another must be not to count as a rival
# (measured on 6,000 posts of 21 languages and code pages: no certain guess wrong)
SURE = 6
# how much better a code page outside LEGACY must read to be named
MARGIN = 3
# charset-normalizer's mess ratio from which a decoding counts as messy (below it, the
# ratio tells apart no two readings that are both text)
MESS = 0.1
# characters of a decoding judged (the rest of a long file adds no evidence)
SAMPLE = 20_000
# Characters common in text of the languages these code pages serve.
_COMMON_MARKS = frozenset("€£¥°±×·©®™§¶¢½¼¾\u00a0ºª")


def label(encoding: str) -> str:
    """How a code page is named in messages: ``Windows-1251``, ``Shift_JIS``."""
    return LEGACY_NAMES.get(encoding, encoding.upper().replace("_", "-"))


class Guess(NamedTuple):
    """The most likely encoding of bytes that are not UTF-8.

    ``certain`` when a byte order mark says so, or when exactly one candidate reads as
    ordinary text, charset-normalizer agrees, and the bytes come back from that text.
    ``text`` is the bytes so decoded (``None`` after a byte order mark); ``rivals`` the
    other code pages that read them almost as well; ``detector`` charset-normalizer's
    choice when it is another reading.
    """

    encoding: str
    certain: bool
    text: str | None = None
    rivals: tuple[str, ...] = ()
    detector: str | None = None
    odd: bool = False

    @property
    def label(self) -> str:
        return label(self.encoding)


_OPENING = frozenset("‘“„«¿¡「『（《〈【")
_CLOSING = frozenset("’”»…」』）》〉】")
_DASHES = frozenset("–—•")
# scripts of which text is written without spaces, and beside Latin words
_IDEOGRAPHIC = frozenset(("CJK", "HANGUL"))
_SCRIPT_GROUPS = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "FULLWIDTH": "CJK", "HALFWIDTH": "HALF"}


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    """The script of a letter (``LATIN``, ``CYRILLIC``, ``CJK``...)."""
    if ch < "\x80":
        return "LATIN"
    first = unicodedata.name(ch, "").split(" ", 1)[0]
    return _SCRIPT_GROUPS.get(first, first)


def _letter(ch: str, prev: str, nxt: str) -> tuple[int, int]:
    """(oddness, fit) of a non-ASCII letter between ``prev`` and ``nxt``."""
    script = _script(ch)
    if script == "HALF":
        return 1, 0  # half-width katakana: a Shift_JIS byte read alone
    if script == "HANGUL" and "CJK" in (_script(prev), _script(nxt)):
        return 1, 0  # Hangul against Chinese characters: Chinese read as EUC-KR
    if script in _IDEOGRAPHIC:
        return 0, 1
    for near in (prev, nxt):
        if near.isalpha() and _script(near) not in (script, *_IDEOGRAPHIC):
            return 2, 0  # two alphabets in one word: Cafй, Привеt
    if ch.isupper() and prev.islower():
        return 2, 0  # cafÈ: a capital inside a lowercase word
    if prev.isalpha() or nxt.isalpha():
        return 0, 1
    return (0, 0) if prev == " " and nxt == " " else (1, 0)


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
        category = unicodedata.category(ch)
        if category in ("Cc", "Co", "Cn", "Cs"):
            odd += 4  # a C1 control or a code point no text has
        elif category[0] == "L" and ch not in "ºª":
            o, f = _letter(ch, prev, nxt)
            odd, fit = odd + o, fit + f
        elif ch in _OPENING:
            fit += not prev.isalnum() and nxt.isalnum()
        elif ch in _CLOSING:
            fit += prev.isalnum() or prev in ".!?"
        elif ch in _DASHES:
            fit += prev in " " or nxt in " "
        elif ch in _COMMON_MARKS or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff65":
            odd += prev.isalpha() and nxt.isalpha()  # Ä°stanbul, Ê»
        elif category[0] == "M":
            odd += 2  # a combining mark after a character of a code page
        else:
            odd += 2 if (prev.isalpha() and nxt.isalpha()) else 1  # a symbol (¸ ˆ √ ∂)
        prev = ch
    return odd, fit


_IDEOGRAPHS_RE = re.compile("[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")
_WORD_RE = re.compile(r"[^\W\d_]{3,}")


def _foreign_words(text: str) -> int:
    """Latin words made mostly of accented letters (Ïðèâåò, Ïðèâåò): another alphabet
    read in a Latin code page. A real word has a few such letters among plain ones."""
    count = 0
    for m in _WORD_RE.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        accented = sum(1 for c in word if "\u00c0" <= c <= "\u024f")
        count += accented >= 3 and accented * 2 > len(word)
    return count


# The accented letters of the languages written in these code pages (lowercase): a
# text in one language uses the letters of one alphabet, while a text read in the wrong
# code page mixes letters that no language has together (French è à ê read in
# Windows-1250 as č ŕ ę; Czech č ě ř read in Windows-1252 as è ì ø).
_ALPHABETS = tuple(
    frozenset(letters)
    for letters in (
        "àâæçéèêëîïôœùûüÿ",  # French
        "äöüß",  # German
        "áéíñóúüï",  # Spanish, Catalan
        "àçèéíïòóúü",  # Catalan
        "áâãàçéêíóôõú",  # Portuguese
        "àèéìíîòóùú",  # Italian
        "áéíóúëïöüèà",  # Dutch, Afrikaans
        "æøåéóäöü",  # Danish, Norwegian, Swedish, Finnish
        "áðéíóúýþæö",  # Icelandic, Faroese
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "ăâîșşțţ",  # Romanian
        "čćđšž",  # Croatian, Bosnian, Serbian, Slovenian
        "çëâêîôû",  # Albanian, Walloon
        "àèìòùáéíóú",  # Scottish and Irish Gaelic
        "ąčęėįšųūž",  # Lithuanian
        "āčēģīķļņšūž",  # Latvian
        "äöõüšž",  # Estonian
        "âçêîşû",  # Kurdish, Turkish in Latin-5
    )
)


def _foreign_letters(text: str) -> int:
    """Accented Latin letters that the alphabet fitting the text best does not have."""
    counts: dict[str, int] = {}
    for ch in text:
        if "\u00c0" <= ch <= "\u024f" and ch.isalpha():
            low = ch.lower()
            counts[low] = counts.get(low, 0) + 1
    if not counts:
        return 0
    return min(sum(n for ch, n in counts.items() if ch not in alphabet) for alphabet in _ALPHABETS)


class Reading(NamedTuple):
    """The bytes read in one code page, and how unlike ordinary text that is."""

    encoding: str
    text: str
    value: int
    odd: bool


def reading(encoding: str, text: str) -> Reading:
    """Score a decoding: lower is more like ordinary text. Counts the characters out of
    place (:func:`_score`), words of another alphabet, and charset-normalizer's
    measure of mess (symbols among letters, mixed scripts, odd case)."""
    from charset_normalizer.md import mess_ratio

    sample = text[:SAMPLE]
    odd, fit = _score(sample)
    odd += 2 * (_foreign_words(sample) + _foreign_letters(sample))
    if _IDEOGRAPHS_RE.search(sample):  # where letters alone tell no reading from another
        mess = mess_ratio(sample, 1.0)
        odd += round(mess * 50) if mess >= MESS else 0
    return Reading(encoding, text, 2 * odd - fit, odd > 0 and 2 * odd > fit)


def readings(data: bytes) -> list[Reading]:
    """Each distinct text the candidate code pages make of ``data`` (decoded without
    error and encoded back to the same bytes), the first code page naming each."""
    found: dict[str, Reading] = {}
    for encoding in LEGACY:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text not in found and text.encode(encoding) == data:
            found[text] = reading(encoding, text)
    return list(found.values())


def detector(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's choice for ``data``: (encoding, text), or ``None``."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    encoding = best.encoding.replace("latin_1", "latin-1")
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return (encoding, text) if text.encode(encoding) == data else None


def guess_legacy(data: bytes) -> Guess:
    """Which encoding ``data`` (not UTF-8) most likely is: a byte order mark's, UTF-16
    without one, or the code page whose reading is most like ordinary text (a tie goes
    to charset-normalizer's choice, then to the order of :data:`LEGACY`)."""
    bom = bom_encoding(data)
    if bom is not None:
        return Guess(bom, True)
    wide = utf16_without_bom(data)
    if wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            text = None
        if text is not None and not NOT_TEXT_RE.search(text):
            return Guess(wide, True, text)
    found = readings(data)
    chosen = detector(data)
    agreed = chosen[1] if chosen is not None else None
    found.sort(
        key=lambda r: (
            r.value,
            r.encoding in SINGLE_BYTE or r.text != agreed,
            LEGACY.index(r.encoding),
        )
    )
    best = found[0]
    if chosen is not None and chosen[0] in LEGACY_NAMES and all(r.text != agreed for r in found):
        # a code page outside LEGACY that posts are written in (KOI8-R, Windows-1257...):
        # named only when it reads the bytes clearly better, and never with certainty
        extra = reading(*chosen)
        if extra.value + MARGIN <= best.value:
            return Guess(extra.encoding, False, extra.text, (best.encoding,), None, extra.odd)
    rivals = tuple(r.encoding for r in found[1:] if r.value - best.value < SURE)
    other = None
    if chosen is not None and agreed != best.text:
        # charset-normalizer reads it otherwise: one more candidate
        known = [r for r in found if r.text == agreed]
        theirs = known[0] if known else reading(*chosen)
        if theirs.value - best.value < MARGIN or best.encoding not in SINGLE_BYTE:
            other = chosen[0]  # and in Chinese, Japanese, Korean it is the better judge
    certain = best.value <= 0 and not rivals and other is None
    return Guess(best.encoding, certain, best.text, rivals, other, best.odd)


def _rank(encoding: str) -> int:
    return LEGACY.index(encoding) if encoding in LEGACY else len(LEGACY)


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
