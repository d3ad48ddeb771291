"""``ampcheck server``: the language server, driven by a real client over standard
input and output (pytest-lsp)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from ampcheck.engine.edits import apply_edits
from ampcheck.server.actions import suppression
from ampcheck.server.workspace import Workspace
from tests.conftest import DEFAULT_SITE, DSTOTD, invoke

pytestmark = pytest.mark.slow

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
SERVER = [sys.executable, "-m", "ampcheck", "server"]
#: a tweet ID with a form feed in it, after an emoji (two UTF-16 code units)
EMOJI_POST = (
    '---\ntitle: Day 1\n---\n\nA pick 😀 <amp-twitter width="375" height="472" '
    'layout="responsive" data-tweetid="1011340816747454464\f"></amp-twitter>\n'
)
POST_NAME = "_posts/2018-06-25-day-1.md"


def make_site(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in {**DEFAULT_SITE, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return root


@contextlib.asynccontextmanager
async def server(
    registered: list[types.Registration] | None = None,
    *,
    resolve: bool = False,
    **options: Any,
) -> AsyncIterator[LanguageClient]:
    """A client connected to ``ampcheck server`` (``options``: its
    ``initializationOptions``; checks of changes wait 50 ms unless told). With
    ``registered``, the client watches files for the server, and the registrations
    it is asked for are added to that list; with ``resolve``, the client asks for a
    code action's edit when it is chosen."""
    client = await ClientServerConfig(server_command=SERVER).start()
    assert isinstance(client, LanguageClient)
    if registered is not None:

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params: types.RegistrationParams) -> None:
            registered.extend(params.registrations)

    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=registered is not None
            )
        ),
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                resolve_support=types.ClientCodeActionResolveOptions(["edit"]) if resolve else None
            )
        ),
    )
    await client.initialize_session(
        types.InitializeParams(capabilities, initialization_options={"debounce": 0.05, **options})
    )
    try:
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


async def published(
    client: LanguageClient, uri: str, timeout: float = 60
) -> types.PublishDiagnosticsParams:
    """The next diagnostics published for ``uri``."""
    while True:
        params = await asyncio.wait_for(client.wait_for_notification(PUBLISH), timeout)
        if params.uri == uri:
            return params  # type: ignore[no-any-return]


def expect(client: LanguageClient, uri: str) -> asyncio.Task[types.PublishDiagnosticsParams]:
    """Start waiting for ``uri``'s diagnostics before what makes the server send them."""
    return asyncio.ensure_future(published(client, uri))


