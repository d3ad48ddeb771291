"""The Jekyll site of a post: the closest folder above it holding ``_config.yml``, and
what ampcheck reads from it: front-matter ``defaults:``, ``timezone``, and the layouts,
includes and plugins folders, placed inside the site as Jekyll places them."""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import yaml

from ampcheck.document.safeyaml import safe_load


class DefaultsScope(NamedTuple):
    path: str
    type: str | None
    values: dict[str, Any]


@dataclass(slots=True)
class Site:
    """A Jekyll site: the folder with ``_config.yml`` and what ampcheck reads from it."""

    root: Path
    config: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None
    #: the last file asked about and its defaults: the rules ask about one post after
    #: another, several times each (one entry, so a large run does not pile them up)
    _last_defaults: tuple[Path, dict[str, Any]] | None = field(
        default=None, repr=False, compare=False
    )
    _fingerprint: str | None = field(default=None, repr=False, compare=False)
    _resolved_root: Path | None = field(default=None, repr=False, compare=False)
    #: what layouts() and defaults found (read once: a run does not change the site)
    _layouts: tuple[set[str] | None] | None = field(default=None, repr=False, compare=False)
    _defaults: list[DefaultsScope] | None = field(default=None, repr=False, compare=False)
    _defaults_index: _ScopeIndex | None = field(default=None, repr=False, compare=False)
    _folders: dict[Path, Path] = field(default_factory=dict, repr=False, compare=False)
    #: layout name -> file in the layouts folder (read once)
    _layout_files: dict[str, Path] | None = field(default=None, repr=False, compare=False)
    #: what ampcheck.document.layouts learnt about the site's layouts and includes (read once a run)
    amp_cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def fingerprint(self) -> str:
        """What the site contributes to a post's result (for the cache): the
        configuration, and the layouts, includes and plugins a post renders through."""
        if self._fingerprint is None:
            import json

            layouts = sorted(self.layouts() or ())
            self._fingerprint = json.dumps(
                [str(self.root), canonical(self.config), layouts, self._template_digest()],
                default=str,
            )
        return self._fingerprint

    def _template_digest(self) -> str:
        """A hash of every file in the layouts, includes, plugins and data folders, and
        of the Gemfile: whether a post is an AMP page, and the scripts its page loads,
        depend on them."""
        import hashlib

        digest = hashlib.sha256()
        for folder in (self.layouts_dir, self.includes_dir, self.plugins_dir, self.data_dir):
            if not folder.is_dir():
                continue
            for path in _files_under(folder):
                if path.is_file():
                    digest.update(str(path.relative_to(self.root)).encode("utf-8", "replace"))
                    try:
                        digest.update(path.read_bytes())
                    except OSError:
                        digest.update(b"\0unreadable")
        gemfile = self.root / "Gemfile"
        if gemfile.is_file():
            try:
                digest.update(gemfile.read_bytes())
            except OSError:
                digest.update(b"\0unreadable")
        return digest.hexdigest()

    @property
    def timezone(self) -> str | None:
        tz = self.config.get("timezone")
        return tz if isinstance(tz, str) and tz else None

    @property
    def layouts_dir(self) -> Path:
        name = self.config.get("layouts_dir", "_layouts")
        return in_source(self.root, name if isinstance(name, str) else "_layouts")

    @property
    def includes_dir(self) -> Path:
        name = self.config.get("includes_dir", "_includes")
        return in_source(self.root, name if isinstance(name, str) else "_includes")

    @property
    def data_dir(self) -> Path:
        name = self.config.get("data_dir", "_data")
        return in_source(self.root, name if isinstance(name, str) else "_data")

    @property
    def plugins_dir(self) -> Path:
        # Jekyll reads a plugins_dir other than _plugins from the working folder, which
        # may lie outside the site; ampcheck reads nothing outside it
        name = self.config.get("plugins_dir", "_plugins")
        return in_source(self.root, name if isinstance(name, str) else "_plugins")

    @property
    def plugins(self) -> tuple[str, ...]:
        """The gems named in ``plugins:`` (and ``gems:``, its name before Jekyll 3.5)."""
        names: list[str] = []
        for key in ("plugins", "gems"):
            value = self.config.get(key)
            if isinstance(value, list):
                names.extend(v for v in value if isinstance(v, str))
        return tuple(names)

    def layout_file(self, name: str) -> Path | None:
        """The file of layout ``name`` in the site's layouts folder (``None`` when the
        site has none: a theme gem may still supply it)."""
        if self._layout_files is None:
            files: dict[str, Path] = {}
            folder = self.layouts_dir
            if folder.is_dir():
                for layout, path in _layout_entries(folder):
                    files.setdefault(layout, path)
            self._layout_files = files
        return self._layout_files.get(name)

    @property
    def has_theme(self) -> bool:
        return bool(self.config.get("theme") or self.config.get("remote_theme"))

    def layouts(self) -> set[str] | None:
        """Names of the site's layouts (``post``, ``amp/post``), or ``None`` when they
        cannot be known (no layouts folder, or a gem/remote theme may supply layouts)."""
        if self._layouts is None:
            self._layouts = (self._find_layouts(),)
        return self._layouts[0]

    def _find_layouts(self) -> set[str] | None:
        folder = self.layouts_dir
        if self.has_theme or not folder.is_dir():
            return None
        return {layout for layout, _ in _layout_entries(folder)}

    @property
    def zone(self) -> tzinfo | None:
        """The ``timezone`` as a time zone, or ``None`` when unset or unknown."""
        name = self.timezone
        if name is None:
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            return None

    @property
    def defaults(self) -> list[DefaultsScope]:
        if self._defaults is None:
            self._defaults = self._read_defaults()
        return self._defaults

    def _read_defaults(self) -> list[DefaultsScope]:
        scopes: list[DefaultsScope] = []
        raw = self.config.get("defaults")
        if not isinstance(raw, list):
            return scopes
        for entry in raw:
            if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
                continue
            scope = entry.get("scope")
            if not isinstance(scope, dict):
                scope = {}
            path = scope.get("path", "")
            kind = scope.get("type")
            scopes.append(
                DefaultsScope(
                    path if isinstance(path, str) else "",
                    kind if isinstance(kind, str) else None,
                    entry["values"],
                )
            )
        return scopes

    def relative(self, file: Path) -> PurePosixPath | None:
        try:
            if self._resolved_root is None:
                self._resolved_root = self.root.resolve()
            return PurePosixPath(self.resolve(file).relative_to(self._resolved_root).as_posix())
        except ValueError:
            return None

    def resolve(self, file: Path) -> Path:
        """``file.resolve()``, each folder resolved once: resolving costs a system call
        per component, and a site's posts share a few folders. (A relative path is
        taken from the working folder, which a run does not change.)"""
        if file.is_symlink():
            return file.resolve()
        parent = file.parent
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = parent.resolve()
        return folder / file.name

    def defaults_for(self, file: Path) -> dict[str, Any]:
        """Front-matter values that ``defaults:`` give this file (Jekyll's scope rules:
        a path prefix or glob, and a type such as ``posts``); files given the same
        scopes share one mapping, not to be changed."""
        last = self._last_defaults
        if last is not None and last[0] == file:
            return last[1]
        values = self._defaults_for(file)
        self._last_defaults = (file, values)
        return values

    def _defaults_for(self, file: Path) -> dict[str, Any]:
        rel = self.relative(file)
        if rel is None:
            return {}
        if self._defaults_index is None:
            self._defaults_index = _ScopeIndex(self.defaults)
        return self._defaults_index.values_for(rel)


