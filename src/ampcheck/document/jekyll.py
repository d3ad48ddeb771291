"""Jekyll's conventions for post file names and dates.

Jekyll reads a front-matter ``date`` with ``Jekyll::Utils.parse_date``, which is Ruby's
``Time.parse(value.to_s).localtime``: ``Date._parse`` picks the parts of a date and a
time out of the text by a fixed series of patterns, and ``Time.make_time`` builds the
time from them. :func:`read_date` follows both (Ruby 3.1, date 3.2), so that ampcheck
accepts what Jekyll accepts and rejects what stops its build with "Invalid date".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ampcheck.document.post import Post

# The names Jekyll reads from _posts (jekyll/document.rb, DATE_FILENAME_MATCHER): a 2-4
# digit year, a 1-2 digit month and day, a title and an extension. Any other file in
# _posts is skipped without a message.
POST_NAME_RE = re.compile(r"^(\d{2,4})-(\d{1,2})-(\d{1,2})-[^/]*\.[^.]+$")
# Names Jekyll ignores on purpose (EntryFilter: special and backup files).
IGNORED_NAME_RE = re.compile(r"^[._#~]|~$")
# A date somewhere in a file name (2020-1, 2018_07_02, 2018.7.2): the name of a post
# whose date is mistyped, as against a file with no date at all (README.md).
DATE_IN_NAME_RE = re.compile(r"(?<!\d)\d{2,4}[-_.]\d{1,2}(?:[-_.]\d{1,2})?(?!\d)")


def post_path(post: Post) -> PurePath:
    """The post's path as Jekyll sees it: resolved when it is a file on disk, so that
    ``cd _posts && ampcheck a.md`` still knows the post is in ``_posts``."""
    return post.memo("jekyll.post_path", _post_path)


def _post_path(post: Post) -> PurePath:
    if post.file is None:
        return PurePath(post.path)
    return post.site.resolve(post.file) if post.site is not None else post.file.resolve()


def in_posts_folder(path: PurePath) -> bool:
    return "_posts" in path.parts[:-1]


def filename_date(name: str) -> dt.date | str:
    """The date in a post's file name, or why there is none."""
    m = POST_NAME_RE.match(name)
    if m is None:
        return "is not named YYYY-MM-DD-title.EXT"
    if not is_calendar_date(*(int(g) for g in m.groups())):
        return f"names {'-'.join(m.groups())}, which is not a calendar date"
    year, month, day = (int(g) for g in m.groups())
    return dt.date(year if year >= 100 else 2000 + year, month, day)


def is_calendar_date(year: int, month: int, day: int) -> bool:
    try:
        # shifted by whole 400-year cycles, which keeps leap years, so that the years
        # 0 to 99 (and 2-digit years) fit Python's calendar
        dt.date(2000 + year % 400, month, day)
    except ValueError:
        return False
    return True


# -- front-matter dates: Ruby's Time.parse ----------------------------------------


@dataclass(frozen=True, slots=True)
class JekyllDate:
    """A front-matter date as Jekyll reads it (before ``localtime``).

    ``value`` is the wall-clock time Ruby builds: aware when the text names a zone Ruby
    knows (an offset, ``Z``, ``UTC``, ``GMT``, ``EST``...), naive when Ruby reads it in
    the local time zone of the build (the site's ``timezone``, or else the machine's);
    ``None`` for a year Python's calendar cannot hold (before 1 or after 9999).
    """

    value: dt.datetime | None
    #: the text written as a date only, without a time (``2020-05-02``, ``May 2, 2020``)
    date_only: bool = False
    #: the zone text Ruby found but does not know, so that the time is local (``CET``)
    ignored_zone: str | None = None
    #: the leading parts the text leaves out, taken from the time of the build
    from_build: tuple[str, ...] = ()
    #: the day as written when it is not in the calendar (``2018-02-30``)
    rolled_over: str | None = None
    #: the numbers of a date whose order Ruby guessed, and the date it made of them
    guessed_order: str | None = None


class InvalidDate(NamedTuple):
    """A date Ruby's ``Time.parse`` rejects: Jekyll stops with "Invalid date"."""

    reason: str