def open_post(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    if text is None:
        text = path.read_text(encoding="utf-8", errors="replace")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", version, text))
    )
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version, uri),
            [types.TextDocumentContentChangeWholeDocument(text)],
        )
    )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits applied (positions in UTF-16 code units)."""

    def offset(p: types.Position) -> int:
        lines = text.split("\n")
        start = sum(len(line) + 1 for line in lines[: p.line])
        line = lines[p.line] if p.line < len(lines) else ""
        units = 0
        for i, ch in enumerate(line):
            if units >= p.character:
                return start + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return start + len(line)

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))[::-1]:
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


def codes(params: types.PublishDiagnosticsParams) -> list[str]:
    return [str(d.code) for d in params.diagnostics]


def edits_of(action: types.CodeAction | types.Command, uri: str) -> list[types.TextEdit]:
    assert isinstance(action, types.CodeAction)
    assert action.edit is not None and action.edit.changes is not None
    return list(action.edit.changes[uri])


@pytest.mark.asyncio
async def test_open_reports_rule_severity_link_and_utf16_range(tmp_path: Path) -> None:
    post = make_site(tmp_path, {POST_NAME: EMOJI_POST}) / POST_NAME
    async with server() as client:
        uri = open_post(client, post)
        found = await published(client, uri)
    # the site's layouts do not load the AMP runtime (AMP007)
    assert codes(found) == ["AMP007", "TW006", "TW002", "EN004"]
    tw002 = found.diagnostics[2]
    # the command line says 6:82-6:102 (code points); the emoji is two UTF-16 units
    assert tw002.range == types.Range(types.Position(4, 82), types.Position(4, 102))
    assert tw002.severity == types.DiagnosticSeverity.Error
    assert found.diagnostics[1].severity == types.DiagnosticSeverity.Warning
    assert tw002.source == "ampcheck"
    assert tw002.message.startswith("data-tweetid '1011340816747454464\\x0c' contains a form feed")
    assert tw002.code_description is not None
    href = tw002.code_description.href
    assert href.startswith("file://") and href.endswith("/TW002.md")
    assert Path(href[len("file://") :]).read_text().startswith("# TW002 tweet-id-format")
    assert found.version == 1


@pytest.mark.asyncio
async def test_changes_are_checked_from_the_buffer_and_the_last_one_wins(tmp_path: Path) -> None:
    post = make_site(tmp_path, {POST_NAME: EMOJI_POST}) / POST_NAME
    async with server(debounce=0.3) as client:
        uri = open_post(client, post)
        await published(client, uri)
        waiting = expect(client, uri)
        fixed = EMOJI_POST.replace("\f", "")
        change(client, uri, 2, fixed.replace("Day 1", "Day 2"))
        change(client, uri, 3, EMOJI_POST.replace("\f", "x"))
        change(client, uri, 4, fixed)  # within the 300 ms: only this one is checked
        found = await waiting
        assert found.version == 4
        assert codes(found) == ["AMP007", "TW006"]
        # nothing was written: the file on disk still has the form feed
        assert "\f" in post.read_text()
        waiting = expect(client, uri)
        post.write_text(fixed)
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri))
        )
        assert codes(await waiting) == ["AMP007", "TW006"]


@pytest.mark.asyncio
async def test_quick_fixes_and_suppression(tmp_path: Path) -> None:
    text = "---\ntitle: Day 1\n---\n\n## Picks\n\n#### First pick!\n"
    post = make_site(tmp_path, {POST_NAME: text}) / POST_NAME
    async with server() as client:
        uri = open_post(client, post, text)
        found = await published(client, uri)
        assert codes(found) == ["HD001"]
        where = types.Range(types.Position(6, 5), types.Position(6, 5))
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri), where, types.CodeActionContext([])
            )
        )
    assert actions is not None
    titles = [a.title for a in actions]
    assert titles == ["make it a level-3 heading (HD001, unsafe)", "Suppress HD001 here"]
    assert not getattr(actions[0], "is_preferred", False)
    assert apply(text, edits_of(actions[0], uri)).endswith("## Picks\n\n### First pick!\n")
    suppressed = apply(text, edits_of(actions[1], uri))
    assert suppressed.endswith(
        "## Picks\n\n<!-- ampcheck-disable-next-line HD001 -->\n#### First pick!\n"
    )
    post.write_text(suppressed)
    assert invoke("--format", "json", str(post)).json == []


@pytest.mark.asyncio
async def test_safe_fix_is_preferred_and_fix_all_is_the_fix_of_the_command_line(
    tmp_path: Path,
) -> None:
    post = make_site(tmp_path, {POST_NAME: EMOJI_POST}) / POST_NAME
    async with server() as client:
        uri = open_post(client, post)
        await published(client, uri)
        doc = types.TextDocumentIdentifier(uri)
        on_id = types.Range(types.Position(4, 90), types.Position(4, 90))
        quick = await client.text_document_code_action_async(
            types.CodeActionParams(doc, on_id, types.CodeActionContext([]))
        )
        everything = types.Range(types.Position(0, 0), types.Position(7, 0))
        fix_all = await client.text_document_code_action_async(
            types.CodeActionParams(
                doc,
                everything,
                types.CodeActionContext([], only=[types.CodeActionKind.SourceFixAll]),
            )
        )
    assert quick is not None and fix_all is not None
    first = quick[0]
    assert isinstance(first, types.CodeAction)
    assert first.title == "use the tweet ID 1011340816747454464 (TW002)"
    assert first.is_preferred is True
    assert [a.kind for a in fix_all] == ["source.fixAll.ampcheck"]
    copy = tmp_path / "_posts" / "2018-06-25-day-2.md"
    shutil.copy(post, copy)
    invoke("--fix", "--no-cache", str(copy))
    assert apply(EMOJI_POST, edits_of(fix_all[0], uri)) == copy.read_text()


@pytest.mark.asyncio
async def test_fix_all_among_the_quick_fixes_is_fixed_when_chosen(tmp_path: Path) -> None:
    post = make_site(tmp_path, {POST_NAME: EMOJI_POST}) / POST_NAME
    async with server(resolve=True) as client:
        uri = open_post(client, post)
        await published(client, uri)
        on_id = types.Range(types.Position(4, 90), types.Position(4, 90))
        quick = await client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(uri), on_id, types.CodeActionContext([])
            )
        )
        assert quick is not None
        offered = quick[-1]
        assert isinstance(offered, types.CodeAction)
        assert offered.kind == "source.fixAll.ampcheck" and offered.edit is None
        chosen = await client.code_action_resolve_async(offered)
    copy = tmp_path / "_posts" / "2018-06-25-day-2.md"
    shutil.copy(post, copy)
    invoke("--fix", "--no-cache", str(copy))
    assert apply(EMOJI_POST, edits_of(chosen, uri)) == copy.read_text()


@pytest.mark.asyncio
async def test_hover_shows_the_rule_book_page(tmp_path: Path) -> None:
    post = make_site(tmp_path, {POST_NAME: EMOJI_POST}) / POST_NAME
    async with server() as client:
        uri = open_post(client, post)
        await published(client, uri)
        doc = types.TextDocumentIdentifier(uri)
        hover = await client.text_document_hover_async(
            types.HoverParams(doc, types.Position(4, 90))
        )
        nothing = await client.text_document_hover_async(
            types.HoverParams(doc, types.Position(1, 2))
        )
    assert hover is not None and nothing is None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.rstrip() == invoke("--explain", "TW002").out.rstrip()
    assert hover.range == types.Range(types.Position(4, 82), types.Position(4, 102))


@pytest.mark.asyncio
async def test_a_settings_change_checks_open_posts_again(tmp_path: Path) -> None:
    root = make_site(tmp_path, {POST_NAME: EMOJI_POST})
    post = root / POST_NAME
    async with server() as client:
        uri = open_post(client, post)
        assert codes(await published(client, uri)) == ["AMP007", "TW006", "TW002", "EN004"]
        waiting = expect(client, uri)
        (root / ".ampcheck.toml").write_text('ignore = ["TW006"]\n')
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent((root / ".ampcheck.toml").as_uri(), types.FileChangeType.Created)]
            )
        )
        assert codes(await waiting) == ["AMP007", "TW002", "EN004"]
        # a broken setting is shown on the post, not a crash
        waiting = expect(client, uri)
        (root / ".ampcheck.toml").write_text('ignore = "TW006\n')
        config_uri = open_post(client, root / ".ampcheck.toml")
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(config_uri))
        )
        broken = await waiting
    assert [d.message.split(":")[1] for d in broken.diagnostics] == [" invalid TOML"]


@pytest.mark.asyncio
async def test_the_client_is_asked_to_watch_settings_config_layouts_and_includes(
    tmp_path: Path,
) -> None:
    root = make_site(tmp_path, {POST_NAME: EMOJI_POST})
    registered: list[types.Registration] = []
    async with server(registered) as client:
        await published(client, open_post(client, root / POST_NAME))
    assert [r.method for r in registered] == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    options = registered[0].register_options
    assert isinstance(options, dict)
    assert [w["globPattern"] for w in options["watchers"]] == [
        "**/.ampcheck.toml",
        "**/pyproject.toml",
        "**/_config.yml",
        "**/_layouts/**",
        "**/_includes/**",
    ]


@pytest.mark.asyncio
async def test_a_layout_change_checks_open_posts_again(tmp_path: Path) -> None:
    root = make_site(tmp_path, {POST_NAME: EMOJI_POST})
    async with server() as client:
        uri = open_post(client, root / POST_NAME)
        assert codes(await published(client, uri))[0] == "AMP007"
        waiting = expect(client, uri)
        layout = root / "_layouts" / "default.html"
        layout.write_text(
            '<head><script async src="https://cdn.ampproject.org/v0.js"></script></head>\n'
            "{{ content }}\n"
        )
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(layout.as_uri(), types.FileChangeType.Changed)]
            )
        )
        assert codes(await waiting) == ["TW006", "TW002", "EN004"]


PLUGIN = """
from ampcheck.hookspecs import hookimpl
from ampcheck.rule import Rule

