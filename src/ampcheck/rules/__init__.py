"""The built-in rules: a plugin like any other, one module per rule in a folder per
family, each family with the helpers its rules share."""

from __future__ import annotations

from ampcheck.hookspecs import hookimpl
from ampcheck.rule import Rule
from ampcheck.rules import ac, amp, en, fm, hd, tw

#: every built-in rule class, in code order
RULES: tuple[type[Rule], ...] = (*fm.RULES, *en.RULES, *hd.RULES, *tw.RULES, *amp.RULES, *ac.RULES)


@hookimpl
def ampcheck_register_rules() -> list[type[Rule]]:
    return list(RULES)
