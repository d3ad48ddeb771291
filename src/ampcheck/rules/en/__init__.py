"""Encoding: mojibake, bytes that are not UTF-8, stray characters (EN)."""

from __future__ import annotations

from ampcheck.rules.en.en001_mojibake import Mojibake
from ampcheck.rules.en.en002_not_utf8 import NotUtf8
from ampcheck.rules.en.en003_replacement_character import ReplacementCharacter
from ampcheck.rules.en.en004_control_character import ControlCharacter
from ampcheck.rules.en.en005_byte_order_mark import ByteOrderMark

RULES = (
    Mojibake,
    NotUtf8,
    ReplacementCharacter,
    ControlCharacter,
    ByteOrderMark,
)
