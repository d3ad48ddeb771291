"""A plugin that imports fine but whose hook implementations raise."""

from __future__ import annotations

from ampcheck.hookspecs import hookimpl
from ampcheck.rule import Rule


@hookimpl
def ampcheck_register_rules() -> list[type[Rule]]:
    raise RuntimeError("the rule table is missing")
