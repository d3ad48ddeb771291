"""The precision benchmark over public blogs (bench/precision/): exporting a blog from
its snapshot, matching diagnostics to judgements, the precision arithmetic, the sample
of unjudged diagnostics, the heading comparison and the Jekyll oracle, on tiny blogs
made here."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT

PRECISION = ROOT / "bench" / "precision"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"bench_precision_{name}", PRECISION / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = _load("run")
export = _load("export")
headings = _load("headings")
render = _load("render")

HEADER = "blog,path,line,code,verdict,why\n"


def _blog(tmp_path: Path) -> tuple[Path, Path]:
    """A blog 'tiny' under tmp_path/blogs with two posts, and its blogs.toml."""
    site = tmp_path / "blogs" / "tiny"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("title: Tiny\n")
    (site / "_posts" / "2020-01-01-skip.md").write_text(
        "---\ntitle: Skip\n---\n\n## One\n\n#### Four\n\n## Two\n\n#### Four again\n"
    )
    (site / "_posts" / "2020-01-02-bare.md").write_text("# no front matter\n")
    blogs = tmp_path / "blogs.toml"
    blogs.write_text(
        '[[blog]]\nname = "tiny"\nrepo = "someone/tiny"\n'
        'commit = "0000000000000000000000000000000000000000"\n'
    )
    return tmp_path / "blogs", blogs


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = run.main(list(argv))
    return code, capsys.readouterr().out


def test_precision_is_true_over_judged_per_code_and_overall(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, blogs = _blog(tmp_path)
    judgements = tmp_path / "judgements.csv"
    judgements.write_text(
        HEADER
        + "tiny,_posts/2020-01-01-skip.md,7,HD001,true,skips h3\n"
        + "tiny,_posts/2020-01-01-skip.md,11,HD001,false,say it is wrong\n"
        + "tiny,_posts/2020-01-02-bare.md,1,FM001,true,no front matter\n"
        + "tiny,_posts/gone.md,3,HD002,true,a diagnostic no longer reported\n"
    )
    code, out = _run(
        capsys, "--root", str(root), "--blogs", str(blogs), "--judgements", str(judgements)
    )
    assert code == 0
    rows = {
        line.split()[0]: line.split()[1:]
        for line in out.splitlines()
        if (line and line[0].isupper()) or line.startswith("all")
    }
    # found, judged, true, false, unjudged, precision
    assert rows["HD001"] == ["2", "2", "1", "1", "0", "50.0%"]
    assert rows["FM001"] == ["1", "1", "1", "0", "0", "100.0%"]
    assert rows["all"] == ["3", "3", "2", "1", "0", "66.7%"]
    assert "1 judgement(s) match no diagnostic of this run" in out


def test_by_blog_adds_a_table_per_blog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, blogs = _blog(tmp_path)
    judgements = tmp_path / "judgements.csv"
    judgements.write_text(HEADER + "tiny,_posts/2020-01-02-bare.md,1,FM001,false,x\n")
    code, out = _run(
        capsys,
        "--root",
        str(root),
        "--blogs",
        str(blogs),
        "--judgements",
        str(judgements),
        "--by-blog",
    )
    assert code == 0
    blog_table = out.split("\n\n")[1].splitlines()
    assert blog_table[0].split()[0] == "blog"
    assert blog_table[1].split() == ["tiny", "3", "1", "0", "1", "2", "0.0%"]


def test_min_fails_when_a_code_is_under_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, blogs = _blog(tmp_path)
    judgements = tmp_path / "judgements.csv"
    judgements.write_text(
        HEADER
        + "tiny,_posts/2020-01-01-skip.md,7,HD001,true,x\n"
        + "tiny,_posts/2020-01-01-skip.md,11,HD001,false,x\n"
        + "tiny,_posts/2020-01-02-bare.md,1,FM001,true,x\n"
    )
    common = ("--root", str(root), "--blogs", str(blogs), "--judgements", str(judgements))
    assert _run(capsys, *common, "--min", "0.5")[0] == 0
    assert run.main([*common, "--min", "0.6"]) == 1
    assert "precision under 60%: HD001" in capsys.readouterr().err


def test_unjudged_lists_what_is_left_to_judge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, blogs = _blog(tmp_path)
    judgements = tmp_path / "judgements.csv"
    judgements.write_text(HEADER + "tiny,_posts/2020-01-01-skip.md,7,HD001,true,x\n")
    code, out = _run(
        capsys,
        "--root",
        str(root),
        "--blogs",
        str(blogs),
        "--judgements",
        str(judgements),
        "--unjudged",
    )
    assert code == 0
    lines = sorted(out.splitlines())
    assert [line.split("\t")[:4] for line in lines] == [
        ["tiny", "_posts/2020-01-01-skip.md", "11", "HD001"],
        ["tiny", "_posts/2020-01-02-bare.md", "1", "FM001"],
    ]
    assert "level-4 heading" in lines[0].split("\t")[4]
    code, out = _run(
        capsys,
        *("--root", str(root), "--blogs", str(blogs), "--judgements", str(judgements)),
        *("--unjudged", "--context"),
    )
    assert sorted(line.split("\t")[5] for line in out.splitlines()) == [
        "# no front matter",
        "#### Four again",
    ]


def test_a_judgement_with_a_bad_verdict_or_two_verdicts_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "b,p.md,1,HD001,maybe,x\n")
    with pytest.raises(SystemExit, match="verdict must be true or false"):
        run.read_judgements(bad)
    both = tmp_path / "both.csv"
    both.write_text(HEADER + "b,p.md,1,HD001,true,x\nb,p.md,1,HD001,false,y\n")
    with pytest.raises(SystemExit, match=r"both.csv:3"):
        run.read_judgements(both)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("blog,path,code\n")
    with pytest.raises(SystemExit, match="header"):
        run.read_judgements(wrong)


def test_the_estimate_weighs_each_blogs_sample_by_what_was_found_there() -> None:
    found = [*_diagnostics("HD002", "big", 100), *_diagnostics("HD002", "small", 10)]
    judged = {}
    for d in found[:10]:  # 10 of big's 100 judged, all true
        judged[d.key] = run.Judgement(*d.key, True, "")
    for d in found[100:102]:  # 2 of small's 10 judged, both false
        judged[d.key] = run.Judgement(*d.key, False, "")
    per_code, overall = run.estimate(found, judged)
    assert per_code["HD002"] == pytest.approx(100 / 110)
    assert overall == pytest.approx(100 / 110)
    # the plain precision counts the judged sample only
    assert run.tally(found, judged)[1].precision == pytest.approx(10 / 12)
    assert run.estimate(found, {})[1] is None
    table = run.format_markdown(*run.tally(found, judged), run.estimate(found, judged))
    assert "| HD002 | 110 | 12 | 83% | 91% |" in table.splitlines()
    nearly = run.format_markdown({}, run.Tally(found=1000, true=999, false=1), ({}, 0.999))
    assert nearly.splitlines()[-1] == "| **all** | 1000 | 1000 | 99.9% | 99.9% |"


def _diagnostics(code: str, blog: str, count: int) -> list[object]:
    return [run.Diagnostic(blog, f"_posts/p{i}.md", i + 1, code, "m") for i in range(count)]


def test_the_sample_is_capped_per_code_and_blog_stable_and_keeps_rare_codes() -> None:
    many = (
        _diagnostics("HD002", "a", 40)
        + _diagnostics("HD002", "b", 3)
        + _diagnostics("FM001", "a", 4)
    )
    first = run.sample_unjudged(many, {}, 5)
    again = run.sample_unjudged(list(reversed(many)), {}, 5)
    assert sorted(d.key for d in first) == sorted(d.key for d in again)
    by_group: dict[tuple[str, str], int] = {}
    for d in first:
        by_group[(d.code, d.blog)] = by_group.get((d.code, d.blog), 0) + 1
    # 5 of blog a's 40, all 3 of blog b's, all 4 of a code found fewer than 10 times
    assert by_group == {("HD002", "a"): 5, ("HD002", "b"): 3, ("FM001", "a"): 4}
    # judging part of the sample leaves the rest of it, not a new one
    judged = {
        d.key: run.Judgement(*d.key, True, "")
        for d in first[:2]
        if d.code == "HD002" and d.blog == "a"
    }
    rest = run.sample_unjudged(many, judged, 5)
    assert {d.key for d in rest if d.blog == "a" and d.code == "HD002"} < {d.key for d in first}
    assert run.sample_unjudged(many, {}, None) == many


def test_export_writes_the_recorded_commit_and_names_missing_snapshots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    (work / "_posts").mkdir(parents=True)
    (work / "_posts" / "2020-01-01-a.md").write_text("---\ntitle: A\n---\nold\n")
    (work / "logo.png").write_bytes(b"\x89PNG")
    git = ["git", "-C", str(work), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    first = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    (work / "_posts" / "2020-01-01-a.md").write_text("---\ntitle: A\n---\nnew\n")
    subprocess.run([*git, "commit", "-q", "-am", "two"], check=True)
    mirrors = tmp_path / "mirrors"
    (mirrors / "someone+tiny").mkdir(parents=True)
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(mirrors / "someone+tiny" / "repo")],
        check=True,
    )
    blogs = tmp_path / "blogs.toml"
    blogs.write_text(
        f'[[blog]]\nname = "tiny"\nrepo = "someone/tiny"\ncommit = "{first}"\n\n'
        '[[blog]]\nname = "gone"\nrepo = "someone/gone"\n'
        f'commit = "{"1" * 40}"\n'
    )
    root = tmp_path / "blogs"
    code = export.main(["--root", str(root), "--mirrors", str(mirrors), "--blogs", str(blogs)])
    captured = capsys.readouterr()
    assert code == 1
    assert (root / "tiny" / "_posts" / "2020-01-01-a.md").read_text().endswith("old\n")
    assert not (root / "tiny" / "logo.png").exists()
    assert "fetch github:someone/gone" in captured.err
    assert "tiny: someone/tiny@" in captured.out


def test_heading_sequences_are_compared_by_level_and_text() -> None:
    head = headings.Head
    ours = [
        head(2, "one", 5, "One"),
        head(2, "two", 9, "Two"),
        head(1, "", 12, "{{ page.title }}", True),
    ]
    theirs = [
        head(3, "one", 5, "One"),
        head(1, "mytitle", 12, "My title"),
        head(2, "extra", 14, "Extra"),
    ]
    found = [(d.kind, d.ampcheck and d.ampcheck.line, d.kramdown and d.kramdown.line)
             for d in headings.compare("p.md", ours, theirs)]  # fmt: skip
    assert ("level", 5, 5) in found
    assert ("only ampcheck", 9, None) in found
    assert ("only kramdown", None, 14) in found
    # a heading whose text is Liquid matches the rendered heading of the same level
    assert not any(kind == "text" for kind, _, _ in found)
    assert headings.normalise("Don&rsquo;t <em>panic</em> — 42") == headings.normalise(
        "Don't panic -- 42"
    )


def test_hd_diagnostics_on_headings_kramdown_renders_otherwise_are_picked_out() -> None:
    head = headings.Head
    report = headings.BlogReport("b")
    report.differences = [
        headings.Difference("p.md", "only ampcheck", head(1, "", 10, "#"), None),
        headings.Difference("p.md", "only kramdown", None, head(2, "x", 20, "x")),
    ]
    diagnostic = run.Diagnostic
    found = headings.affected_diagnostics(
        report,
        [
            diagnostic("b", "p.md", 10, "HD003", "the level-1 heading has no text"),
            diagnostic(
                "b", "p.md", 12, "HD001", "a level-3 heading follows the level-1 heading on line 10"
            ),
            diagnostic(
                "b", "p.md", 30, "HD001", "a level-4 heading follows the level-2 heading on line 20"
            ),
            diagnostic("b", "p.md", 10, "EN004", "not a heading rule"),
            diagnostic("b", "q.md", 10, "HD003", "another post"),
        ],
    )
    assert [(d.line, d.code, why) for d, why in found] == [
        (10, "HD003", "its heading: only ampcheck"),
        (12, "HD001", "the heading on line 10: only ampcheck"),
    ]


_ORACLE_MISSING = render.oracle_available()


@pytest.mark.skipif(
    _ORACLE_MISSING is not None, reason=f"Jekyll oracle unavailable: {_ORACLE_MISSING}"
)
@pytest.mark.slow
def test_the_oracle_renders_liquid_then_kramdown_with_file_lines(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text("kramdown:\n  auto_ids: false\n")
    (site / "_posts" / "2020-01-01-a.md").write_text(
        "---\ntitle: My title\n---\n"  # lines 1-3
        "{{ page.title }}\n====\n\n"  # 4-6: a setext h1 once Liquid has run
        "{% highlight ruby %}\n# not a heading\n{% endhighlight %}\n\n"  # 7-10
        "{% include missing.html %}\n\n"  # 11-12
        "# \n\n"  # 13-14: no text, so a paragraph in kramdown
        "## Last {#last}\n"  # 15
    )
    (result,) = render.render(site, ["_posts/2020-01-01-a.md"], html=True)
    assert result["error"] is None
    assert [(h["level"], h["line"], h["html"]) for h in result["headers"]] == [
        (1, 4, "My title"),
        (2, 15, "Last"),
    ]
    assert result["lines_exact"] is True
    assert "<h1>My title</h1>" in result["html"]
    assert "<p>#</p>" in result["html"]
    assert '<h2 id="last">' in result["html"]


@pytest.mark.skipif(
    _ORACLE_MISSING is not None, reason=f"Jekyll oracle unavailable: {_ORACLE_MISSING}"
)
@pytest.mark.slow
def test_the_oracle_never_loads_the_sites_plugins(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_plugins").mkdir(parents=True)
    (site / "_posts").mkdir()
    marker = tmp_path / "plugin-ran"
    (site / "_plugins" / "evil.rb").write_text(f"File.write({str(marker)!r}, 'x')\n")
    (site / "_posts" / "2020-01-01-a.md").write_text("---\n---\n## A\n")
    (result,) = render.render(site, ["_posts/2020-01-01-a.md"])
    assert [h["level"] for h in result["headers"]] == [2]
    assert not marker.exists()
    assert sorted(p.name for p in site.iterdir()) == ["_plugins", "_posts"]  # nothing written


@pytest.mark.skipif(
    _ORACLE_MISSING is not None, reason=f"Jekyll oracle unavailable: {_ORACLE_MISSING}"
)
@pytest.mark.slow
def test_the_oracle_reads_a_config_with_a_symbol_and_its_kramdown_settings(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    # `style: :compressed` is a YAML symbol, which Jekyll 4.3 on Psych 4 refuses
    (site / "_config.yml").write_text("sass:\n  style: :compressed\nkramdown:\n  input: kramdown\n")
    # kramdown's own parser takes "#Title" as a heading; GFM wants a space after the #
    (site / "_posts" / "2020-01-01-a.md").write_text("---\n---\n\n\n#Title\n")
    (result,) = render.render(site, ["_posts/2020-01-01-a.md"])
    assert result["error"] is None
    assert [(h["level"], h["line"]) for h in result["headers"]] == [(1, 5)]
    (site / "_config.yml").write_text("sass:\n  style: :compressed\n")
    (result,) = render.render(site, ["_posts/2020-01-01-a.md"])
    assert result["headers"] == []  # GFM by default: a paragraph


@pytest.mark.skipif(
    _ORACLE_MISSING is not None, reason=f"Jekyll oracle unavailable: {_ORACLE_MISSING}"
)
@pytest.mark.slow
def test_the_page_oracle_builds_the_post_with_the_blogs_layouts_only(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for folder in ("_posts", "_layouts", "_includes", "_plugins"):
        (site / folder).mkdir(parents=True)
    (site / "_config.yml").write_text("title: Site\nsass:\n  style: :compressed\n")
    (site / "_layouts" / "post.html").write_text(
        "<html><body>{% include header.html %}<h2>{{ page.title }}</h2>{{ content }}</body></html>"
    )
    (site / "_includes" / "header.html").write_text("<h1>{{ site.title }}</h1>{% seo %}")
    marker = tmp_path / "plugin-ran"
    (site / "_plugins" / "evil.rb").write_text(f"File.write({str(marker)!r}, 'x')\n")
    (site / "_posts" / "2020-01-01-a.md").write_text(
        "---\nlayout: post\ntitle: My post\n---\n{% youtube abc %}\n\n### Part\n"
    )
    page = render.render_page(site, "_posts/2020-01-01-a.md")
    assert render.page_headings(page) == [(1, "Site"), (2, "My post"), (3, "Part")]
    assert not marker.exists()
    assert sorted(p.name for p in site.iterdir()) == [
        "_config.yml",
        "_includes",
        "_layouts",
        "_plugins",
        "_posts",
    ]


def test_judgements_file_is_well_formed() -> None:
    path = PRECISION / "judgements.csv"
    judgements = run.read_judgements(path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(judgements) == len(rows)  # no key judged twice
    names = {blog.name for blog in export.load_blogs()}
    assert {row["blog"] for row in rows} <= names
    assert all(row["why"].strip() for row in rows)


def test_the_scripts_run_as_commands() -> None:
    for script in ("run", "export", "headings", "render"):
        result = subprocess.run(
            [sys.executable, str(PRECISION / f"{script}.py"), "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "usage:" in result.stdout
