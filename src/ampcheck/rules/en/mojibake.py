"""Finding and undoing mojibake: UTF-8 text that was decoded with an 8-bit codec.

When UTF-8 bytes are decoded with an 8-bit code page (Mac Roman, Windows-1252, Latin-1,
Windows-1250/1251/1253/1254/1257, ISO-8859-2, cp437: the table ``CODE_PAGES``), every
byte of a multi-byte character becomes one character of the code page: ``’`` (E2 80 99)
becomes ``‚Äô`` (Mac Roman) or ``â€™`` (Windows-1252). Because each such character
stands for exactly one byte, encoding a damaged span back with the same codec gives
the original bytes, and decoding those as UTF-8 gives the original text exactly.

UTF-8's structure makes this safe to detect: a lead byte (C2..F4) must be followed by
the right number of continuation bytes (80..BF), so correct text in these scripts
rarely encodes to valid multi-byte UTF-8. The rare ambiguous case is a lone
two-character pair (``Ã©``, ``√©``); it is repaired only when the post shows the
same damage elsewhere, or when the pair stands inside a word and decodes to a
letter of the word's script.

Code pages whose high half holds the letters of the languages they serve (Cyrillic,
Greek, Central European, Turkish, Baltic, cp437's box drawings) are "strict": their
damage counts only as whole runs of valid UTF-8 that decode to plausible text, and
their lone pairs mostly where the region (a paragraph, a line of the front matter) is
shown damaged. In a region shown damaged, a lone pair that decodes to a sign of
Latin-1 (µ º ª ° ±) is repaired whatever the word beside it (rules/EN001.md).
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

MAX_ROUNDS = 3  # text damaged twice (or three times) over is repaired in rounds


class Codec(NamedTuple):
    """An 8-bit codec as a map from characters to bytes (only the high half).

    ``strict`` codecs are those whose high half holds the letters of the languages
    they serve (Cyrillic, Greek, Polish, Turkish, Baltic, box drawing): correct text
    in them is made of those characters, so their damage must show across a whole
    run (every character of it part of a valid UTF-8 sequence) to count.
    """

    name: str
    to_byte: dict[str, int]
    #: the pattern of a run of its damage (compiled when first used: most posts need
    #: none of the code pages, and compiling all costs a start-up of ampcheck)
    run: str
    strict: bool
    loose: frozenset[str]
    leads: frozenset[str]  # the characters it reads as a UTF-8 lead byte (C2..F4)
    conts: frozenset[str]  # and as a continuation byte (80..BF)


# The code pages as data: the name messages give, the Python codec, whether it is read
# "sloppy" as browsers read it (WHATWG Encoding: a byte the code page leaves undefined
# becomes the C1 control of the same number), and whether it is strict (see Codec).
# The order settles ties: where two code pages read a span alike, the first is named.
CODE_PAGES: tuple[tuple[str, str, bool, bool], ...] = (
    ("Mac Roman", "mac_roman", False, False),
    ("Windows-1252", "cp1252", True, False),
    ("Windows-1250", "cp1250", True, True),
    ("ISO-8859-2", "iso8859_2", False, True),
    ("Windows-1251", "cp1251", True, True),
    ("Windows-1253", "cp1253", True, True),
    ("Windows-1254", "cp1254", True, True),
    ("Windows-1257", "cp1257", True, True),
    ("cp437", "cp437", False, True),
)


def _decode_map(python_codec: str, sloppy: bool) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for b in range(0x80, 0x100):
        chars = set()
        try:
            chars.add(bytes([b]).decode(python_codec))
        except UnicodeDecodeError:
            if not sloppy:
                continue
            chars.add(chr(b))
        if python_codec == "cp1252":
            # text decoded as Latin-1 has C1 controls for all of 80..9F: they count
            # for the same bytes
            chars.add(chr(b))
        out[b] = sorted(chars)
    return out


def _class(chars: list[str]) -> str:
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


def _codec(name: str, python_codec: str, sloppy: bool, strict: bool) -> Codec:
    decode = _decode_map(python_codec, sloppy)
    to_byte = {ch: b for b, chars in decode.items() for ch in chars}
    # C1 controls the code page reads as such, not for a byte it leaves undefined:
    # ISO-8859 and Latin-1 text has them, text a browser read as Windows-125x has not
    loose = frozenset(ch for ch, b in to_byte.items() if ch == chr(b) and _defines(python_codec, b))

    def of(lo: int, hi: int) -> str:
        return _class([ch for ch, b in to_byte.items() if lo <= b <= hi])

    high = _class(list(to_byte))
    lead2, lead3, lead4, cont = of(0xC2, 0xDF), of(0xE0, 0xEF), of(0xF0, 0xF4), of(0x80, 0xBF)
    if strict:
        # whole runs of valid sequences only, nothing of the high half on either side
        seq = f"(?:{lead2}{cont}|{lead3}{cont}{cont}|{lead4}{cont}{cont}{cont})"
        run = f"(?<!{high}){seq}+(?!{high})"
    else:
        # spelled [c][c]+, not [c]{{2,}}: re finds a pattern that starts with a plain
        # class several times faster than one that starts with a repeat
        run = f"{high}{high}+"
    leads = frozenset(ch for ch, b in to_byte.items() if 0xC2 <= b <= 0xF4)
    conts = frozenset(ch for ch, b in to_byte.items() if 0x80 <= b <= 0xBF)
    return Codec(name, to_byte, run, strict, loose, leads, conts)


def _defines(python_codec: str, b: int) -> bool:
    try:
        bytes([b]).decode(python_codec)
    except UnicodeDecodeError:
        return False
    return True


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@cache
def codecs() -> tuple[Codec, ...]:
    return tuple(
        _codec(name, python_codec, sloppy, strict)
        for name, python_codec, sloppy, strict in CODE_PAGES
    )


class Repair(NamedTuple):
    """A damaged span of text and its original, less any byte order mark.

    ``marks`` counts the UTF-8 byte order marks (EF BB BF, damaged into ``ï»¿`` or
    ``Ôªø``) the span held: they are left out of ``repaired``. A mark inside text is
    what remains of files joined together, and one at the start of a file is no text
    either (a UTF-8 file needs none, and one hides the front matter from Jekyll's
    check of a page's first bytes), so a repair never brings back U+FEFF.
    """

    start: int
    end: int
    original: str
    repaired: str
    codec: str
    marks: int = 0


class _Span(NamedTuple):
    start: int
    end: int
    decoded: str
    strong: bool


# UTF-8 lead bytes by high nibble: C/D start two bytes, E three, F four (F5..F7 and
# overlong C0/C1 fail to decode below)
_SEQUENCE_SIZE = {0xC: 2, 0xD: 2, 0xE: 3, 0xF: 4}


def _sequences(text: str, start: int, end: int, codec: Codec) -> Iterator[tuple[int, int, str]]:
    """Valid multi-byte UTF-8 sequences inside a run of high characters."""
    data = bytes(codec.to_byte[ch] for ch in text[start:end])
    i = 0
    n = len(data)
    while i < n:
        lead = data[i]
        size = _SEQUENCE_SIZE.get(lead >> 4, 0) if lead >= 0xC2 else 0
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
    for span in _runs(text, codec):
        yield span._replace(strong=False) if _typed(text, span) else span


def _typed(text: str, s: _Span) -> bool:
    """A word's last letter, a no-break space and a mark (Czech ``pln\u00e1\u00a0\u2013``,
    French ``\u00e0\u00a0\u00ab``): typography, though Windows-1252 reads it as one
    character of three bytes (\u1816); no stronger than a lone pair."""
    return (
        s.end - s.start == 3
        and text[s.start].isalpha()
        and text[s.start + 1] == "\u00a0"
        and text[s.start + 2] in _WORD_MARKS
    )


def _runs(text: str, codec: Codec) -> Iterator[_Span]:
    for run in _compiled(codec.run).finditer(text):
        seqs = list(_sequences(text, run.start(), run.end(), codec))
        if codec.strict:
            # the whole run or nothing
            covered = sum(end - start for start, end, _ in seqs) == run.end() - run.start()
            if seqs and covered and _one_script(text, seqs):
                span = _make_span(seqs)
                # one letter of three bytes (Ukrainian дії spells 䳿, н’є spells 풺) is
                # no stronger than a lone pair
                one = len(seqs) == 1 and span.decoded.isalpha()
                yield span._replace(strong=False) if one else span
            continue
        group: list[tuple[int, int, str]] = []
        for seq in seqs:
            if group and group[-1][1] != seq[0]:
                yield _make_span(group)
                group = []
            group.append(seq)
        if group:
            yield _make_span(group)


def _one_script(text: str, group: list[tuple[int, int, str]]) -> bool:
    """The letters a run of a strict codec decodes to are of one script (real
    Ukrainian ``ПІДІ`` spells valid UTF-8 too, but for Greek and Latin: ``ϲĲ``), and
    a run of letters decodes to letters or punctuation (``ВІДІ`` spells ``²Ĳ``;
    ``вЂњ`` is ``“``, ``Âť`` is ``»``)."""
    scripts = {_script(ch) for _, _, ch in group if ch.isalpha()} - {""}
    if len(scripts) > 2 or (len(scripts) == 2 and not _camel(text, group)):
        return False
    if len(group) == 1 or not text[group[0][0] : group[-1][1]].isalpha():
        return True  # a lone pair is weighed by its region
    return all(ch.isalpha() or unicodedata.category(ch)[0] in "PM" for _, _, ch in group)


def _camel(text: str, group: list[tuple[int, int, str]]) -> bool:
    """A run of four or more sequences that switches from a lowercase to a capital
    letter at least twice (``РїР°РєР°Р·РІР°Д‡``): no word is written so, and a word
    written in two alphabets (Belarusian Łacinka beside Cyrillic, паказваć) keeps
    both once repaired."""
    if len(group) < 4:
        return False
    run = text[group[0][0] : group[-1][1]]
    switches = sum(a.islower() and b.isupper() for a, b in itertools.pairwise(run))
    return switches >= 2


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
    """A cased letter of Latin-1, Latin Extended-A/B or IPA: the accented letters of
    European languages (é, ü, ł, ş, ǎ) and the letters African and Turkic alphabets
    borrow from IPA (ɛ, ə)."""
    return "\u00c0" <= ch <= "\u02af" and unicodedata.category(ch) in ("Lu", "Ll")


def _modifier_letter(ch: str) -> bool:
    """A spacing modifier letter (\u02bb okina, \u02bc apostrophe)."""
    return "\u02b0" <= ch <= "\u02ff" and unicodedata.category(ch) == "Lm"


def _script_fits(ch: str, before: str, after: str) -> bool:
    """A lone decoded letter is of the script of the letters beside it."""
    if len(ch) != 1 or not ch.isalpha():
        return True
    mine = _script(ch)
    return not mine or all(_script(c) in (mine, "") for c in (before, after) if c.isalpha())


class _View:
    """The text as it reads once repaired: a neighbour that is itself damaged counts
    as the character it stands for (for deciding about the spans beside it)."""

    def __init__(self, text: str, repaired: dict[_Span, str] | None = None) -> None:
        self.text = text
        self.spans = sorted(repaired or {}, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]
        self.repaired = repaired or {}

    def char(self, i: int, last: bool) -> str:
        """The character at ``i``; in a damaged span, the last (``last``) or first
        character of its repair."""
        if not 0 <= i < len(self.text):
            return " "
        k = bisect.bisect_right(self.starts, i) - 1
        if k >= 0 and i < self.spans[k].end:
            fixed = self.repaired[self.spans[k]] or " "
            return fixed[-1] if last else fixed[0]
        return self.text[i]

    def around(self, start: int, end: int) -> tuple[str, str]:
        """The characters just before and just after ``start..end``."""
        return self.char(start - 1, True), self.char(end, False)

    def past_spaces(self, start: int, end: int) -> tuple[str, str]:
        """The nearest characters before and after ``start..end`` that are not spaces."""
        i = start - 1
        while i >= 0 and self.text[i] == " ":
            i -= 1
        j = end
        while j < len(self.text) and self.text[j] == " ":
            j += 1
        return self.char(i, True), self.char(j, False)


def _context(text: str, span: _Span) -> tuple[str, str]:
    before = text[span.start - 1] if span.start > 0 else " "
    after = text[span.end] if span.end < len(text) else " "
    return before, after


# Words of one accented letter (Italian è, È, ò; French à, À; Portuguese é, à; Galician á; Welsh
# â; Kurmanji û; Walloon å; Spanish ó between numbers).
_ONE_LETTER_WORDS = frozenset("àáâåèéòóûÀÈÉ")


def _pair_proves(view: _View, start: int, end: int, pair: str, ch: str) -> bool:
    """Whether a pair of characters standing at ``text[start:end]`` proves by itself
    that it is damage decoding to ``ch``.

    It does when it holds a C1 control, which no correct text has; or when ``ch`` is a
    Latin letter that stands inside a word of matching case (Husz\u221a\u00b0r, not
    M\u00c4\u00a3\u00c4M), or is glued to the end of a word by a character that cannot
    continue it (Georgi\u00c3\u00ab, caf\u221a\u00a9; not MARQU\u00c9\u2026), or is an
    accented one-letter word between words (\u00c3\u00a8).
    """
    if any("\x80" <= c <= "\x9f" for c in pair):
        return True
    before, after = view.around(start, end)
    if _modifier_letter(ch) and before.isalpha() and after.isalpha():
        return before.islower() or after.islower()  # o\u00ca\u00bbzgartirish: an okina
    if pair[0] in "Â¬" and ch in _C2_MARKS and (before.isalnum() or after.isalnum()):
        # Â« and ¬´ (C2 AB) are the guillemet of Windows-1252 and Mac Roman damage (and
        # Âµ, ¬µ the micro sign):
        # nothing writes a capital A circumflex or a not sign against a word
        return True
    if not _latin_letter(ch):
        return False
    first = pair[0]
    if first.isupper() and before.islower():
        # a capital inside a lowercase word: dziaÅ‚a, ietekmÄ“, pubblicitÃ\u00a0
        return True
    if pair[-1] == "\u00a0":
        return False  # a no-break space after a capital (SELK\u00c4\u00a0EDELL\u00c4) is meant
    if before in "'’" and view.char(start - 2, True).isalpha():
        before = "a"  # after an elision (l'\u221a\u2260ndex) a word goes on
    if _looks_written(pair, before, after) and not "\u00a0" <= ch <= "\u00ff":
        return False  # puis\u2026\u00e9, CAF\u00c9\u201d, ZZAJ\u00c9\u2019s
    if before.isalpha() and after.isalpha():
        return not (before.isupper() and after.isupper() and ch.islower())
    if before.isalpha():
        # glued to a word by a symbol no word ends with (caf\u221a\u00a9, revocat\u0192\u00c9),
        # not a mark
        return not _word_letter(first) and first not in _WORD_MARKS
    if after.islower() and not before.isalnum():
        # starting a word with a sign no word starts with (\u221a\u2260cones,
        # \u00c4\u00b4anejro, \u00c3\u2013sterbotten; not \u00c3\u2019s)
        second = pair[-1]
        if not _word_letter(first) and first not in _WORD_MARKS and second.isalpha():
            # \u221a\u00d1rger: a symbol and then a Latin letter open no word
            return "A" <= unicodedata.normalize("NFD", second)[0].upper() <= "Z"
        return not second.isalpha() and (second not in _WORD_MARKS or second in "–—")
    return (
        ch in _ONE_LETTER_WORDS
        and _wordish(view.past_spaces(start, end)[1])
        and not _beside_maths(view, start, end)
    )


_C2_MARKS = frozenset("«»°©®±·¿¡§¶µºª")
# Letters by Unicode that write no word: the florin sign, ordinal indicators, the micro
# sign, and the Greek letters of maths (Mac Roman damage is full of them)
_SIGN_LETTERS = frozenset("ƒªºµπΩ")


def _word_letter(ch: str) -> bool:
    return ch.isalpha() and ch not in _SIGN_LETTERS


def _beside_maths(view: _View, start: int, end: int) -> bool:
    """The nearest character on either side, past spaces, is a maths sign."""
    return any(_maths(c) for c in view.past_spaces(start, end))


def _maths(ch: str) -> bool:
    """A maths sign of running text (not < > | ~ of markup)."""
    return ch in "=+" or (not ch.isascii() and unicodedata.category(ch) == "Sm")


def _wordish(ch: str) -> bool:
    """Part of a word or of the damaged form of one (not a maths sign or punctuation
    that ends a clause, as around \u221a\u03c0 \u2248 1.772)."""
    if ch.isalnum() or ch in "'’‘`\"“”":
        return True
    return not ch.isspace() and unicodedata.category(ch) != "Sm" and ch not in ":;=,.!?()[]{}<>"


# Marks people type right before or after a word: “CAF\u00c9” and “\u00e9lan” are text, not
# damage, though each pair also spells a two-byte character.
_CLOSING_MARKS = frozenset("’”»›…–—")
_OPENING_MARKS = frozenset("‘“«‹„‚–—")
_WORD_MARKS = _CLOSING_MARKS | _OPENING_MARKS


def _plain_pair(pair: str, ch: str, script: str, before: str, after: str) -> bool:
    """A pair that, where the damage is proven, may be repaired: any but a word and a
    mark beside it that would give a character outside Latin-1 and outside the script
    the damage restores (\u2019\u00c5 stays in a post of Latin letters)."""
    if len(ch) != 1 or not _looks_written(pair, before, after) or "\u00a0" <= ch <= "\u00ff":
        return True
    return ch.isalpha() and _script(ch) == script


def _looks_written(pair: str, before: str, after: str) -> bool:
    """The end of a word and a mark after it (CAF\u00c9\u201d), or a mark and the start
    of a word after it (\u201c\u00e9lan): correct text, not a damaged character."""
    a, b = pair[0], pair[-1]
    return (before.isalpha() and a.isalpha() and b in _CLOSING_MARKS) or (
        a in _OPENING_MARKS and b.isalpha() and after.isalpha()
    )


class _Claim(NamedTuple):
    span: _Span
    repaired: str
    codec: str
    active: bool
    weight: int
    loose: int


class _Round(NamedTuple):
    """One more repair of a repair: the text, and whether it was one lone pair."""

    text: str
    weak: bool


def _again(decoded: str, first: Codec) -> _Round | None:
    """``decoded`` repaired once more, when the whole of it is itself damaged text
    (``Ã¢â‚¬â„¢`` gives ``â€™``, which gives ``’``)."""
    if decoded.isascii():
        return None
    # the codec that did the first damage most likely did the second too
    for codec in sorted(codecs(), key=lambda c: c is not first):
        spans = list(_spans(decoded, codec))
        if spans and sum(s.end - s.start for s in spans) == len(decoded):
            weak = len(spans) == 1 and not spans[0].strong
            return _Round("".join(s.decoded for s in spans), weak)
    return None


def _claims(text: str) -> list[_Claim]:
    """Damaged spans, each claimed by one codec.

    Spans that decode to two or more characters prove the damage, and so do spans of
    three or four bytes that decode to a character fitting the word around them. Lone
    pairs count where the post is proven damaged, unless they look like a word and a
    mark typed beside it (then only as a Latin-1 letter, or a letter of the script the
    proven damage restores); or where they prove themselves (:func:`_pair_proves`).
    Repairs of repairs follow the same rule: a lone pair found inside a repair counts
    when the post shows damage done twice elsewhere, or when it proves itself.

    Lone pairs are also decided per region (a paragraph, a line of the front matter):
    a lone pair of a strict codec counts only in a region the same codec shows
    damaged, and there a pair that decodes to a sign of Latin-1 (µ º ª ° ±, a no-break
    space) counts whatever the word beside it.
    """
    regions: _Regions | None = None
    claims: list[_Claim] = []
    for codec in _codecs_in(text):
        spans = list(_spans(text, codec))
        if spans:
            regions = regions or _Regions(text)
            claims.extend(_codec_claims(text, codec, spans, regions))
    return _disjoint(claims)


_FRONT_MATTER_RE = re.compile("(?:\ufeff|\u00ef\u00bb\u00bf|\u00d4\u00aa\u00f8)?---[ \t]*\r?\n")
_CLOSING_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_BLANK_LINES_RE = re.compile(r"\n[ \t]*\r?\n")


class _Regions:
    """The regions of a text: each line of the front matter, each paragraph after it."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        body = 0
        opening = _FRONT_MATTER_RE.match(text)
        if opening:
            closing = _CLOSING_RE.search(text, opening.end())
            body = closing.end() if closing else len(text)
            self.starts += [m.end() for m in re.finditer("\n", text[:body])]
        self.starts += [m.end() for m in _BLANK_LINES_RE.finditer(text, body)]

    def of(self, i: int) -> int:
        return bisect.bisect_right(self.starts, i) - 1