class Broken(Rule):
    code = "ZZZ001"
    name = "always-raises"
    summary = "raises"

    def check(self, post):
        raise RuntimeError("boom")

@hookimpl
def ampcheck_register_rules():
    return [Broken]
"""


@pytest.mark.asyncio
async def test_a_failing_plugin_rule_is_a_diagnostic_and_the_server_goes_on(
    tmp_path: Path,
) -> None:
    root = make_site(
        tmp_path,
        {
            POST_NAME: EMOJI_POST,
            "myplugin.py": PLUGIN,
            ".ampcheck.toml": 'plugins = ["myplugin.py"]\n',
        },
    )
    async with server() as client:
        uri = open_post(client, root / POST_NAME)
        found = await published(client, uri)
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(4, 90))
        )
    assert codes(found) == ["AMP007", "TW006", "TW002", "EN004", "ZZZ001"]
    assert found.diagnostics[-1].message.startswith(
        f"{root / POST_NAME}: internal error in rule ZZZ001 (always-raises): RuntimeError: boom"
    )
    assert found.diagnostics[-1].severity == types.DiagnosticSeverity.Error
    assert hover is not None


@pytest.mark.asyncio
async def test_a_rule_that_never_finishes_is_stopped_at_the_rule_timeout(tmp_path: Path) -> None:
    plugin = PLUGIN.replace('raise RuntimeError("boom")', "while True:\n            pass")
    root = make_site(
        tmp_path,
        {
            POST_NAME: EMOJI_POST,
            "myplugin.py": plugin,
            ".ampcheck.toml": 'plugins = ["myplugin.py"]\nrule-timeout = 1\n',
        },
    )
    async with server() as client:
        uri = open_post(client, root / POST_NAME)
        found = await published(client, uri)
    assert codes(found) == ["AMP007", "TW006", "TW002", "EN004", "ZZZ001"]
    assert found.diagnostics[-1].message.startswith(
        f"{root / POST_NAME}: internal error in rule ZZZ001 (always-raises): did not finish "
        "within 1 seconds, the rule-timeout; stopped"
    )


@pytest.mark.asyncio
async def test_undecodable_text_and_lone_surrogates_do_not_stop_the_server(
    tmp_path: Path,
) -> None:
    raw = b"---\ntitle: Day 1\n---\n\nCaf\xe9 \xff\xfe menu\n"
    root = make_site(tmp_path, {POST_NAME: raw})
    async with server() as client:
        uri = open_post(client, root / POST_NAME)  # read as editors do: U+FFFD
        found = await published(client, uri)
        assert [(str(d.code), d.range.start.line) for d in found.diagnostics] == [
            ("EN003", 4),
            ("EN003", 4),
        ]
        assert found.diagnostics[1].message.startswith("2 U+FFFD characters")
        waiting = expect(client, uri)
        change(client, uri, 2, "---\ntitle: Day 1\n---\n\nA \ud83d broken emoji\n")
        second = await waiting
    assert second.version == 2
    assert "EN003" in codes(second)


@pytest.mark.asyncio
async def test_a_long_post_does_not_hold_up_other_requests(tmp_path: Path) -> None:
    lines = ["---", "title: Big", "---", ""]
    for i in range(25_000):
        lines += [f"Some text about tweet number {i}.", "", f"## Heading {i}", ""]
    big = "\n".join(lines) + "\n"
    root = make_site(tmp_path, {POST_NAME: EMOJI_POST, "_posts/2018-06-26-big.md": big})
    async with server() as client:
        small = open_post(client, root / POST_NAME)
        await published(client, small)
        waiting = expect(client, (root / "_posts/2018-06-26-big.md").as_uri())
        uri = open_post(client, root / "_posts/2018-06-26-big.md", big)
        hover = await client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(small), types.Position(4, 90))
        )
        # answered while the long post is still being checked
        assert hover is not None and not waiting.done()
        found = await waiting
        assert found.version == 1 and codes(found) == []
        # a change that supersedes another: only the newest is published
        waiting = expect(client, uri)
        change(client, uri, 2, big + "\n#### Skipped\n")
        await asyncio.sleep(0.2)
        change(client, uri, 3, big)
        found = await waiting
    assert found.version == 3


@pytest.mark.asyncio
async def test_only_posts_unless_told(tmp_path: Path) -> None:
    root = make_site(tmp_path, {POST_NAME: EMOJI_POST, "about.md": EMOJI_POST})
    async with server() as client:
        page = open_post(client, root / "about.md")
        post = open_post(client, root / POST_NAME)
        await published(client, post)
        await asyncio.sleep(0.2)
        assert page not in client.diagnostics
    async with server(allFiles=True) as client:
        page = open_post(client, root / "about.md")
        assert "TW002" in codes(await published(client, page))


def test_without_pygls_the_extra_is_named(tmp_path: Path) -> None:
    blocker = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pygls', 'lsprotocol'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from ampcheck.cli import main\n"
        "sys.argv = ['ampcheck', 'server']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocker], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr == (
        "ampcheck: error: the language server needs pygls and lsprotocol; "
        "install them with: pip install 'ampcheck[server]'\n"
    )


def _columns(text: str, d: types.Diagnostic) -> tuple[int, int, int, int]:
    """A diagnostic's range as the command line shows it: 1-based, code points."""
    lines = text.split("\n")

    def column(p: types.Position) -> int:
        line = lines[p.line] if p.line < len(lines) else ""
        units = 0
        for i, ch in enumerate(line):
            if units >= p.character:
                return i + 1 - (p.line == 0 and line.startswith("\ufeff") and i > 0)
            units += 2 if ord(ch) > 0xFFFF else 1
        return len(line) + 1 - (p.line == 0 and line.startswith("\ufeff"))

    start, end = d.range.start, d.range.end
    return (start.line + 1, column(start), end.line + 1, column(end))


