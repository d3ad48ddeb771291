"""``ampcheck --watch``: check the posts again whenever they change.

A front end beside the command line: each run is a :class:`~ampcheck.session.Session`
over the same paths (the settings are read again, so that a change of the
configuration counts from the next run on; unchanged posts come from the cache).
After each run it prints what changed since the one before: the problems that are
new and the ones that are fixed. On a terminal the screen is cleared before each run;
piped output is never cleared. Changes are watched with watchfiles (the ``watch``
extra); Ctrl-C ends the watch with exit code 130, without a traceback.
"""

from __future__ import annotations

import collections
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ampcheck.config import CONFIG_FILES, ConfigError
from ampcheck.engine.files import POST_SUFFIXES, SKIP_FOLDERS
from ampcheck.model import Diagnostic
from ampcheck.printable import printable
from ampcheck.session import EXIT_ERROR, RunOptions, Session

if TYPE_CHECKING:
    from ampcheck.engine.runner import FileResult
    from ampcheck.output.report import Report

#: the exit code of a watch ended by Ctrl-C (128 + SIGINT, as shells report it)
EXIT_INTERRUPTED = 130
#: milliseconds of quiet after a change before the run starts: an editor's save is
#: often several events (a temporary file, a rename)
DEBOUNCE_MS = 200
CLEAR_SCREEN = "\x1b[H\x1b[2J\x1b[3J"
#: files besides posts whose change changes the result: the settings, the site's
#: configuration, its layouts and includes
SITE_FILES = frozenset({*CONFIG_FILES, "_config.yml"})
SITE_FOLDERS = frozenset({"_layouts", "_includes"})
#: options that write files or read standard input: not for a watch
REFUSED = (("fix", "--fix"), ("diff", "--diff"), ("write_baseline", "--write-baseline"))

Key = tuple[str, str, str]  # (path, code, fingerprint): a problem, wherever it moves


class _Recorded(Session):
    """A session that also keeps every diagnostic of the run and the files checked,
    whatever the output format writes as it goes."""

    found: list[Diagnostic]
    checked: list[str]

    def merge(self, report: Report, result: FileResult) -> None:
        self.found.extend(result.diagnostics)
        self.checked.append(result.shown)
        super().merge(report, result)


@dataclass
class Watch:
    """The watch: its options, where it writes, and the problems of the last run."""

    options: RunOptions
    stdout: TextIO
    stderr: TextIO
    last: list[Diagnostic] | None = None
    checked: list[str] = field(default_factory=list)
    config: Path | None = None
    site_roots: list[Path] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty and isatty())

    @property
    def notes(self) -> TextIO:
        """Where the changes are written: after the text output, or apart from a
        format that a program reads (JSON, SARIF...)."""
        return self.stdout if self.options.output_format in ("text", "github") else self.stderr

    def run_once(self) -> int | None:
        """Check the paths and report; the exit code of the run, or ``None`` when the
        settings are wrong (named; the watch waits for them to change)."""
        if self.clear:
            self.stdout.write(CLEAR_SCREEN)
        try:
            session = _Recorded.load(self.options, self.stdout, self.stderr)
            assert isinstance(session, _Recorded)
            session.found, session.checked = [], []
            for message in session.plugins.failures:
                self.stderr.write(f"ampcheck: error: {printable(message)}\n")
            session.formatter(self.options.output_format)
            session.select()
        except ConfigError as exc:
            self.stderr.write(f"ampcheck: error: {printable(str(exc))}\n")
            return None
        self.config = session.settings.path
        code = session.run()
        self.checked = [*session.checked]
        self.roots_from(session)
        self.report_changes(session.found)
        self.last = session.found
        self.stdout.flush()
        return code

    def announce(self) -> None:
        """Say that the watch waits for changes (once it does: the watcher runs)."""
        when = time.strftime("%H:%M:%S")
        self.notes.write(f"[{when}] Watching for changes (Ctrl-C to stop).\n")
        self.notes.flush()

    def roots_from(self, session: Session) -> None:
        roots = set()
        for shown in self.checked:
            site = session.sites.site_for(Path(shown))
            if site is not None:
                roots.add(site.root)
        self.site_roots = sorted(roots)

    def report_changes(self, found: list[Diagnostic]) -> None:
        """The problems that are new since the last run, and the ones fixed."""
        if self.last is None:
            return
        new = _minus(found, self.last)
        fixed = _minus(self.last, found)
        out = self.notes
        if not new and not fixed:
            out.write("Since the last run: nothing changed.\n")
            return
        out.write(f"Since the last run: {len(new)} new, {len(fixed)} fixed.\n")
        for sign, group in (("+", new), ("-", fixed)):
            for d in group:
                out.write(f"{sign} {printable(d.path)}:{d.line}:{d.column}: {d.code} ")
                out.write(f"{printable(d.message)}\n")

    def watched(self) -> list[str]:
        """The folders and files to watch: the paths checked (or the folder of a file
        named), the configuration file's folder and each post's site."""
        paths = list(self.options.paths) or (["_posts"] if Path("_posts").is_dir() else ["."])
        places = {p if os.path.isdir(p) else os.path.dirname(p) or "." for p in paths}
        if self.config is not None:
            places.add(str(self.config.parent))
        places.update(str(root) for root in self.site_roots)
        return sorted(os.path.abspath(p) for p in places if os.path.isdir(p))

    def wanted(self, path: str, places: list[str]) -> bool:
        """Whether a change of ``path`` (under one of the ``places`` watched) calls for
        a new run; its folders are judged from the place down (a blog may live in a
        folder named ``vendor``, or under a hidden one)."""
        inside = [p for p in places if path.startswith(p.rstrip(os.sep) + os.sep)]
        below = path[len(max(inside, key=len).rstrip(os.sep)) + 1 :] if inside else path
        parts = Path(below).parts
        name = parts[-1] if parts else ""
        if any(p.startswith(".") and p not in (".", "..") for p in parts[:-1]):
            return False  # hidden folders: .git, the cache
        folders = set(parts[:-1])
        if folders & SITE_FOLDERS:
            return True
        if name in SITE_FILES:
            return True
        if folders & (SKIP_FOLDERS - SITE_FOLDERS) or name.startswith("."):
            return False
        return name.endswith(POST_SUFFIXES)


