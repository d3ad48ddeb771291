"""Plugin discovery: the built-in plugins, entry points and plugin files, loaded in one
place (:func:`load`) for the command line, the tests and the benchmarks alike.

Set ``AMPCHECK_DISABLE_PLUGIN_AUTOLOAD=1`` to skip the ``ampcheck`` entry points of
installed distributions (plugin files named in the configuration still load).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from ampcheck import hookspecs
from ampcheck.config import ConfigError
from ampcheck.engine.registry import RuleTable

if TYPE_CHECKING:
    from ampcheck.output.report import Formatter

ENTRY_POINT_GROUP = "ampcheck"
#: the group's section header in an ``entry_points.txt`` (an INI-style file)
_SECTION_RE = re.compile(rb"^[ \t]*\[[ \t]*ampcheck[ \t]*\][ \t]*\r?$", re.MULTILINE)
AUTOLOAD_ENV = "AMPCHECK_DISABLE_PLUGIN_AUTOLOAD"
BUILTIN_PLUGINS = ("ampcheck.rules", "ampcheck.output.formatters")


@dataclass
class PluginLoad:
    """The plugin manager and the plugins that failed to load (name, reason)."""

    manager: pluggy.PluginManager
    failures: list[tuple[str, str]] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


@dataclass
class Plugins:
    """What the plugins of a run provide: the rules, the output formats by name, a
    message for each plugin that failed (and was left out), and the installed plugins'
    distribution versions."""

    rules: RuleTable
    formatters: dict[str, Formatter]
    failures: list[str]
    versions: dict[str, str]


def load(plugin_files: Iterable[Path] = (), *, autoload: bool | None = None) -> Plugins:
    """The rules and formatters of every plugin that loads; a plugin that fails to
    import or whose hook raises is named in ``failures`` and left out.

    ``ConfigError`` when the plugins conflict: a rule or format registered twice, a
    rule class that is not valid."""
    loaded = get_plugin_manager(plugin_files, autoload=autoload)
    rules: list[Any] = []
    for _name, result in call_hook(loaded, "ampcheck_register_rules"):
        rules.extend(result or ())
    table = RuleTable(rules)
    formatters: dict[str, Any] = {}
    for _name, result in call_hook(loaded, "ampcheck_register_formatters"):
        for name, fn in (result or {}).items():
            if name in formatters:
                raise ConfigError(f"output format {name!r} is registered twice")
            formatters[name] = fn
    failed = [f"plugin {name} failed to load: {why}" for name, why in loaded.failures]
    return Plugins(table, formatters, failed, loaded.versions)


def autoload_enabled() -> bool:
    return os.environ.get(AUTOLOAD_ENV, "").strip().lower() not in ("1", "true", "yes", "on")


def get_plugin_manager(
    plugin_files: Iterable[Path] = (), *, autoload: bool | None = None
) -> PluginLoad:
    """Create a plugin manager with the built-in plugins and every installed one.

    A plugin that cannot be imported is recorded in ``failures`` by name and the
    others still load.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    load = PluginLoad(pm)
    for name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(name), name=name)
    if autoload if autoload is not None else autoload_enabled():
        _load_entry_points(load)
    for path in plugin_files:
        _load_file(load, path)
    _check_pending(load)
    return load


def _check_pending(load: PluginLoad) -> None:
    """``check_pending``, one plugin at a time: a plugin implementing a hook that
    does not exist (a misspelt name) is reported by name and unregistered."""
    pm = load.manager
    while True:
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin) or repr(exc.plugin)
            pm.unregister(exc.plugin)
            load.failures.append((name, str(exc)))
            continue
        return


def call_hook(load: PluginLoad, hook: str) -> list[tuple[str, Any]]:
    """Call ``hook`` on each plugin separately: ``(plugin name, result)`` for the
    ones that returned, while one that raises is recorded in ``load.failures`` by
    name (and the others still run)."""
    results: list[tuple[str, Any]] = []
    caller = getattr(load.manager.hook, hook)
    # pluggy calls the last registered first; keep registration order instead
    for impl in caller.get_hookimpls():
        try:
            value = impl.function()
        except Exception as exc:
            load.failures.append((impl.plugin_name, f"{hook} raised {type(exc).__name__}: {exc}"))
            continue
        results.append((impl.plugin_name, value))
    return results


def may_have_entry_points(path: Iterable[str] | None = None) -> bool:
    """Whether an installed distribution may declare an ``ampcheck`` entry point.

    A look at the ``entry_points.txt`` of each ``*.dist-info`` and ``*.egg-info``
    folder on ``sys.path``: ``False`` lets a run without installed plugins skip
    importing ``importlib.metadata``, which costs a tenth of a short run. Whatever
    this look cannot see into answers ``True``, and ``importlib.metadata`` decides:
    a zip or egg on the path, or an import hook that finds distributions of its own.
    """
    from importlib.machinery import PathFinder

    if any(
        finder is not PathFinder and hasattr(finder, "find_distributions")
        for finder in sys.meta_path
    ):
        return True
    for entry in sys.path if path is None else path:
        folder = entry or "."
        if not isinstance(folder, str) or folder.lower().endswith(".egg"):
            return True
        try:
            children = os.scandir(folder)
        except NotADirectoryError:
            return True  # a zip file
        except OSError:
            continue  # missing or unreadable: importlib.metadata finds nothing there
        with children:
            for child in children:
                name = child.name.lower()
                if not name.endswith((".dist-info", ".egg-info")):
                    continue
                try:
                    with open(os.path.join(child.path, "entry_points.txt"), "rb") as fh:
                        if _SECTION_RE.search(fh.read()):
                            return True
                except (FileNotFoundError, NotADirectoryError):
                    continue  # no entry points (an .egg-info file has none either)
                except OSError:
                    return True
    return False


def _load_entry_points(load: PluginLoad) -> None:
    if not may_have_entry_points():
        return
    import importlib.metadata

    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if load.manager.has_plugin(ep.name):
            continue
        try:
            plugin = ep.load()
            load.manager.register(plugin, name=ep.name)
        except Exception as exc:  # a broken plugin must not stop the others
            load.failures.append((ep.name, f"{type(exc).__name__}: {exc}"))
            continue
        if ep.dist is not None:
            load.versions[ep.name] = f"{ep.dist.name} {ep.dist.version}"


def _load_file(load: PluginLoad, path: Path) -> None:
    name = f"ampcheck_plugin_file_{path.stem}"
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {path}")
        module: ModuleType = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        load.manager.register(module, name=str(path))
    except FileNotFoundError:
        load.failures.append((str(path), "file not found"))
    except Exception as exc:
        load.failures.append((str(path), f"{type(exc).__name__}: {exc}"))