@pytest.mark.asyncio
async def test_server_and_command_line_agree_on_every_corpus_post() -> None:
    posts = sorted(DSTOTD.glob("*.md"))
    assert len(posts) == 60
    cli = invoke("--format", "json", "--no-cache", *map(str, posts)).json
    expected = sorted(
        (Path(str(d["path"])).name, d["line"], d["column"], d["end_line"], d["end_column"],
         d["code"], d["severity"], d["message"])
        for d in cli
    )  # fmt: skip
    got = []
    async with server() as client:
        for post in posts:
            text = post.read_bytes().decode("utf-8", "surrogateescape")
            uri = open_post(client, post, text)
            found = await published(client, uri)
            for d in found.diagnostics:
                severity = "error" if d.severity == types.DiagnosticSeverity.Error else "warning"
                got.append((post.name, *_columns(text, d), d.code, severity, d.message))
    assert len(expected) > 10
    assert sorted(got) == expected


def _problems(found: list[Any], code: str) -> tuple[int, Counter[tuple[str, str]]]:
    """How many problems of ``code``, and the others (messages with their line
    numbers taken out: lines move when a comment is added above)."""
    others = Counter(
        (d.code, re.sub(r"line \d+", "line N", d.message)) for d in found if d.code != code
    )
    return sum(d.code == code for d in found), others