def _minus(these: Iterable[Diagnostic], those: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The problems of ``these`` that ``those`` does not hold (as many times)."""
    left = collections.Counter(_key(d) for d in those)
    out = []
    for d in these:
        key = _key(d)
        if left[key]:
            left[key] -= 1
        else:
            out.append(d)
    return out


def _key(d: Diagnostic) -> Key:
    # the fingerprint stays put when lines are added above; a message may hold a line
    # number ("already embedded on line 14"), so it is not part of the key
    return (d.path, d.code, d.fingerprint or f"{d.line}:{d.column}:{d.message}")


def watch(options: RunOptions, stdout: TextIO, stderr: TextIO) -> int:
    """Check, then check again at every change, until Ctrl-C (exit 130); exit 2 at
    once when the watch cannot start."""
    for attr, flag in REFUSED:
        if getattr(options, attr):
            stderr.write(f"ampcheck: error: --watch cannot be used with {flag}\n")
            return EXIT_ERROR
    if "-" in options.paths:
        stderr.write("ampcheck: error: --watch cannot read standard input ('-')\n")
        return EXIT_ERROR
    try:
        import watchfiles
    except ImportError:
        stderr.write(
            "ampcheck: error: --watch needs the watchfiles package: pip install 'ampcheck[watch]'\n"
        )
        return EXIT_ERROR
    state = Watch(options, stdout, stderr)
    try:
        if state.run_once() is None:
            return EXIT_ERROR  # the settings given are wrong from the start
        return _loop(state, watchfiles.watch)
    except KeyboardInterrupt:
        stdout.flush()
        return EXIT_INTERRUPTED


def _loop(state: Watch, watch_files: Callable[..., Any]) -> int:
    """Run again after each batch of changes; start watching anew when the places to
    watch change (a post of another site, the configuration file moved). The watch
    is announced once the watcher runs, so that no change after it is missed."""
    announce = True
    while True:
        places = state.watched()

        def wanted(change: object, path: str, places: list[str] = places) -> bool:
            return state.wanted(path, places)

        for changes in watch_files(
            *places,
            watch_filter=wanted,
            debounce=DEBOUNCE_MS,
            step=50,
            rust_timeout=200,
            yield_on_timeout=True,
        ):
            if changes:
                state.run_once()
                announce = True
                if state.watched() != places:
                    break
            elif announce:
                state.announce()
                announce = False
        else:  # pragma: no cover - the watcher ends only by Ctrl-C
            return 0