def in_source(root: Path, name: str) -> Path:
    """A folder ``_config.yml`` names (``layouts_dir``, ``includes_dir``), placed as
    Jekyll places it (``Jekyll.sanitized_path``): always inside the site. ``..`` stops
    at the site's root, and an absolute path is taken from the root (``/`` is the root
    itself) unless it already lies inside the site."""
    clean = "/" + name if name.startswith("~") else name  # no home folder either
    clean = posixpath.normpath("/" + clean.lstrip("/"))  # File.expand_path(name, "/")
    base = root.as_posix()
    if clean == base or clean.startswith(base.rstrip("/") + "/"):
        return Path(clean)
    clean = re.sub(r"\A\w:/", "/", clean)  # a Windows drive
    return root / clean.lstrip("/")


def _layout_entries(folder: Path) -> list[tuple[str, Path]]:
    """The layouts Jekyll finds in ``folder``, by name (the path without its last
    extension) and sorted by path: the files of ``Dir["**/*.*"]`` (no hidden file or
    folder) that its entry filter keeps (no path or file name that starts with ``_``,
    ``#`` or ``~``, none that ends with ``~`` or ``.``). Links to folders are not
    followed; a walk from the site's root (``layouts_dir: /``) leaves out ``_posts``."""
    found: list[tuple[tuple[str, ...], str, Path]] = []
    top = str(folder)
    for where, dirs, names in os.walk(top):
        at_top = where == top
        dirs[:] = [d for d in dirs if not d.startswith(_HIDDEN if not at_top else _SPECIAL)]
        rel = () if at_top else Path(os.path.relpath(where, top)).parts
        for name in names:
            if "." not in name or name.startswith(_SPECIAL) or name.endswith(("~", ".")):
                continue
            path = Path(where, name)
            if path.is_file():
                parts = (*rel, name)
                found.append((parts, "/".join(parts).rsplit(".", 1)[0], path))
    found.sort()
    return [(layout, path) for _, layout, path in found]