def test_each_suppression_on_the_corpus_silences_its_problem_and_nothing_else() -> None:
    space = Workspace()
    tried = 0
    for post in sorted(DSTOTD.glob("*.md")):
        text = post.read_bytes().decode("utf-8", "surrogateescape")
        checked = space.check(post, text)
        assert checked.session is not None
        parsed = checked.session.post_for(str(post), text)
        for d in checked.diagnostics:
            written = suppression(parsed, d)
            assert written is not None
            after = space.check(post, apply_edits(text, written.edits))
            count, others = _problems(after.diagnostics, d.code)
            before, others_before = _problems(checked.diagnostics, d.code)
            assert count < before and others == others_before and not after.errors, (post, d)
            tried += 1
    assert tried == len(invoke("--format", "json", "--no-cache", str(DSTOTD)).json)


@pytest.mark.asyncio
async def test_suppression_inside_a_tag_and_in_code(tmp_path: Path) -> None:
    text = (
        '---\ntitle: Day 1\n---\n\n<amp-img\n  src="a.jpg" width="10" height="10"\n'
        '  layout="bogus"></amp-img>\n\n```\nA \ufffd in code\n```\n'
    )
    # the layouts of the test site do not load the AMP runtime (AMP007)
    site = {POST_NAME: text, ".ampcheck.toml": 'ignore = ["AMP007"]\n'}
    post = make_site(tmp_path, site) / POST_NAME
    async with server() as client:
        uri = open_post(client, post, text)
        found = await published(client, uri)
        assert [(str(d.code), d.range.start.line) for d in found.diagnostics] == [
            ("AMP001", 6),
            ("EN003", 9),
        ]
        doc = types.TextDocumentIdentifier(uri)
        actions = []
        for problem in found.diagnostics:
            answer = await client.text_document_code_action_async(
                types.CodeActionParams(doc, problem.range, types.CodeActionContext([]))
            )
            assert answer is not None
            actions.append(answer[0])
    assert [a.title for a in actions] == ["Suppress AMP001 here", "Suppress EN003 in this post"]
    in_tag = apply(text, edits_of(actions[0], uri))
    assert in_tag == text.replace(
        "<amp-img\n", "<!-- ampcheck-disable AMP001 -->\n<amp-img\n"
    ).replace("</amp-img>\n", "</amp-img>\n<!-- ampcheck-enable AMP001 -->\n")
    in_code = apply(text, edits_of(actions[1], uri))
    assert in_code == text.replace("---\n\n", "---\n<!-- ampcheck-disable-file EN003 -->\n\n")
    for fixed in (in_tag, in_code):
        post.write_text(fixed)
        result = invoke("--format", "json", "--config", str(tmp_path / ".ampcheck.toml"), str(post))
        left = ["EN003"] if fixed is in_tag else ["AMP001"]
        assert [d["code"] for d in result.json] == left