class _Repairs(NamedTuple):
    """How far each span of one codec is repaired, and the script the repairs restore."""

    fixed: dict[_Span, str]
    script: str


def _repairs(text: str, codec: Codec, spans: list[_Span]) -> _Repairs:
    """Each span repaired round after round, as far as the evidence goes."""
    rounds = {s: _all_rounds(s.decoded, codec) for s in spans}
    # neighbours read as they would once repaired all the way
    draft = _View(text, {s: rounds[s][-1].text if rounds[s] else s.decoded for s in spans})
    # damage done once more shows in a round that is strong, or in a lone pair that
    # proves itself (caf\u00c3\u0192\u00c2\u00a9); at each depth on its own
    proven: dict[tuple[_Span, int], bool] = {}
    for s, chain in rounds.items():
        before = s.decoded
        for depth, r in enumerate(chain):
            proven[s, depth] = not r.weak or _pair_proves(draft, s.start, s.end, before, r.text)
            before = r.text
    twice = {depth for (_, depth), ok in proven.items() if ok}
    # the script most of the damaged text restores to (leaving out the pairs that
    # look like a word and a mark beside it)
    script = _main_script(
        "".join(
            (rounds[s][-1].text if rounds[s] else s.decoded)
            for s in spans
            if not _looks_written(text[s.start : s.end], *_context(text, s))
        )
    )
    repaired: dict[_Span, str] = {}
    for s in spans:
        fixed = s.decoded
        for depth, r in enumerate(rounds[s]):
            if r.weak and _rare(r.text) and not _rare_proven(fixed, r.text, text, s):
                break  # a word of the first repair read once more (Ukrainian Сі as ѳ)
            plain = _plain_pair(fixed, r.text, script, *_context(text, s))
            if not (proven[s, depth] or (depth in twice and plain)):
                break
            fixed = r.text
        if _plausible(fixed):
            repaired[s] = fixed
    return _Repairs(repaired, script)