# Time::ZoneOffset (Ruby's time.rb): the zone names Time.parse knows, in hours
ZONE_OFFSETS = {
    "UTC": 0, "Z": 0, "UT": 0, "GMT": 0,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8, "I": 9, "K": 10,
    "L": 11, "M": 12, "N": -1, "O": -2, "P": -3, "Q": -4, "R": -5, "S": -6, "T": -7,
    "U": -8, "V": -9, "W": -10, "X": -11, "Y": -12,
}  # fmt: skip
#: Date._parse refuses longer text (date 3.2.1 on, against regular-expression blowup)
PARSE_LIMIT = 128

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DAYS = "sun|mon|tue|wed|thu|fri|sat"
_ERA = r"(c(?:e|\.e\.)|b(?:ce|\.c\.e\.)|a(?:d|\.d\.)|b(?:c|\.c\.))?"
# Ruby's \d, \s and \b are ASCII; [[:alpha:]] is any letter
_ALPHA = r"[^\W0-9_]"
_I = re.IGNORECASE


def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    # Ruby's \\d is ASCII (inside a character class the patterns say 0-9 themselves)
    return re.compile(pattern.replace(r"\d", "[0-9]").replace(r"\D", "[^0-9]"), flags)


_NOT_KEPT_RE = _re(r"(?:[^-+',./:@\w\[\]]|_)+")
_DAY_RE = _re(rf"\b({_DAYS})[^-/0-9\s]*", _I)
_TIME_RE = _re(
    r"((?:\d+\s*:\s*\d+(?:\s*:\s*\d+(?:[,.]\d*)?)?|\d+\s*h(?:\s*\d+m?(?:\s*\d+s?)?)?)"
    r"(?:\s*[ap](?:m\b|\.m\.))?|\d+\s*[ap](?:m\b|\.m\.))"
    r"(?:\s*((?:gmt|utc?)?[-+]\d+(?:[,.:]\d+(?::\d+)?)?"
    rf"|(?-i:(?:{_ALPHA}|[.\s])+)(?:standard|daylight)\stime\b"
    rf"|(?-i:{_ALPHA}+)(?:\sdst)?\b))?",
    _I,
)
_TIME_PARTS_RE = _re(
    r"\A(\d+)h?(?:\s*:?\s*(\d+)m?(?:\s*:?\s*(\d+)(?:[,.](\d+))?s?)?)?"
    r"(?:\s*([ap])(?:m\b|\.m\.))?",
    _I,
)
_EU_RE = _re(
    rf"('?\d+)[^-0-9\s]*\s*({_MONTHS})[^-0-9\s']*"
    rf"(?:\s*{_ERA}\s*('?-?\d+(?:(?:st|nd|rd|th)\b)?))?",
    _I,
)
_US_RE = _re(rf"\b({_MONTHS})[^-0-9\s']*\s*('?\d+)[^-0-9\s']*(?:\s*,?\s*{_ERA}\s*('?-?\d+))?", _I)
_ISO_RE = _re(r"('?[-+]?\d+)-(\d+)-('?-?\d+)")
_JIS_RE = _re(r"\b([mtsh])(\d+)\.(\d+)\.(\d+)", _I)
_VMS11_RE = _re(rf"('?-?\d+)-({_MONTHS})[^-/.]*-('?-?\d+)", _I)
_VMS12_RE = _re(rf"\b({_MONTHS})[^-/.]*-('?-?\d+)(?:-('?-?\d+))?", _I)
_SLA_RE = _re(r"('?-?\d+)/\s*('?\d+)(?:\D\s*('?-?\d+))?", _I)
_DOT_RE = _re(r"('?-?\d+)\.\s*('?\d+)\.\s*('?-?\d+)", _I)
_ISO21_RE = _re(r"\b(\d{2}|\d{4})?-?w(\d{2})(?:-?(\d))?\b", _I)
_ISO22_RE = _re(r"-w-(\d)\b", _I)
_ISO23_RE = _re(r"--(\d{2})?-(\d{2})\b")
_ISO24_RE = _re(r"--(\d{2})(\d{2})?\b")
_ISO25_SKIP_RE = _re(r"[,.](\d{2}|\d{4})-\d{3}\b")
_ISO25_RE = _re(r"\b(\d{2}|\d{4})-(\d{3})\b")
_ISO26_SKIP_RE = _re(r"\d-\d{3}\b")
_ISO26_RE = _re(r"\b-(\d{3})\b")
_YEAR_RE = _re(r"'(\d+)\b")
_MON_RE = _re(rf"\b({_MONTHS})\S*", _I)
_MDAY_RE = _re(r"(\d+)(st|nd|rd|th)\b", _I)
_DDD_RE = _re(
    r"([-+]?)(\d{2,14})(?:\s*t?\s*(\d{2,6})?(?:[,.](\d*))?)?"
    r"(?:\s*(z\b|[-+]\d{1,4}\b|\[[-+]?\d[^\]]*\]))?",
    _I,
)
_BC_RE = _re(r"\b(bc\b|bce\b|b\.c\.|b\.c\.e\.)", _I)
_FRAG_RE = _re(r"\A\s*(\d{1,2})\s*\Z", _I)
_NUMERIC_ZONE_RE = _re(r"\A([+-])(\d\d)(:?)(\d\d)(?:\3(\d\d))?\Z")


