"""Plugin discovery: the built-in plugins, entry points and plugin files.

Set ``AMPCHECK_DISABLE_PLUGIN_AUTOLOAD=1`` to skip the ``ampcheck`` entry points of
installed distributions (plugin files named in the configuration still load).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import pluggy

from ampcheck import hookspecs

ENTRY_POINT_GROUP = "ampcheck"
AUTOLOAD_ENV = "AMPCHECK_DISABLE_PLUGIN_AUTOLOAD"
BUILTIN_PLUGINS = ("ampcheck.rules", "ampcheck.formatters")


@dataclass
class PluginLoad:
    """The plugin manager and the plugins that failed to load (name, reason)."""

    manager: pluggy.PluginManager
    failures: list[tuple[str, str]] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


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
    pm.check_pending()
    return load


def _load_entry_points(load: PluginLoad) -> None:
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