class _Evidence(NamedTuple):
    """What one codec's spans show about the whole text and about each region."""

    view: _View
    script: str
    main: str
    fits: dict[_Span, bool]
    proves: dict[_Span, bool]
    certain: bool
    active: bool
    regions: frozenset[int]


def _evidence(
    text: str, codec: Codec, spans: list[_Span], found: _Repairs, regions: _Regions
) -> _Evidence:
    fits = {s: _script_fits(s.decoded, *_context(text, s)) for s in spans}
    restores = {s for s in spans if len(s.decoded) > 1 or s.strong}
    view = _View(text, found.fixed)
    proves = {
        s: not s.strong
        and not _spaced(text, s)
        and (
            _strict_pair_proves(text, s)
            if codec.strict and _box(text[s.start])
            else _pair_proves(view, s.start, s.end, text[s.start : s.end], s.decoded)
            or (codec.strict and _strict_pair_proves(text, s))
        )
        for s in spans
    }
    certain = [s for s in spans if len(s.decoded) > 1]
    # the spans that show the damage by themselves
    shown = certain + [s for s in spans if (s.strong and fits[s]) or proves[s]]
    return _Evidence(
        view=view,
        script=found.script,
        main=_main_script("".join(s.decoded for s in restores)),
        fits=fits,
        proves=proves,
        certain=bool(certain),
        active=bool(shown),
        regions=frozenset(regions.of(s.start) for s in shown),
    )