_KINDS = {"alpha": re.compile("[A-Za-z]"), "digit": re.compile("[0-9]")}


class _Parse:
    """Date._parse: the text, worn away pattern by pattern, and what was found."""

    def __init__(self, text: str) -> None:
        self.text = _NOT_KEPT_RE.sub(" ", text)
        self.found: dict[str, Any] = {"_comp": True}
        #: set when a numeric date's order was guessed (day first, two-digit year)
        self.guessed = False

    def sub(self, pattern: re.Pattern[str], found: Callable[[re.Match[str]], object]) -> bool:
        """Match ``pattern`` anywhere; blank out the match and record what it holds."""
        m = pattern.search(self.text)
        if m is None:
            return False
        self.text = self.text[: m.start()] + " " + self.text[m.end() :]
        found(m)
        return True

    def has(self, *kinds: str) -> bool:
        """Whether the text left holds each kind of character (``alpha``, ``digit``,
        ``-``, ``.``, ``/``): Ruby asks before each pattern, on the text as it is then."""
        s = self.text
        for kind in kinds:
            pattern = _KINDS.get(kind)
            if (kind not in s) if pattern is None else (pattern.search(s) is None):
                return False
        return True


def _to_i(text: str) -> int:
    """Ruby's String#to_i: the leading whole number, 0 when there is none."""
    m = re.match(r"\s*([-+]?\d+)", text)
    return int(m.group(1)) if m else 0


def _number_start(s: str) -> int | None:
    """Where the first sign or digit of ``s`` is."""
    for i, c in enumerate(s):
        if c in "+-" or "0" <= c <= "9":
            return i
    return None


def _s3e(p: _Parse, y: str | None, m: str | None, d: str | None, bc: bool) -> None:
    """Date._parse's s3e: a year, a month and a day, in the order their looks suggest."""
    found = p.found
    comp: bool | None = None
    if y is not None and m is not None and d is None:
        y, m, d = None, y, m
    if y is None:
        if d is not None and len(d) > 2:
            y, d = d, None
        if d is not None and d[:1] == "'":
            y, d = d, None
    if y is not None:
        start = _number_start(y)
        if start is not None:
            end = start + (1 if y[start] in "+-" else 0)
            while end < len(y) and "0" <= y[end] <= "9":
                end += 1
            if end < len(y):
                number = y[start:end]
                y, d = d, number
    if m is not None and (m[:1] == "'" or len(m) > 2):
        y, m, d = m, d, y
    if d is not None and (d[:1] == "'" or len(d) > 2):
        y, d = d, y
    if y is not None:
        start = _number_start(y)
        if start is not None:
            signed = y[start] in "+-"
            i = start + 1 if signed else start
            end = i
            while end < len(y) and "0" <= y[end] <= "9":
                end += 1
            if signed or end - i > 2:
                comp = False
            found["year"] = _to_i(y[start:end]) if end > i else 0
    if bc:
        found["_bc"] = True
    for key, part in (("mon", m), ("mday", d)):
        if part is None:
            continue
        i = 0
        while i < len(part) and not "0" <= part[i] <= "9":
            i += 1
        if i < len(part):
            found[key] = _to_i(part[i:])
    if comp is not None:
        found["_comp"] = comp


def _mon_num(name: str) -> int:
    return _MONTHS.split("|").index(name[:3].lower()) + 1


def _named(p: _Parse, y: str | None, month: str, d: str | None, era: str | None = None) -> None:
    """A date with the month's name: s3e with the month's number."""
    _s3e(p, y, str(_mon_num(month)), d, era is not None and era[:1] in "bB")


