"""Every hook a plugin can implement, in one place.

Plugins are modules or objects with functions marked ``@ampcheck.hookimpl`` and named
like the specs below. They are found through the ``ampcheck`` entry-point group of
installed distributions and through the ``plugins`` setting (paths to Python files);
ampcheck's own rules and formatters are registered through the same hooks.

See ``docs/plugins.md`` for a worked example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ampcheck.output.report import Formatter
    from ampcheck.rule import Rule

PROJECT = "ampcheck"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def ampcheck_register_rules() -> list[type[Rule]]:
    """Return the rule classes this plugin provides.

    Called once per run. Every plugin's list is collected (this is not a
    ``firstresult`` hook); a code or name registered twice is a start-up error.
    Each class must derive from :class:`ampcheck.rule.Rule`.
    """
    raise NotImplementedError


@hookspec
def ampcheck_register_formatters() -> dict[str, Formatter]:
    """Return output formats this plugin provides, by the name ``--format`` takes.

    Called once per run; all dictionaries are merged, and a name registered twice is
    a start-up error. A formatter is called as ``formatter(report, stream)`` with an
    :class:`ampcheck.output.report.Report` and a text stream.
    """
    raise NotImplementedError
