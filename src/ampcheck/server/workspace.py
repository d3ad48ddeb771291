"""What the language server knows of the posts it checks, without the protocol.

Each post is checked with the settings the command line would use for it: those of
the configuration file closest to the post (``.ampcheck.toml`` or a
``pyproject.toml`` with ``[tool.ampcheck]``), with its plugins, and the Jekyll site
the post belongs to. One :class:`~ampcheck.session.Session` is loaded per
configuration file and kept until :meth:`Workspace.reload`.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from ampcheck.config import CONFIG_FILES, ConfigError, find_config
from ampcheck.engine.files import POST_SUFFIXES, SKIP_FOLDERS, exclusion
from ampcheck.model import Diagnostic, InternalError
from ampcheck.session import RunOptions, Session

#: the folders whose files are posts (Jekyll's posts and drafts)
POST_FOLDERS = ("_posts", "_drafts")
#: the site's folders that what ampcheck says of a post depends on
SITE_FOLDERS = ("_layouts", "_includes")


@dataclass
class Checked:
    """One check of a buffer: its text, what was found, and the session that found it
    (``None`` when the settings could not be loaded: ``messages`` says why)."""

    text: str
    session: Session | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def is_settings_file(path: PurePath) -> bool:
    """Whether a change to ``path`` can change what ampcheck says of a post: its
    settings, a site's ``_config.yml``, a layout or an include (which a layout may
    load the AMP runtime from)."""
    if path.name in CONFIG_FILES or path.name == "_config.yml":
        return True
    return any(part in SITE_FOLDERS for part in path.parts[:-1])


class Workspace:
    """The sessions, one per configuration file, and which files are posts.

    ``all_files``: check every Markdown or HTML file, not only those in ``_posts/``
    and ``_drafts/``; ``unsafe_fixes``: offer unsafe fixes in fix-all too.
    """

    def __init__(self, *, all_files: bool = False, unsafe_fixes: bool = False) -> None:
        self.all_files = all_files
        self.unsafe_fixes = unsafe_fixes
        self._sessions: dict[Path | None, Session | ConfigError] = {}
        self._lock = threading.Lock()

    def reload(self) -> None:
        """Forget every session: the next check reads the settings, plugins and sites
        again."""
        with self._lock:
            self._sessions.clear()

    def session_for(self, path: Path) -> Session:
        """The session for the post at ``path``; ``ConfigError`` when its settings
        or rule options are wrong."""
        folder = path.parent
        key = find_config(folder)
        with self._lock:
            found = self._sessions.get(key)
            if found is None:
                found = self._sessions[key] = self._load(folder)
        if isinstance(found, ConfigError):
            raise found
        return found

    def _load(self, folder: Path) -> Session | ConfigError:
        options = RunOptions(no_cache=True, unsafe_fixes=self.unsafe_fixes)
        try:
            session = Session.load(options, io.StringIO(), io.StringIO(), search_from=folder)
            session.select()
        except ConfigError as exc:
            return exc
        return session

    def wants(self, path: Path) -> bool:
        """Whether ``path`` is a post ampcheck checks."""
        if not path.name.endswith(POST_SUFFIXES):
            return False
        if not self.all_files and not _in_post_folder(path):
            return False
        try:
            session = self.session_for(path)
        except ConfigError:
            return True  # the configuration's problem is shown on the post
        settings = session.settings
        if not settings.exclude:
            return True
        base = settings.path.parent if settings.path is not None else path.parent
        try:
            relative = path.relative_to(base).as_posix()
        except ValueError:
            relative = path.as_posix()
        return not exclusion(settings.exclude)(relative, path.name)

    def check(self, path: Path, text: str) -> Checked:
        """Lint ``text`` as the post at ``path``; never raises (a failure of ampcheck
        itself is a message, as on the command line)."""
        try:
            session = self.session_for(path)
        except ConfigError as exc:
            return Checked(text, None, messages=[str(exc)])
        except Exception as exc:
            from ampcheck.engine.linter import describe

            return Checked(text, None, messages=[f"{path}: internal error: {describe(exc, None)}"])
        result = session.lint_text(str(path), text)
        messages = [*session.plugins.failures, *result.messages]
        return Checked(text, session, result.diagnostics, result.errors, messages)


def _in_post_folder(path: Path) -> bool:
    """Whether ``path`` is in a ``_posts`` or ``_drafts`` folder, through no folder a
    search of the command line skips (hidden, ``_site``, ``node_modules``, ...)."""
    parts = path.parts[:-1]
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in POST_FOLDERS:
            return not any(p.startswith(".") or p in SKIP_FOLDERS for p in parts[i + 1 :])
    return False