def _numeric_date(p: _Parse, m: re.Match[str]) -> None:
    """y/m/d, y-m-d and y.m.d (s3e), noting when the reading is a guess: a date not
    written year first in full whose day and month could be swapped (``02/07/2018``), or
    whose year has two digits (``5/2/20``)."""
    _s3e(p, m[1], m[2], m[3], False)
    if m[3] is None:
        # a month and a day only (5/2): the year comes from the build, which is told
        return
    first, second, last = (re.sub(r"[^0-9]", "", g) for g in (m[1], m[2], m[3]))
    if len(first) > 2:
        return
    if len(last) > 2:
        day, month = int(first), int(second or "0")
        p.guessed = day <= 12 and month <= 12 and day != month
    else:
        p.guessed = True


def _time(p: _Parse, m: re.Match[str]) -> None:
    if m.group(2) is not None:
        p.found["zone"] = m.group(2)
    t = _TIME_PARTS_RE.match(m.group(1))
    if t is None:
        return
    hour = int(t.group(1))
    if t.group(5) is not None:
        hour = hour % 12 + (12 if t.group(5) in "pP" else 0)
    p.found["hour"] = hour
    if t.group(2) is not None:
        p.found["min"] = int(t.group(2))
    if t.group(3) is not None:
        p.found["sec"] = int(t.group(3))
    if t.group(4) is not None:
        p.found["sec_fraction"] = Fraction(int(t.group(4)), 10 ** len(t.group(4)))


def _ddd(p: _Parse, m: re.Match[str]) -> None:
    f = p.found
    s2, s3, s4, s5 = m.group(2), m.group(3), m.group(4), m.group(5)
    _ddd_digits(f, s2, time_only=s3 is None and s4 is not None, neg=m.group(1) == "-")
    if s3 is not None and len(s3) in (2, 4, 6):
        _ddd_clock(f, s3, seconds_first=s4 is not None)
    if s4 is not None:
        f["sec_fraction"] = Fraction(int(s4 or "0"), 10 ** len(s4))
    if s5 is not None:
        f["zone"] = s5
        if s5.startswith("["):
            inner = s5[1:-1]
            f["zone"] = inner.split(":", 1)[1] if ":" in inner else inner


def _ddd_digits(f: dict[str, Any], s2: str, *, time_only: bool, neg: bool) -> None:
    """The run of digits of a ``_parse_ddd`` match, read by its length."""
    n = len(s2)

    def num(start: int, width: int) -> int:
        return int(s2[start : start + width])

    def year(value: int) -> int:
        return -value if neg else value

    if n == 2:
        f["sec" if time_only else "mday"] = num(0, 2)
    elif n == 4:
        if time_only:
            f["sec"], f["min"] = num(2, 2), num(0, 2)
        else:
            f["mon"], f["mday"] = num(0, 2), num(2, 2)
    elif n == 6:
        if time_only:
            f["sec"], f["min"], f["hour"] = num(4, 2), num(2, 2), num(0, 2)
        else:
            f["year"], f["mon"], f["mday"] = year(num(0, 2)), num(2, 2), num(4, 2)
    elif n in (8, 10, 12, 14):
        if time_only:
            f["sec"], f["min"] = num(n - 2, 2), num(n - 4, 2)
            f["hour"], f["mday"] = num(n - 6, 2), num(n - 8, 2)
            if n >= 10:
                f["mon"] = num(n - 10, 2)
            if n == 12:
                f["year"] = year(num(0, 2))
            if n == 14:
                f["year"] = year(num(0, 4))
                f["_comp"] = False
        else:
            f["year"], f["mon"], f["mday"] = year(num(0, 4)), num(4, 2), num(6, 2)
            if n >= 10:
                f["hour"] = num(8, 2)
            if n >= 12:
                f["min"] = num(10, 2)
            if n >= 14:
                f["sec"] = num(12, 2)
            f["_comp"] = False
    elif n == 3:
        if time_only:
            f["sec"], f["min"] = num(1, 2), num(0, 1)
        else:
            f["yday"] = num(0, 3)
    elif n == 5:
        if time_only:
            f["sec"], f["min"], f["hour"] = num(3, 2), num(1, 2), num(0, 1)
        else:
            f["year"], f["yday"] = year(num(0, 2)), num(2, 3)
    elif n == 7:
        if time_only:
            f["sec"], f["min"] = num(5, 2), num(3, 2)
            f["hour"], f["mday"] = num(1, 2), num(0, 1)
        else:
            f["year"], f["yday"] = year(num(0, 4)), num(4, 3)


