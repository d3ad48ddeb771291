"""Front-matter dates as Jekyll reads them: ampcheck's reading of Ruby's Time.parse,
checked against a table, and the table against Ruby itself where Ruby is installed."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ampcheck.document.jekyll import InvalidDate, JekyllDate, read_date

# The table is read at a fixed build time in a zone with an odd offset, so that a time
# read in the build's zone (naive below) cannot pass for one with an offset.
ZONE = "Asia/Kathmandu"
LOCAL = ZoneInfo(ZONE)
NOW = dt.datetime(2026, 12, 4, 16, 30, 15, tzinfo=LOCAL)

#: the text of a date -> the time Ruby's Time.parse(text, NOW) gives (ISO 8601; without
#: an offset when the time is local), or None when it raises ArgumentError (or
#: RangeError), which stops Jekyll's build
TABLE: list[tuple[str, str | None]] = [
    ("2020-05-02 18:30:00 GMT-3", "2020-05-02T18:30:00"),
    ("2011-12-17 04:24:51 UTC", "2011-12-17T04:24:51+00:00"),
    ("2020-05-02 10:00:00 +0100 CET", "2020-05-02T10:00:00+01:00"),
    ("2020-05-02 10:00:00 CET", "2020-05-02T10:00:00"),
    ("May 2, 2020", "2020-05-02T00:00:00"),
    ("2 May 2020", "2020-05-02T00:00:00"),
    ("Sat, 02 May 2020 10:00:00 +0200", "2020-05-02T10:00:00+02:00"),
    ("2020-05-02 6:30 PM", "2020-05-02T18:30:00"),
    ("2020/05/02", "2020-05-02T00:00:00"),
    ("02/07/2018", "2018-07-02T00:00:00"),
    ("07/25/2018", None),
    ("5/2/20", "2005-02-20T00:00:00"),
    ("02.07.18", "2002-07-18T00:00:00"),
    ("yesterday", None),
    ("July 2nd", "2026-07-02T00:00:00"),
    ("20180702", "2018-07-02T00:00:00"),
    ("2018", None),
    ("2018-02-30", "2018-03-02T00:00:00"),
    ("2018-02-32", None),
    ("2018-13-01", None),
    ("2020-05-02 25:00", None),
    ("2020-05-02 24:00", "2020-05-03T00:00:00"),
    ("2020-05-02 24:30", None),
    ("2020-05-02 10:60", None),
    ("2020-05-02 10:00:60", "2020-05-02T10:01:00"),
    ("2020-05-02 10:00 +2500", None),
    ("2020-05-02 10:00 EST", "2020-05-02T10:00:00-05:00"),
    ("2020-05-02 10:00 PDT", "2020-05-02T10:00:00-07:00"),
    ("2020-05-02 10:00 Europe/Berlin", "2020-05-02T10:00:00"),
    ("2020-05-02T10:00:00.123Z", "2020-05-02T10:00:00.123000+00:00"),
    ("2020-05-02 10:00:00 +01", "2020-05-02T10:00:00+01:00"),
    ("2020-05-02 10:00:00 UT", "2020-05-02T10:00:00+00:00"),
    ("2020-05-02 10:00:00 GMT+5:30", "2020-05-02T10:00:00"),
    ("2020-04-32 23:00 -0200", "2020-04-30T23:00:00-02:00"),
    ("Monday", None),
    ("2020-05-02 10:00:00 -0000", "2020-05-02T10:00:00+00:00"),
    ("2020-05-02 10:00:00 -05:00", "2020-05-02T10:00:00-05:00"),
    ("2020-05-02T10:00:00+05:30", "2020-05-02T10:00:00+05:30"),
    ("2020-05-02T10:00", "2020-05-02T10:00:00"),
    ("2020-05-02 10:00:00.5", "2020-05-02T10:00:00.500000"),
    ("2020-05-02 00:30:00 +0200", "2020-05-02T00:30:00+02:00"),
    ("2020-01-01 00:30:00 +0200", "2020-01-01T00:30:00+02:00"),
    ("2020-03-01 00:30:00 +0200", "2020-03-01T00:30:00+02:00"),
    ("2020-12-31 23:30:00 -0200", "2020-12-31T23:30:00-02:00"),
    ("2020-02-28 23:30:00 -0200", "2020-02-28T23:30:00-02:00"),
    ("May 2 2020", "2020-05-02T00:00:00"),
    ("May 2nd, 2020", "2020-05-02T00:00:00"),
    ("2nd May 2020", "2020-05-02T00:00:00"),
    ("Saturday, May 2, 2020", "2020-05-02T00:00:00"),
    ("Saturday, 2 May 2020 10:00", "2020-05-02T10:00:00"),
    ("2 May 2020 10:00:00 GMT", "2020-05-02T10:00:00+00:00"),
    ("Sat May  2 10:00:00 2020", "2020-05-02T10:00:00"),
    ("Sat May  2 10:00:00 UTC 2020", "2020-05-02T10:00:00+00:00"),
    ("December 25, 2019 at 9:00 am", "2019-12-25T09:00:00"),
    ("Dec 25 2019 9am", "2019-12-25T09:00:00"),
    ("2019-12-25 9am", "2019-12-25T09:00:00"),
    ("25 Dec 2019", "2019-12-25T00:00:00"),
    ("25-Dec-2019", "2019-12-25T00:00:00"),
    ("Dec-25-2019", "2019-12-25T00:00:00"),
    ("2019.12.25", "2019-12-25T00:00:00"),
    ("25.12.2019", "2019-12-25T00:00:00"),
    ("12/25/2019", None),
    ("2019-12-25 21h30", "2019-12-25T21:30:00"),
    ("2019-12-25 noon", "2019-12-25T00:00:00"),
    ("2019-W52-3", None),
    ("2019-359", "2019-12-25T00:00:00"),
    ("12:00", "2026-12-04T12:00:00"),
    ("10 pm", "2026-12-04T22:00:00"),
    ("2019-12-25 10:00 pm EST", "2019-12-25T22:00:00-05:00"),
    ("2019-12-25 10:00:00 Z", "2019-12-25T10:00:00+00:00"),
    ("2019-12-25 10:00:00 +09:00:30", "2019-12-25T10:00:00+09:00:30"),
    ("2019-12-25 10:00:00 +9", "2019-12-25T10:00:00"),
    ("2019-12-25 10:00:00 -3", "2019-12-25T10:00:00"),
    ("2019-12-25 10:00:00 +24", None),
    ("2019-12-25 10:00:00 -23:59", "2019-12-25T10:00:00-23:59"),
    ("2019-12-25 10:00:00 +0099", "2019-12-25T10:00:00+01:39"),
    ("19-12-25", "2019-12-25T00:00:00"),
    ("'19", "2019-01-01T00:00:00"),
    ("2019", None),
    ("201912", None),
    ("20191225T1000", "2019-12-25T10:00:00"),
    ("20191225T100000Z", "2019-12-25T10:00:00+00:00"),
    ("2019-12-25 10:00:00 a.m.", "2019-12-25T10:00:00"),
    ("2019-12-25 10:00:00 p.m.", "2019-12-25T22:00:00"),
    ("2019-12-25 12:00 am", "2019-12-25T00:00:00"),
    ("2019-12-25 12:00 pm", "2019-12-25T12:00:00"),
    ("2019-12-25 0:00", "2019-12-25T00:00:00"),
    ("25 Decembre 2019", "2019-12-25T00:00:00"),
    ("25. Dezember 2019", "2026-12-04T16:30:25"),
    ("0001-01-01", "0001-01-01T00:00:00"),
    ("44 BC", None),
    ("2020-02-29", "2020-02-29T00:00:00"),
    ("2019-02-29", "2019-03-01T00:00:00"),
    ("2019-02-31 10:00 +0500", "2019-03-03T10:00:00+05:00"),
    ("2019-06-31", "2019-07-01T00:00:00"),
    ("2019-12-25 10:00 at home", "2019-12-25T10:00:00"),
    ("Posted on 2019-12-25", "2019-12-25T00:00:00"),
    ("2019-12-25 10:00:00 pst", "2019-12-25T10:00:00-08:00"),
    ("2019-12-25 10:00:00 Pacific Standard Time", "2019-12-25T10:00:00"),
    ("2019-12-25 10:00:00 EST dst", "2019-12-25T10:00:00"),
    ("x", None),
    ("0", None),
    ("1", None),
    ("31", "2026-12-31T00:00:00"),
    ("32", None),
    ("2019-12-25T10:00:00.123456789+01:00", "2019-12-25T10:00:00.123456+01:00"),
    ("5/2", "2026-05-02T00:00:00"),
    ("2020-05-02 99999999999:00", None),
    # Ruby's Date._parse refuses text over 128 characters
    ("2020-05-02 10:00:00 +0100 " + "x" * 103, None),
    ("2020-05-02 10:00:00 +0100 " + "x" * 102, "2020-05-02T10:00:00+01:00"),
]


def _expected(want: str | None) -> str:
    """A table entry as the Ruby script below prints it."""
    if want is None:
        return "invalid"
    value = dt.datetime.fromisoformat(want)
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL)
    offset = value.utcoffset()
    assert offset is not None
    return f"{value.year:04d}-{value:%m-%dT%H:%M:%S.%f} {int(offset.total_seconds())}"


@pytest.mark.parametrize(("text", "want"), TABLE, ids=[t[:40] for t, _ in TABLE])
def test_read_date_follows_the_table(text: str, want: str | None) -> None:
    got = read_date(text, NOW, LOCAL)
    if want is None:
        assert isinstance(got, InvalidDate)
        return
    assert isinstance(got, JekyllDate), got
    assert got.value is not None
    assert got.value.isoformat() == want


def test_the_table_is_large_and_mixed() -> None:
    assert len(TABLE) >= 60
    assert sum(want is None for _, want in TABLE) >= 15
    assert len({text for text, _ in TABLE}) == len(TABLE)


RUBY = shutil.which("ruby")
SCRIPT = """
require "time"
STDIN.set_encoding("UTF-8")
now = Time.local(2026, 12, 4, 16, 30, 15)
STDIN.each_line do |line|
  text = line.chomp
  begin
    t = Time.parse(text, now)
    puts t.strftime("%Y-%m-%dT%H:%M:%S.%6N ") + t.utc_offset.to_s
  rescue ArgumentError, RangeError
    # Jekyll turns an ArgumentError into "Invalid date"; a RangeError (a number too
    # big for C's int) stops its build as well, with Ruby's own message
    puts "invalid"
  end