def _codec_claims(text: str, codec: Codec, spans: list[_Span], regions: _Regions) -> list[_Claim]:
    found = _repairs(text, codec, spans)
    spans = [s for s in spans if s in found.fixed]
    ev = _evidence(text, codec, spans, found, regions)
    accepted = [
        s for s in spans if _accepted(text, s, ev, regions.of(s.start) in ev.regions, codec)
    ]
    # how much of the text the codec explains: where two codecs read the same span
    # differently, the one that explains more of the post with common characters that
    # fit the words around them wins
    weight = sum(s.end - s.start for s in accepted if _likely(text, s, found.fixed[s]))
    # and then the one that reads fewer C1 controls as such: Turkish damage read as
    # Windows-1254 needs none, read as Windows-1252 it needs Latin-1's
    loose = sum(text.count(c, s.start, s.end) for s in accepted for c in codec.loose)
    return [_Claim(s, found.fixed[s], codec.name, ev.active, weight, loose) for s in accepted]


def _rare(repaired: str) -> bool:
    """The repair holds a character hardly any text has: a Latin letter of Extended-B
    or IPA (but Romanian ș ț, Vietnamese ơ ư, pinyin ǎ, Old English ǣ ǽ, ə), a modifier or combining
    mark, an archaic Cyrillic letter (ѳ, ѣ)."""
    return any(
        ("\u0180" <= ch <= "\u036f" and ch not in _COMMON_EXTENDED) or "\u0460" <= ch <= "\u0489"
        for ch in repaired
    )


