"""The requests and notifications the server answers."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types

from ampcheck.engine.edits import replacement
from ampcheck.model import Applicability, Diagnostic
from ampcheck.server.actions import suppression
from ampcheck.server.lsp_values import diagnostic, explanation, span
from ampcheck.server.protocol import FIX_ALL, AmpcheckServer, whole_edit
from ampcheck.server.text import Lines
from ampcheck.server.workspace import Checked, is_settings_file

FIX_ALL_TITLE = "Fix all safe problems (ampcheck)"
#: the settings files, sites' _config.yml and layouts whose changes the client reports
WATCHED = (
    "**/.ampcheck.toml",
    "**/pyproject.toml",
    "**/_config.yml",
    "**/_layouts/**",
    "**/_includes/**",
)


def build() -> AmpcheckServer:
    """A server with every feature registered."""
    server = AmpcheckServer()
    _documents(server)
    _watching(server)
    _actions(server)
    _hover(server)
    return server


def _documents(server: AmpcheckServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: AmpcheckServer, params: types.InitializeParams) -> None:
        ls.configure(params.initialization_options)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AmpcheckServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AmpcheckServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: AmpcheckServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if is_settings_file(Path(ls.workspace.get_text_document(uri).path)):
            ls.reload()
        else:
            ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AmpcheckServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)


def _watching(server: AmpcheckServer) -> None:
    @server.feature(types.INITIALIZED)
    async def initialized(ls: AmpcheckServer, params: types.InitializedParams) -> None:
        watched = ls.client_capabilities.workspace
        changes = watched.did_change_watched_files if watched is not None else None
        if changes is None or not changes.dynamic_registration:
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            [types.FileSystemWatcher(glob) for glob in WATCHED]
        )
        registration = types.Registration(
            "ampcheck-settings", types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options
        )
        await ls.client_register_capability_async(types.RegistrationParams([registration]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def changed(ls: AmpcheckServer, params: types.DidChangeWatchedFilesParams) -> None:
        from pygls.uris import to_fs_path

        paths = [to_fs_path(change.uri) for change in params.changes]
        if any(p is not None and is_settings_file(Path(p)) for p in paths):
            ls.reload()


def _actions(server: AmpcheckServer) -> None:
    kinds = [types.CodeActionKind.QuickFix, FIX_ALL]

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(kinds, resolve_provider=True)
    )
    async def code_action(
        ls: AmpcheckServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        checked = ls.current(uri)
        if checked is None or checked.session is None:
            return None
        only = params.context.only
        loop = asyncio.get_running_loop()
        actions: list[types.CodeAction] = []
        if only is None or any(types.CodeActionKind.QuickFix.startswith(k) for k in only):
            near = _overlapping(checked, Lines(checked.text, ls.encoding), params.range)
            if near:
                actions = await loop.run_in_executor(ls.pool, _quick_fixes, ls, uri, checked, near)
        if only is None and _safely_fixable(checked) and _resolves_edits(ls):
            # offered among the quick fixes: fixed only when chosen (codeAction/resolve)
            actions.append(types.CodeAction(FIX_ALL_TITLE, kind=FIX_ALL, data={"uri": uri}))
        elif (only is None and _safely_fixable(checked)) or (
            only is not None and any(FIX_ALL.startswith(k) for k in only)
        ):
            fix_all = await asyncio.wrap_future(
                ls.checks.submit(lambda: _fix_all(ls, uri, checked))
            )
            if fix_all is not None:
                actions.append(fix_all)
        return actions

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve(ls: AmpcheckServer, action: types.CodeAction) -> types.CodeAction:
        data = action.data
        if action.kind != FIX_ALL or not isinstance(data, dict):
            return action
        uri = data.get("uri")
        checked = ls.current(uri) if isinstance(uri, str) else None
        if checked is None or checked.session is None:
            return action
        fixed = await asyncio.wrap_future(ls.checks.submit(lambda: _fix_all(ls, str(uri), checked)))
        if fixed is not None:
            action.edit = fixed.edit
        return action


def _resolves_edits(ls: AmpcheckServer) -> bool:
    """Whether the client asks for a code action's edit when it is chosen."""
    document = ls.client_capabilities.text_document
    actions = document.code_action if document is not None else None
    support = actions.resolve_support if actions is not None else None
    return support is not None and "edit" in support.properties


def _overlapping(checked: Checked, lines: Lines, where: types.Range) -> list[Diagnostic]:
    start = lines.offset(where.start.line, where.start.character)
    end = lines.offset(where.end.line, where.end.character)
    return [d for d in checked.diagnostics if d.start <= end and start <= d.end]


def _safely_fixable(checked: Checked) -> bool:
    return any(
        d.fix is not None and d.fix.applicability is Applicability.SAFE for d in checked.diagnostics
    )


def _quick_fixes(
    ls: AmpcheckServer, uri: str, checked: Checked, near: list[Diagnostic]
) -> list[types.CodeAction]:
    """For each problem: its fix (safe ones preferred, unsafe ones labelled), then a
    suppression of its rule there."""
    assert checked.session is not None
    lines = Lines(checked.text, ls.encoding)
    fixes: list[types.CodeAction] = []
    suppressions: list[types.CodeAction] = []
    post = checked.session.post_for(
        str(Path(ls.workspace.get_text_document(uri).path)), checked.text
    )
    for d in near:
        shown = [diagnostic(d, lines, checked)]
        if d.fix is not None:
            safe = d.fix.applicability is Applicability.SAFE
            title = d.fix.title or f"Fix {d.code}"
            fixes.append(
                types.CodeAction(
                    f"{title} ({d.code})" if safe else f"{title} ({d.code}, unsafe)",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=shown,
                    edit=whole_edit(uri, checked.text, list(d.fix.edits), ls.encoding),
                    is_preferred=safe,
                )
            )
        written = suppression(post, d)
        if written is None:
            continue
        where = "in this post" if written.whole_post else "here"
        suppressions.append(
            types.CodeAction(
                f"Suppress {d.code} {where}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=shown,
                edit=whole_edit(uri, checked.text, written.edits, ls.encoding),
            )
        )
    return fixes + suppressions


def _fix_all(ls: AmpcheckServer, uri: str, checked: Checked) -> types.CodeAction | None:
    """Every safe fix, applied and checked as ``ampcheck --fix`` does."""
    assert checked.session is not None
    path = str(Path(ls.workspace.get_text_document(uri).path))
    edit = replacement(checked.text, checked.session.fix_text(path, checked.text))
    if edit is None:
        return None
    return types.CodeAction(
        FIX_ALL_TITLE,
        kind=FIX_ALL,
        edit=whole_edit(uri, checked.text, [edit], ls.encoding),
    )


def _hover(server: AmpcheckServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: AmpcheckServer, params: types.HoverParams) -> types.Hover | None:
        checked = ls.current(params.text_document.uri)
        if checked is None or checked.session is None:
            return None
        lines = Lines(checked.text, ls.encoding)
        at = lines.offset(params.position.line, params.position.character)
        under = [d for d in checked.diagnostics if d.start <= at <= d.end]
        if not under:
            return None
        codes = list(dict.fromkeys(d.code for d in under))
        return types.Hover(
            types.MarkupContent(types.MarkupKind.Markdown, explanation(checked, codes)),
            span(under[0].start, under[0].end, lines),
        )