def _ddd_clock(f: dict[str, Any], s3: str, *, seconds_first: bool) -> None:
    """The digits after ``T`` (or a space) of a ``_parse_ddd`` match: a time."""
    k = len(s3)
    if seconds_first:
        f["sec"] = int(s3[k - 2 :])
        if k >= 4:
            f["min"] = int(s3[k - 4 : k - 2])
        if k >= 6:
            f["hour"] = int(s3[:2])
    else:
        f["hour"] = int(s3[:2])
        if k >= 4:
            f["min"] = int(s3[2:4])
        if k >= 6:
            f["sec"] = int(s3[4:6])


def _frag(p: _Parse, m: re.Match[str]) -> None:
    f = p.found
    n = int(m.group(1))
    if "hour" in f and "mday" not in f and 1 <= n <= 31:
        f["mday"] = n
    if "mday" in f and "hour" not in f and 0 <= n <= 24:
        f["hour"] = n


def date_parse(text: str) -> dict[str, Any]:
    """Ruby's ``Date._parse(text)``: the parts of a date found in ``text`` (``year``,
    ``mon``, ``mday``, ``yday``, ``hour``, ``min``, ``sec``, ``sec_fraction``, ``zone``,
    ``wday``, ``cwyear``, ``cweek``, ``cwday``); the zone's offset is left out, as
    ``Time.parse`` does not use it. Raises ``ValueError`` for text over 128 characters."""
    if len(text) > PARSE_LIMIT:
        raise ValueError(f"it is {len(text)} characters long, over Ruby's limit of 128")
    p = _Parse(text)
    f = p.found
    if p.has("alpha"):
        p.sub(_DAY_RE, lambda m: f.__setitem__("wday", _DAYS.split("|").index(m[1][:3].lower())))
    if p.has("digit"):
        p.sub(_TIME_RE, lambda m: _time(p, m))
    steps: list[tuple[tuple[str, ...], Callable[[], bool]]] = [
        (("alpha", "digit"), lambda: p.sub(_EU_RE, lambda m: _named(p, m[4], m[2], m[1], m[3]))),
        (("alpha", "digit"), lambda: p.sub(_US_RE, lambda m: _named(p, m[4], m[1], m[2], m[3]))),
        (("digit", "-"), lambda: p.sub(_ISO_RE, lambda m: _numeric_date(p, m))),
        (("digit", "."), lambda: p.sub(_JIS_RE, lambda m: _jis(p, m))),
        (("alpha", "digit", "-"), lambda: p.sub(_VMS11_RE, lambda m: _named(p, m[3], m[2], m[1]))
            or p.sub(_VMS12_RE, lambda m: _named(p, m[3], m[1], m[2]))),
        (("digit", "/"), lambda: p.sub(_SLA_RE, lambda m: _numeric_date(p, m))),
        (("digit", "."), lambda: p.sub(_DOT_RE, lambda m: _numeric_date(p, m))),
        (("digit",), lambda: _iso2(p)),
        (("digit",), lambda: p.sub(_YEAR_RE, lambda m: f.__setitem__("year", int(m[1])))),
        (("alpha",), lambda: p.sub(_MON_RE, lambda m: f.__setitem__("mon", _mon_num(m[1])))),
        (("digit",), lambda: p.sub(_MDAY_RE, lambda m: f.__setitem__("mday", int(m[1])))),
        (("digit",), lambda: p.sub(_DDD_RE, lambda m: _ddd(p, m))),
    ]  # fmt: skip
    for kinds, step in steps:
        if p.has(*kinds) and step():
            break
    if p.has("alpha"):
        p.sub(_BC_RE, lambda m: f.__setitem__("_bc", True))
    if p.has("digit"):
        p.sub(_FRAG_RE, lambda m: _frag(p, m))
    if f.pop("_bc", False):
        for key in ("cwyear", "year"):
            if key in f:
                f[key] = -f[key] + 1
    if f.pop("_comp"):
        for key in ("cwyear", "year"):
            if key in f and 0 <= f[key] <= 99:
                f[key] += 1900 if f[key] >= 69 else 2000
    if p.guessed:
        f["_guessed"] = True
    return f


def _jis(p: _Parse, m: re.Match[str]) -> None:
    era = {"m": 1867, "t": 1911, "s": 1925, "h": 1988}[m[1].lower()]
    p.found.update(year=int(m[2]) + era, mon=int(m[3]), mday=int(m[4]))