_COMMON_EXTENDED = frozenset("ȘșȚțƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǢǣǼǽƏəɛɔŊŋƒʻʼˆˇ˘˙˚˛˜˝")


def _rare_proven(pair: str, ch: str, text: str, s: _Span) -> bool:
    """A rare character read from a repair that is itself shown to be damage: the pair
    holds a C1 control, which no text has (Croatian st\u00c8\u008fga: st\u020fga), or
    the character is a combining mark on the letter before the span (decomposed
    Ingle\u00c3\u00c5s: Ingle\u0301s, that is Ingl\u00e9s)."""
    if any("\x80" <= c <= "\x9f" for c in pair):
        return True
    before = text[s.start - 1] if s.start > 0 else " "
    return unicodedata.category(ch) == "Mn" and before.isalpha()


def _strict_pair_proves(text: str, s: _Span) -> bool:
    """A lone pair of a strict codec that no correct text spells: a box-drawing
    character glued to a word or number (``caf├⌐``, ``20┬░``), or away from other box
    drawings, standing for a character of Latin-1 (``┬½``: «); a letter and a
    no-break space glued to the start of a word (``Ĺ\u00a0irina``: Širina), or a pair
    starting with a letter of another script than the word it is glued to
    (``Е›pisu``: śpisu), when the pair decodes to a common letter of the word's script."""
    before, after = _context(text, s)
    pair = text[s.start : s.end]
    if _box(pair[0]) and _box(pair[-1]):
        # two box drawings (├┤a┼┐a is a drawing) stand only for a sign of Latin-1 (┬╗: »)
        ch = s.decoded
        return "\u00a0" <= ch <= "\u00bf" and not (_box(before) or _box(after))
    if _box(pair[0]):
        # or a sign or letter of Latin-1 outside box drawings (┬½ for «, ├⌐ for é)
        return (
            before.isalnum()
            or after.isalnum()
            or ("\u00a0" <= s.decoded <= "\u00ff" and not (_box(before) or _box(after)))
        )
    ch = s.decoded
    word = [c for c in (before, after) if c.isalpha()]
    if not (ch.isalpha() and word and not _rare(ch)):
        return False
    if any(_script(c) != _script(ch) for c in word):
        return False
    if pair[0].isalpha() and _script(pair[0]) != _script(word[0]):
        return True
    return pair[-1] == "\u00a0" and not before.isalnum() and (ch.isupper() or not after.isupper())


