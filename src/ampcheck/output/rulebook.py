"""The rule book: one Markdown document per rule, shipped inside the package."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from ampcheck.rule import Rule


def _checkout_folder() -> Path:
    # a source checkout (editable install): <repo>/src/ampcheck/output/ -> <repo>/rules/
    return Path(__file__).resolve().parents[3] / "rules"


def rule_doc(rule: type[Rule]) -> str | None:
    """The rule's document: its ``doc`` attribute, else ``rulebook/<CODE>.md``."""
    if getattr(rule, "doc", None):
        return str(rule.doc)
    name = f"{rule.code}.md"
    packaged = importlib.resources.files("ampcheck").joinpath("rulebook", name)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    local = _checkout_folder() / name
    if local.is_file():
        return local.read_text(encoding="utf-8")
    return None


def rule_doc_uri(rule: type[Rule]) -> str | None:
    """A ``file:`` URI of the rule's page in the rule book (the Markdown file
    ``--explain`` prints), or ``None`` when the rule has none on disk."""
    if getattr(rule, "doc", None):  # a plugin's rule documented in its code
        return None
    name = f"{rule.code}.md"
    packaged = importlib.resources.files("ampcheck").joinpath("rulebook", name)
    if isinstance(packaged, Path) and packaged.is_file():
        return packaged.resolve().as_uri()
    local = _checkout_folder() / name
    return local.as_uri() if local.is_file() else None
