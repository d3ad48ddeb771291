"""The extension script each AMP tag needs: the table in ``amp_extensions.toml`` beside
this module, transcribed from the AMP validator's rules (its header names the
revision)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from ampcheck.config import read_toml

TABLE_FILE = "amp_extensions.toml"
_KEYS = {"format", "own", "no-script", "duplicates-warn", "needs", "versions", "templates"}


class ExtensionTable(NamedTuple):
    #: tag -> the alternatives that provide it, each a tuple of extensions all needed
    needs: Mapping[str, tuple[tuple[str, ...], ...]]
    duplicates_warn: frozenset[str]
    versions: Mapping[str, str]
    #: template type (``amp-mustache``) -> the extension it needs
    templates: Mapping[str, str]


class ExtensionTableError(ValueError):
    """The extension table is malformed (a bug in the data file)."""


@lru_cache(maxsize=1)
def table() -> ExtensionTable:
    """The table shipped beside this module (loaded once)."""
    data = __spec__.loader.get_data(  # type: ignore[union-attr]
        os.path.join(os.path.dirname(__file__), TABLE_FILE)
    )
    return parse_table(read_toml(data))


def parse_table(data: Mapping[str, Any]) -> ExtensionTable:
    """Build the table from the TOML data, rejecting what it does not know."""
    if data.get("format") != 1:
        raise ExtensionTableError("unsupported table format (expected format = 1)")
    unknown = set(data) - _KEYS
    if unknown:
        raise ExtensionTableError(f"unknown keys {sorted(unknown)}")
    needs: dict[str, tuple[tuple[str, ...], ...]] = {}
    for tag in _names(data, "own"):
        needs[tag] = ((tag,),)
    for tag in _names(data, "no-script"):
        needs[tag] = ()
    for tag, alternatives in data.get("needs", {}).items():
        if not isinstance(alternatives, list) or not all(
            isinstance(alt, list) and alt and all(_is_name(x) for x in alt) for alt in alternatives
        ):
            raise ExtensionTableError(f"needs.{tag}: a list of lists of extension names")
        needs[tag] = tuple(tuple(alt) for alt in alternatives)
    return ExtensionTable(
        needs=needs,
        duplicates_warn=frozenset(_names(data, "duplicates-warn")),
        versions={name: str(v[0]) for name, v in data.get("versions", {}).items()},
        templates={str(k): str(v) for k, v in data.get("templates", {}).items()},
    )


def _is_name(value: object) -> bool:
    return isinstance(value, str) and value.startswith("amp-") and value == value.lower()


def _names(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(_is_name(v) for v in value):
        raise ExtensionTableError(f"{key}: a list of amp-* names")
    return value


def needs(tag: str) -> tuple[tuple[str, ...], ...] | None:
    """The alternatives that provide ``tag`` (``()``: no script of its own; ``None``:
    a tag the validator does not know, about which nothing is said)."""
    return table().needs.get(tag.lower())


def script_tag(extension: str) -> str:
    """The script element that loads ``extension``."""
    tables = table()
    attribute = "custom-template" if extension in tables.templates.values() else "custom-element"
    version = tables.versions.get(extension, "0.1")
    return (
        f'<script async {attribute}="{extension}" '
        f'src="https://cdn.ampproject.org/v0/{extension}-{version}.js"></script>'
    )