end
"""


@pytest.mark.skipif(
    RUBY is None, reason="ruby is not installed: the table is not checked against Ruby's Time.parse"
)
def test_the_table_is_what_ruby_says() -> None:
    ruby = _ruby([text for text, _ in TABLE])
    assert len(ruby) == len(TABLE)
    wrong = [
        f"{text!r}: Ruby {said}, table {_expected(want)}"
        for (text, want), said in zip(TABLE, ruby, strict=True)
        if said != _expected(want)
    ]
    assert wrong == []


# Pieces of date texts, put together at random: the corners of Ruby's patterns
PIECES = [
    "2020", "05", "5", "2", "02", "31", "30", "29", "13", "-", "/", ".", ":", " ", ", ",
    "T", "Z", "+0100", "-03:00", "+05:45", "UTC", "GMT", "GMT+2", "CET", "EDT", "pm",
    "a.m.", "May", "Sept", "December", "Sat", "Thursday", "2nd", "th", "'20", "10:00",
    "23:59:59", "24:00", "0:30", ".5", ",5", "at", "w", "W12", "--", "[", "]", "[+9]",
    "[-5:EST]", "+", "100", "366", "2019-12-25", "2020-02-30", "x", "h", "bc", "BCE",
    "99", "00", "20200502", "T1030", "\u00e9", "_", "#", "\t",
]  # fmt: skip


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    while len(texts) < count:
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8))).strip()
        if text:
            texts.append(text)
    return texts


def _ruby(texts: list[str]) -> list[str]:
    assert RUBY is not None
    result = subprocess.run(
        [RUBY, "-e", SCRIPT],
        input="".join(text + "\n" for text in texts),
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": ZONE},
        check=True,
        timeout=60,
    )
    return result.stdout.splitlines()


def _as_ruby_prints(got: JekyllDate | InvalidDate) -> str | None:
    """ampcheck's reading as the Ruby script prints it; None for a year outside 1-9999."""
    if isinstance(got, InvalidDate):
        return "invalid"
    if got.value is None:
        return None
    return _expected(got.value.isoformat())