def _likely(text: str, s: _Span, repaired: str) -> bool:
    """A repair with no rare character (a combining mark on a letter is none: Navajo
    writes ę́ as ę and U+0301), and no capital inside a lowercase word."""
    before, after = _context(text, s)
    return not _rare(_unmarked(before + repaired)[1:]) and not (
        repaired[:1].isupper() and before.islower() and (after.islower() or len(repaired) > 1)
    )


def _unmarked(text: str) -> str:
    """``text`` less the combining marks that follow a letter."""
    return "".join(
        ch
        for i, ch in enumerate(text)
        if not (i and unicodedata.category(ch) == "Mn" and text[i - 1].isalpha())
    )


def _spaced(text: str, s: _Span) -> bool:
    """A lone pair that is a no-break space before a word (de\u00a0\u00e0,
    v\u00a0\u00fa\u010delu), read as a rare letter (Mac Roman: \u028e, \u029c)."""
    return not s.strong and text[s.start] == "\u00a0" and _rare(s.decoded)


def _box(ch: str) -> bool:
    """A box-drawing or block character (cp437 has them for bytes B0..DF)."""
    return "\u2500" <= ch <= "\u259f"


def _sign(ch: str) -> bool:
    """A sign of Latin-1 (U+00A0..U+00BF): a no-break space, µ º ª ° ± § ¶ · © ®."""
    return "\u00a0" <= ch <= "\u00bf"