_HIDDEN = "."
_SPECIAL = (".", "_", "#", "~")


def _files_under(folder: Path) -> list[Path]:
    """Every file below ``folder`` but in hidden folders (``.git``), sorted, without
    following links to folders."""
    found: list[Path] = []
    for where, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(Path(where, name) for name in names)
    return sorted(found)


class _ScopeIndex:
    """The ``defaults:`` scopes, indexed so that finding a file's takes time in the
    length of its path and the number of scopes that apply, not of all scopes (a
    site may have tens of thousands): paths by their text, globs by the text before
    their first wildcard, both of which must begin the file's path."""

    def __init__(self, scopes: list[DefaultsScope]) -> None:
        self.scopes = scopes
        self.by_prefix: dict[str, list[int]] = {}
        self.globs_by_head: dict[str, list[int]] = {}
        self.compiled: dict[int, re.Pattern[str]] = {}
        #: the merged values of a set of scopes (posts of a folder share one)
        self.merged: dict[tuple[int, ...], dict[str, Any]] = {}
        for i, scope in enumerate(scopes):
            path = scope.path.strip("/")
            if "*" in path:
                head = re.split(r"[*?\[]", path, maxsplit=1)[0]
                self.globs_by_head.setdefault(head, []).append(i)
            else:
                self.by_prefix.setdefault(path, []).append(i)

    def values_for(self, rel: PurePosixPath) -> dict[str, Any]:
        text = str(rel)
        kind = _document_type(rel)
        found: list[int] = []
        for end in range(len(text) + 1):
            head = text[:end]
            found.extend(self.by_prefix.get(head, ()))
            found.extend(i for i in self.globs_by_head.get(head, ()) if self._glob(i, rel))
        scopes = self.scopes
        matching = [i for i in found if scopes[i].type is None or scopes[i].type == kind]
        # the more specific scope wins: a longer path, then one that names a type (and
        # among equals, the later one)
        matching.sort(key=lambda i: (len(scopes[i].path.strip("/")), scopes[i].type is not None, i))
        key = tuple(matching)
        values = self.merged.get(key)
        if values is None:
            if len(self.merged) >= 256:
                self.merged.clear()
            values = self.merged[key] = {}
            for i in matching:
                values.update(scopes[i].values)
        return values

    def _glob(self, i: int, rel: PurePosixPath) -> bool:
        """Jekyll's glob scope: the path or one of its folders matches (compiled once
        here: fnmatch's own cache holds 32,768 patterns, and past that compiles again)."""
        pattern = self.compiled.get(i)
        if pattern is None:
            glob = self.scopes[i].path.strip("/")
            pattern = self.compiled[i] = re.compile(fnmatch.translate(glob))
        return pattern.match(str(rel)) is not None or any(
            pattern.match(str(parent)) is not None for parent in rel.parents
        )