@pytest.mark.skipif(RUBY is None, reason="ruby is not installed: no random texts to compare")
def test_random_texts_read_as_ruby_reads_them() -> None:
    texts = _random_texts(1500, seed=2026)
    wrong = []
    for text, said in zip(texts, _ruby(texts), strict=True):
        mine = _as_ruby_prints(read_date(text, NOW, LOCAL))
        if mine is None:
            continue  # a year Python's calendar does not hold: Ruby's is not compared
        if mine != said:
            wrong.append(f"{text!r}: Ruby {said}, ampcheck {mine}")
    assert wrong == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
def test_any_text_is_read_or_rejected(text: str) -> None:
    got = read_date(text, NOW, LOCAL)
    assert isinstance(got, (JekyllDate, InvalidDate))


# -- what a reading tells besides the time ------------------------------------------


def _read(text: str) -> JekyllDate:
    got = read_date(text, NOW, LOCAL)
    assert isinstance(got, JekyllDate)
    return got


def test_an_unknown_zone_is_ignored_and_said() -> None:
    assert _read("2020-05-02 10:00:00 CET").ignored_zone == "CET"
    assert _read("2020-05-02 18:30:00 GMT-3").ignored_zone == "GMT-3"
    assert _read("2020-05-02 10:00:00 +0100 CET").ignored_zone is None
    assert _read("2020-05-02 10:00 EST").ignored_zone is None


def test_the_zone_of_the_build_is_known_by_its_abbreviation() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    got = read_date("2020-07-02 10:00:00 CET", NOW, berlin)
    assert isinstance(got, JekyllDate)
    assert got.ignored_zone is None
    assert got.value is not None and got.value.isoformat() == "2020-07-02T10:00:00+01:00"


def test_parts_taken_from_the_build() -> None:
    assert _read("July 2nd").from_build == ("year",)
    assert _read("12:00").from_build == ("year", "month", "day")
    assert _read("May 2, 2020").from_build == ()


def test_a_day_past_the_end_of_its_month() -> None:
    assert _read("2018-02-30").rolled_over == "2018-02-30"
    assert _read("2020-02-29").rolled_over is None


def test_guessed_orders() -> None:
    assert _read("02/07/2018").guessed_order == "2018-07-02"
    assert _read("5/2/20").guessed_order == "2005-02-20"
    assert _read("25/07/2018").guessed_order is None
    assert _read("2020/05/02").guessed_order is None


def test_a_date_without_a_time() -> None:
    assert _read("May 2, 2020").date_only
    assert not _read("May 2, 2020 10:00").date_only