def _accepted(text: str, s: _Span, ev: _Evidence, region_shown: bool, codec: Codec) -> bool:
    """Whether a span of a codec is damage, given what the codec's spans show
    (``region_shown``: whether they show damage in the span's region)."""
    ch = s.decoded
    if _spaced(text, s):
        return False
    if len(ch) > 1 or (s.strong and (ev.fits[s] or ev.certain)) or ev.proves[s]:
        return True
    if codec.strict and not region_shown:
        # correct text in these code pages spells lone pairs: one counts alone when
        # it proves itself, or where the post is damaged, as a letter glued to a word
        # of its script
        return (
            ev.active and ch.isalpha() and _script(ch) == ev.script and ev.fits[s] and not _rare(ch)
        )
    # beside damage, a letter of the script the damage restores may touch a word of
    # another (XML\u06cc in Persian); in a damaged region, a sign may touch any (5 Âµs)
    if not ev.active or not (
        ev.fits[s] or (ch.isalpha() and _script(ch) == ev.main) or (region_shown and _sign(ch))
    ):
        return False
    before, after = _context(text, s)
    pair = text[s.start : s.end]
    if unicodedata.category(ch).startswith("M") and before.isspace():
        return False  # a combining mark with nothing to combine with
    if _looks_written(pair, before, after):
        return _plain_pair(pair, ch, ev.script, before, after)
    if _script(ch) == "LATIN" and not _neighbours(text, s.start, s.end):
        # a Latin letter standing alone (Welsh \u00e2'r, u.\u00fe.b., (\u0103)), but not
        # beside a maths sign (\u221a\u03c0 \u2248 1.772 stays)
        return not _beside_maths(ev.view, s.start, s.end)
    return True