def _document_type(rel: PurePosixPath) -> str:
    parts = rel.parts[:-1]
    if "_posts" in parts or "_drafts" in parts:
        return "posts"  # drafts are posts to Jekyll's defaults
    for part in parts:
        if part.startswith("_") and len(part) > 1:
            return part[1:]
    return "pages"


class SiteFinder:
    """Finds and caches the Jekyll site of each folder."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, Site | None] = {}
        # by the folder as given: most files of a run share a few folders, and
        # resolving a path costs a system call per component
        self._by_parent: dict[Path, Site | None] = {}

    def site_for(self, file: Path) -> Site | None:
        parent = file.parent
        if parent in self._by_parent:
            return self._by_parent[parent]
        found = self._by_parent[parent] = self._find(parent.resolve())
        return found

    def _find(self, folder: Path) -> Site | None:
        trail: list[Path] = []
        found: Site | None = None
        for candidate in (folder, *folder.parents):
            if candidate in self._by_folder:
                found = self._by_folder[candidate]
                break
            trail.append(candidate)
            if (candidate / "_config.yml").is_file():
                found = load_site(candidate)
                break
            if (candidate / "_posts").is_dir() and (candidate / "_layouts").is_dir():
                # Jekyll builds a site without _config.yml, with its defaults
                found = Site(candidate, {})
                break
        for visited in trail:
            self._by_folder[visited] = found
        return found


def load_site(root: Path) -> Site:
    path = root / "_config.yml"
    try:
        text = path.read_text(encoding="utf-8")
        data = safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        return Site(root, {}, f"{path}: cannot read: {exc}")
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as exc:
        # RecursionError: nesting deeper than the stack (PyYAML without libyaml);
        # ValueError, TypeError: a value that fails to build (a date like 2018-02-30)
        return Site(root, {}, f"{path}: invalid YAML: {exc}".replace("\n", " "))
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return Site(root, {}, f"{path}: not a mapping")
    return Site(root, data)


def canonical(value: object) -> str:
    """A text that is the same for equal values, mappings in any order: for a digest
    of what a YAML or TOML file holds. Keys of any type (``1:``, ``yes:``,
    ``2018-07-02:``, which ``json.dumps(sort_keys=True)`` cannot order), nested to
    any depth (no recursion)."""
    out: list[str] = []
    # ("text", str) is written as is; ("value", obj) is written by its kind
    stack: list[tuple[str, object]] = [("value", value)]
    while stack:
        kind, item = stack.pop()
        if kind == "text":
            out.append(str(item))
        elif isinstance(item, dict):
            pairs = sorted(((_scalar(k), v) for k, v in item.items()), key=lambda p: p[0])
            stack.append(("text", "}"))
            for key, child in reversed(pairs):
                stack.extend((("text", ","), ("value", child), ("text", f"{key}:")))
            stack.append(("text", "{"))
        elif isinstance(item, list | tuple):
            stack.append(("text", "]"))
            for child in reversed(item):
                stack.extend((("text", ","), ("value", child)))
            stack.append(("text", "["))
        elif isinstance(item, set | frozenset):
            out.append("{" + ",".join(sorted(_scalar(x) for x in item)) + "}")
        else:
            out.append(_scalar(item))
    return "".join(out)


def _scalar(value: object) -> str:
    return f"{type(value).__name__}:{value!r}"