def _iso2(p: _Parse) -> bool:
    f = p.found

    def week(m: re.Match[str]) -> None:
        if m[1] is not None:
            f["cwyear"] = int(m[1])
        f["cweek"] = int(m[2])
        if m[3] is not None:
            f["cwday"] = int(m[3])

    def month_day(m: re.Match[str]) -> None:
        if m[1] is not None:
            f["mon"] = int(m[1])
        f["mday"] = int(m[2])

    def month(m: re.Match[str]) -> None:
        f["mon"] = int(m[1])
        if m[2] is not None:
            f["mday"] = int(m[2])

    return (
        p.sub(_ISO21_RE, week)
        or p.sub(_ISO22_RE, lambda m: f.__setitem__("cwday", int(m[1])))
        or p.sub(_ISO23_RE, month_day)
        or p.sub(_ISO24_RE, month)
        or (
            _ISO25_SKIP_RE.search(p.text) is None
            and p.sub(_ISO25_RE, lambda m: f.update(year=int(m[1]), yday=int(m[2])))
        )
        or (
            _ISO26_SKIP_RE.search(p.text) is None
            and p.sub(_ISO26_RE, lambda m: f.__setitem__("yday", int(m[1])))
        )
    )


def zone_offset(zone: str, year: int, local: dt.tzinfo | None = None) -> int | None:
    """Ruby's ``Time.zone_offset``: the zone's offset in seconds, or ``None`` when Ruby
    does not know it. Besides offsets and the names of Time::ZoneOffset, Ruby knows the
    abbreviation of the build's own time zone (``local``, when it is known) in January
    and July of the year."""
    name = zone.upper()
    m = _NUMERIC_ZONE_RE.match(name)
    if m:
        sign = -1 if m[1] == "-" else 1
        return sign * ((int(m[2]) * 60 + int(m[4])) * 60 + int(m[5] or 0))
    if re.fullmatch(r"[+-]\d\d", name):
        return int(name) * 3600
    if name in ZONE_OFFSETS:
        return ZONE_OFFSETS[name] * 3600
    if local is not None and 1 <= year <= 9999:
        for month in (1, 7):
            moment = dt.datetime(year, month, 1, tzinfo=local)
            if (moment.tzname() or "").upper() == name:
                offset = moment.utcoffset()
                return int(offset.total_seconds()) if offset is not None else None
    return None