def _all_rounds(decoded: str, first: Codec) -> list[_Round]:
    rounds: list[_Round] = []
    for _ in range(MAX_ROUNDS - 1):
        r = _again(decoded, first)
        if r is None:
            break
        rounds.append(r)
        decoded = r.text
    return rounds


def _main_script(text: str) -> str:
    """The script most letters of ``text`` are written in ("" when none)."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = _script(ch)
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else ""


def _disjoint(claims: list[_Claim]) -> list[_Claim]:
    """Where codecs claim the same text, the one with more evidence in the whole text
    wins, then the one reading fewer C1 controls, then the longer claim, then the one
    giving more letters."""

    def rank(c: _Claim) -> tuple[int, int, int, int, int]:
        letters = sum(ch.isalpha() for ch in c.repaired)
        return (-int(c.active), -c.weight, c.loose, -(c.span.end - c.span.start), -letters)

    # the characters the claims chosen so far cover: each claim looks at its own span
    # only (one codec's spans are disjoint, so this is linear in the text)
    taken = bytearray(max((c.span.end for c in claims), default=0))
    chosen: list[_Claim] = []
    for c in sorted(claims, key=rank):
        start, end = c.span.start, c.span.end
        if taken.find(1, start, end) == -1:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.span.start)


@cache
def _any_pair_re() -> re.Pattern[str]:
    """Where a character some codec reads as a UTF-8 lead byte is followed by one some
    codec reads as a continuation byte: elsewhere no codec finds anything (one scan of
    the text, not one per codec)."""
    lead = {ch for c in codecs() for ch in c.leads}
    cont = {ch for c in codecs() for ch in c.conts}
    return re.compile(_class(sorted(lead)) + _class(sorted(cont)))


def _codecs_in(text: str) -> list[Codec]:
    """The codecs that read a lead byte followed by a continuation byte in ``text``."""
    pending = list(codecs())
    found: list[Codec] = []
    search = _any_pair_re().search
    m = search(text)
    while m and pending:
        a, b = text[m.start()], text[m.start() + 1]
        for codec in [c for c in pending if a in c.leads and b in c.conts]:
            pending.remove(codec)
            found.append(codec)
        m = search(text, m.start() + 1)  # pairs may overlap
    return sorted(found, key=codecs().index)


BYTE_ORDER_MARK = "\ufeff"


def find_mojibake(text: str) -> list[Repair]:
    """Every damaged span of ``text`` with its original (byte order marks left out)."""
    if text.isascii() or not _any_pair_re().search(text):
        return []
    return [
        Repair(
            c.span.start,
            c.span.end,
            text[c.span.start : c.span.end],
            c.repaired.replace(BYTE_ORDER_MARK, ""),
            _codec_label(c.codec, text[c.span.start : c.span.end]),
            c.repaired.count(BYTE_ORDER_MARK),
        )
        for c in _claims(text)
    ]


def _codec_label(codec: str, original: str) -> str:
    """Windows-1252 damage with C1 controls it cannot make came through Latin-1."""
    if codec == "Windows-1252" and any(
        "\x80" <= c <= "\x9f" and c not in "\x81\x8d\x8f\x90\x9d" for c in original
    ):
        return "Latin-1"
    return codec


def repair(text: str) -> str:
    """``text`` with every damaged span replaced by its original (a damaged byte
    order mark removed)."""
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


# Words of a post about character encodings, which shows damaged text on purpose.
_ABOUT_ENCODINGS_RE = re.compile(
    r"U\+FFFD|replacement char|mojibake|\bcharset\b|\bencod(?:ing|ed|e)\b|\butf-?8|\bunicode\b|"
    r"乱码|文字化け|编码|符号化",
    re.IGNORECASE,
)


# Words of a post about damaged text itself, which shows examples of it.
_ABOUT_MOJIBAKE_RE = re.compile(
    r"mojibake|garbled|U\+FFFD|replacement char|乱码|亂碼|文字化け", re.IGNORECASE
)


def about_encodings(text: str) -> bool:
    """The text speaks of character encodings (UTF-8, a charset, mojibake, U+FFFD, 乱码):
    damaged text in it may be an example."""
    return _ABOUT_ENCODINGS_RE.search(text) is not None


def about_mojibake(text: str) -> bool:
    """The text speaks of damaged text itself (mojibake, garbled text, 乱码, 文字化け):
    mojibake in it may be an example. (Mentions of an encoding alone are not enough:
    translations and documentation name UTF-8 or a charset all the time.)"""
    return _ABOUT_MOJIBAKE_RE.search(text) is not None
