"""The language server: pygls over standard input and output.

Posts are checked from the editor's buffer when they are opened, saved, and
(:attr:`AmpcheckServer.debounce` seconds after the last keystroke) changed. The
protocol runs in a thread of its own and checks run in the main thread (where the
``rule-timeout`` works), so the server answers other requests meanwhile; a newer
change supersedes a check still waiting or running (its result is dropped). A change to a
settings file, a site's ``_config.yml`` or a layout reloads the settings and checks
every open post again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ampcheck import __version__
from ampcheck.model import Edit
from ampcheck.server.lsp_values import diagnostics, text_edit
from ampcheck.server.text import UTF16, Lines, clean
from ampcheck.server.workspace import Checked, Workspace

T = TypeVar("T")

#: seconds from the last change of a buffer to its check
DEBOUNCE = 0.3
FIX_ALL = "source.fixAll.ampcheck"


class MainThread:
    """Runs checks, one at a time, in the thread that calls :meth:`serve`: the
    process's main thread, where a rule that runs past the ``rule-timeout`` is stopped
    (the linter's time limit is a timer signal, which only the main thread gets)."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[concurrent.futures.Future[Any], Callable[[], Any]]]
        self._jobs = queue.SimpleQueue()

    def submit(self, work: Callable[[], T]) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._jobs.put((future, work))
        return future

    def serve(self, alive: Callable[[], bool]) -> None:
        """Do the work submitted while ``alive()`` says the server runs."""
        while alive():
            try:
                future, work = self._jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            if not future.set_running_or_notify_cancel():
                continue  # superseded before it began
            try:
                future.set_result(work())
            except Exception as exc:  # Workspace.check never raises: a bug of ampcheck
                future.set_exception(exc)


class AmpcheckServer(LanguageServer):
    """The server's state: the sessions, the last check of each open post, and the
    checks waiting or running."""

    def __init__(self) -> None:
        super().__init__("ampcheck", __version__)
        self.space = Workspace()
        self.debounce = DEBOUNCE
        self.checked: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.running: dict[str, concurrent.futures.Future[Checked]] = {}
        self.pool = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="ampcheck")
        self.checks = MainThread()

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or UTF16)

    def configure(self, options: Any) -> None:
        """``initializationOptions``: ``allFiles`` (check Markdown and HTML files
        outside ``_posts/`` and ``_drafts/`` too), ``unsafeFixes`` (fix-all applies
        unsafe fixes too), ``debounce`` (seconds)."""
        if not isinstance(options, dict):
            return
        self.space = Workspace(
            all_files=options.get("allFiles") is True,
            unsafe_fixes=options.get("unsafeFixes") is True,
        )
        debounce = options.get("debounce")
        if isinstance(debounce, (int, float)) and not isinstance(debounce, bool):
            self.debounce = max(0.0, float(debounce))

    def schedule(self, uri: str, delay: float) -> None:
        """Check ``uri`` after ``delay`` seconds, in place of a check not yet done."""
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.ensure_future(self._check(uri, delay))

    async def _check(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        running = self.running.get(uri)
        if running is not None:  # one check of a post at a time: the newest waits
            await asyncio.wait({asyncio.wrap_future(running)})
        document = self.workspace.get_text_document(uri)
        path, text, version = Path(document.path), clean(document.source), document.version
        loop = asyncio.get_running_loop()
        wanted = await loop.run_in_executor(self.pool, self.space.wants, path)
        if not wanted:
            self.pending.pop(uri, None)
            return
        future = self.checks.submit(lambda: self.space.check(path, text))
        self.running[uri] = future
        future.add_done_callback(lambda f: loop.call_soon_threadsafe(self._done, uri, f))
        checked = await asyncio.wrap_future(future)
        if self.pending.get(uri) is asyncio.current_task():
            del self.pending[uri]
        if uri not in self.workspace.text_documents:  # closed meanwhile
            return
        self.checked[uri] = checked
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri, diagnostics(checked, Lines(text, self.encoding)), version
            )
        )

    def _done(self, uri: str, future: concurrent.futures.Future[Checked]) -> None:
        if self.running.get(uri) is future:
            del self.running[uri]

    def forget(self, uri: str) -> None:
        """A closed post: no check, no diagnostics."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        if self.checked.pop(uri, None) is not None:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))

    def reload(self) -> None:
        """The settings changed: load them again and check every open post."""
        self.space.reload()
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    def current(self, uri: str) -> Checked | None:
        """The last check of ``uri`` if it is of the buffer as it is now."""
        checked = self.checked.get(uri)
        if checked is None:
            return None
        if checked.text != clean(self.workspace.get_text_document(uri).source):
            return None
        return checked


def whole_edit(uri: str, text: str, edits: list[Edit], encoding: str) -> types.WorkspaceEdit:
    lines = Lines(text, encoding)
    return types.WorkspaceEdit(changes={uri: [text_edit(e, lines) for e in edits]})