def _month_days(year: int, month: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


def _apply_offset(
    year: int, mon: int, day: int, hour: int, minute: int, sec: int, off: int
) -> tuple[int, int, int, int, int, int]:
    """Ruby's Time.apply_offset: local fields to UTC fields, carrying at most a day."""
    sign = -1 if off < 0 else 1
    rest = abs(off)
    fields = [sec, minute, hour]
    for i, base in enumerate((60, 60, 24)):
        rest, o = divmod(rest, base)
        if o:
            carry, fields[i] = divmod(fields[i] - sign * o, base)
            rest -= sign * carry
    sec, minute, hour = fields
    if rest:
        if off < 0:
            day += rest
            if 1 <= mon <= 12 and _month_days(year, mon) < day:
                mon += 1
                if mon > 12:
                    mon, year = 1, year + 1
                day = 1
        else:
            day -= rest
            if day < 1:
                mon -= 1
                if mon < 1:
                    year, mon = year - 1, 12
                day = _month_days(year, mon)
    return year, mon, day, hour, minute, sec


def _time_fields(
    year: int, mon: int, day: int, hour: int, minute: int, sec: int, usec: int
) -> dt.datetime | None:
    """Ruby's Time.utc/Time.local: check the fields (raising ``ValueError`` where Ruby
    raises ArgumentError) and let the end of a month and 24:00 carry over."""
    limits = (
        ("month", mon, 1, 12),
        ("day", day, 1, 31),
        ("hour", hour, 0, 24),
        ("minute", minute, 0, 0 if hour == 24 else 59),
        ("second", sec, 0, 0 if hour == 24 else 60),
    )
    for name, value, low, high in limits:
        if not low <= value <= high:
            raise ValueError(f"the {name} ({value}) is out of range")
    if not 1 <= year <= 9999:
        return None
    last = _month_days(year, mon)
    if day > last:
        day, mon = day - last, mon + 1
        if mon > 12:
            mon, year = 1, year + 1
            if year > 9999:
                return None
    moment = dt.datetime(year, mon, day) + dt.timedelta(
        hours=hour, minutes=minute, seconds=sec, microseconds=usec
    )
    return moment


def read_date(
    text: str, now: dt.datetime | None = None, local: dt.tzinfo | None = None
) -> JekyllDate | InvalidDate:
    """What Jekyll makes of a front-matter date written as ``text``: Ruby's
    ``Time.parse(text, now)``. ``now`` is the time of the build (aware; default: now),
    which fills the leading parts the text leaves out; ``local`` is the build's time
    zone when it is known (the site's ``timezone``)."""
    if now is None:
        # as Jekyll, which reads each date text once in a build
        return _read_now(text, local)
    return _read(text, now, local)


@functools.lru_cache(maxsize=4096)
def _read_now(text: str, local: dt.tzinfo | None) -> JekyllDate | InvalidDate:
    return _read(text, None, local)


def _read(text: str, now: dt.datetime | None, local: dt.tzinfo | None) -> JekyllDate | InvalidDate:
    try:
        f = date_parse(text)
    except ValueError as e:
        return InvalidDate(str(e))
    if now is None:
        now = dt.datetime.now(dt.timezone.utc).astimezone(local)
    elif now.tzinfo is None:
        now = now.astimezone(local)
    parts = ("year", "yday", "mon", "mday", "hour", "min", "sec", "sec_fraction")
    if all(f.get(k) is None for k in parts):
        return InvalidDate("Ruby finds no date or time in it")
    zone: str | None = f.get("zone")
    year: int | None = f.get("year")
    off_year = year if year is not None else now.year
    off = zone_offset(zone, off_year, local) if zone is not None else None
    try:
        return _make_time(f, _Clock(now, local, zone, off, off_year))
    except ValueError as e:
        return InvalidDate(str(e))


class _Clock(NamedTuple):
    """The time of the build, its time zone, and the zone the text names with its
    offset in seconds (taken in ``off_year``)."""

    now: dt.datetime
    local: dt.tzinfo | None
    zone: str | None
    off: int | None
    off_year: int


def _from_year_day(f: dict[str, Any], yday: int, clock: _Clock) -> JekyllDate:
    # Time.make_time: the day of the year as a month and a day, then corrected by
    # the difference to the day of the year of the time so made
    if not 1 <= yday <= 366:
        raise ValueError("the day of the year is out of range")
    mon, day = divmod(yday - 1, 31)
    mon, day = mon + 1, day + 1
    first = _make_time({**f, "yday": None, "mon": mon, "mday": day}, clock)
    if first.value is None:
        return first
    diff = yday - first.value.timetuple().tm_yday
    if diff == 0:
        return replace(first, rolled_over=None)
    day += diff
    if day > 28 and day > (last := _month_days(clock.off_year, mon)):
        mon += 1
        if mon > 12:
            raise ValueError("the day of the year is out of range")
        day -= last
    again = _make_time({**f, "yday": None, "mon": mon, "mday": day}, clock)
    return replace(again, rolled_over=None)


#: year, month, day, hour, minute, second, microsecond, and the names filled in
_Filled = tuple[
    int | None, int | None, int | None, int | None, int | None, int | None, int | None, list[str]
]


def _from_build(
    base: dt.datetime,
    year: int | None,
    mon: int | None,
    day: int | None,
    hour: int | None,
    minute: int | None,
    sec: int | None,
    usec: int | None,
) -> tuple[
    int | None, int | None, int | None, int | None, int | None, int | None, int | None, list[str]
]:
    """The leading parts left out, up to the first given, taken from the time of the
    build (``base``), and their names."""
    filled: list[str] = []
    # the leading parts left out come from the time of the build, up to the first given
    for name in ("year", "month", "day", "hour", "minute", "second"):
        current = {"year": year, "month": mon, "day": day, "hour": hour,
                   "minute": minute, "second": sec}[name]  # fmt: skip
        if current is not None:
            break
        filled.append(name)
        if name == "year":
            year = base.year
        elif name == "month":
            mon = base.month
        elif name == "day":
            day = base.day
        elif name == "hour":
            hour = base.hour
        elif name == "minute":
            minute = base.minute
        else:
            sec = base.second
            if usec is None:
                usec = base.microsecond
    return year, mon, day, hour, minute, sec, usec, filled


def _at_offset(
    fields: tuple[int, int, int, int, int, int], usec: int, off: int, zone: str | None
) -> dt.datetime | None:
    """The time of ``fields`` at the UTC offset ``off`` (seconds), or None where
    Python cannot hold it; ValueError where Ruby refuses the offset."""
    utc = _time_fields(*_apply_offset(*fields, off), usec)
    # Time#localtime(offset) takes less than a day; Ruby's UTC names skip it
    utc_name = zone is not None and re.fullmatch(r"-00:00|-0000|-00|UTC|Z|UT", zone, _I)
    if not utc_name and not -86400 < off < 86400:
        raise ValueError("the offset is out of range")
    if utc is None:
        return None
    try:
        aware = utc.replace(tzinfo=dt.timezone.utc)
        return aware.astimezone(dt.timezone(dt.timedelta(seconds=off)))
    except (OverflowError, ValueError):
        return None


def _make_time(f: dict[str, Any], clock: _Clock) -> JekyllDate:
    year: int | None = f.get("year")
    mon: int | None = f.get("mon")
    day: int | None = f.get("mday")
    yday: int | None = f.get("yday")
    if yday is not None:
        return _from_year_day(f, yday, clock)
    now, local, zone, off, off_year = clock
    if off is not None and -86400 < off < 86400:
        base = now.astimezone(dt.timezone(dt.timedelta(seconds=off)))
    else:
        base = now.astimezone(local) if local is not None else now
    hour: int | None = f.get("hour")
    minute: int | None = f.get("min")
    sec: int | None = f.get("sec")
    fraction: Fraction | None = f.get("sec_fraction")
    usec = int(fraction * 1_000_000) if fraction is not None else None
    year, mon, day, hour, minute, sec, usec, filled = _from_build(
        base, year, mon, day, hour, minute, sec, usec
    )
    assert year is not None
    mon = 1 if mon is None else mon
    day = 1 if day is None else day
    hour = 0 if hour is None else hour
    minute = 0 if minute is None else minute
    sec = 0 if sec is None else sec
    usec = 0 if usec is None else usec
    if zone is not None and year != off_year:
        off = zone_offset(zone, year, local)
    rolled = None
    if 1 <= mon <= 12 and 1 <= year <= 9999 and day > _month_days(year, mon):
        rolled = f"{year:04d}-{mon:02d}-{day:02d}"
    if off is not None:
        value = _at_offset((year, mon, day, hour, minute, sec), usec, off, zone)
        ignored = None
    else:
        value = _time_fields(year, mon, day, hour, minute, sec, usec)
        ignored = zone
    date_only = all(f.get(k) is None for k in ("hour", "min", "sec", "sec_fraction"))
    guessed = None
    if f.get("_guessed") and value is not None:
        guessed = value.date().isoformat()
    return JekyllDate(
        value=value,
        date_only=date_only and zone is None,
        ignored_zone=ignored,
        from_build=tuple(filled),
        rolled_over=rolled,
        guessed_order=guessed,
    )


def jekyll_text(value: object) -> str:
    """The text Jekyll hands Time.parse for a front-matter value: Ruby's ``to_s``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            # an unquoted YAML timestamp without an offset is a UTC time
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M:%S %z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inspect(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_inspect(k)}=>{_inspect(v)}" for k, v in value.items()) + "}"
    return str(value)


def _inspect(value: object) -> str:
    """Ruby's ``inspect`` of a value inside a list or a mapping."""
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "nil"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        # Date#inspect: the date, its Julian day number and the Gregorian reform's
        return f"#<Date: {value.isoformat()} (({value.toordinal() + 1721425}j,0s,0n),+0s,2299161j)>"
    return jekyll_text(value)


def parse_date(value: str) -> dt.datetime | dt.date | None:
    """A front-matter date string as Jekyll reads it, or ``None`` when Jekyll cannot or
    takes a part from the day of the build: a date when the text gives no time, an
    aware time when it names a zone Ruby knows, else a naive (local) time."""
    read = read_date(value)
    if isinstance(read, InvalidDate) or read.value is None or read.from_build:
        # not a date, or one that changes with the day of the build
        return None
    if read.date_only:
        return read.value.date()
    return read.value


def calendar_day(value: object, zone: dt.tzinfo | None) -> dt.date | None:
    """The day a front-matter ``date`` falls on in the site's time zone."""
    if isinstance(value, str):
        value = parse_date(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and zone is not None:
            try:
                value = value.astimezone(zone)
            except OverflowError:  # a day before year 1 or after 9999: no date to give
                return None
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
