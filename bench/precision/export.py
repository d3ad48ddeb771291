"""Export the benchmark's blogs from their repository snapshots.

Reads bench/precision/blogs.toml and writes each blog's files at its recorded
commit into <root>/<name> (default root: /work/blogs), from the bare git
snapshots under --mirrors (default /work/.mirror, one folder per repository,
named owner+name, holding the git directory `repo`). Images, media, fonts and
archives are left out; everything Jekyll reads to build the posts (_config.yml,
_layouts, _includes, _posts, _drafts, _data, _plugins, Gemfile) is kept.

A blog whose snapshot is missing, or lacks the commit, is named with the
repository to fetch, and the exit status is 1.

    python bench/precision/export.py [--root DIR] [--mirrors DIR] [--only NAME,...] [--force]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_ROOT = Path("/work/blogs")
DEFAULT_MIRRORS = Path("/work/.mirror")

# Binary assets no check reads; leaving them out keeps an export small.
SKIPPED_SUFFIXES = (
    "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico", "tif", "tiff", "psd", "svgz",
    "mp3", "mp4", "m4a", "mov", "webm", "ogg", "ogv", "wav", "avi",
    "pdf", "pdfp", "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "jar",
    "ttf", "otf", "woff", "woff2", "eot", "key", "ppt", "pptx", "doc", "docx", "xls", "xlsx",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Blog:
    name: str
    repo: str
    commit: str
    posts: tuple[str, ...]
    kind: str
    language: str
    why: str


def load_blogs(path: Path = HERE / "blogs.toml") -> list[Blog]:
    """The blogs of blogs.toml, in file order."""
    from ampcheck.config import read_toml  # tomllib, or tomli before Python 3.11

    data = read_toml(path.read_bytes())
    blogs = []
    for entry in data.get("blog", []):
        blogs.append(
            Blog(
                name=entry["name"],
                repo=entry["repo"],
                commit=entry["commit"],
                posts=tuple(entry.get("posts", ())),
                kind=entry.get("kind", ""),
                language=entry.get("language", ""),
                why=entry.get("why", ""),
            )
        )
    names = [blog.name for blog in blogs]
    if len(set(names)) != len(names):
        raise SystemExit(f"{path}: a blog name is used twice")
    return blogs


def post_folders(blog: Blog, root: Path) -> list[str]:
    """The folders of the blog's root that run.py checks: the recorded ones, or
    _posts and _drafts when they exist."""
    if blog.posts:
        return [folder for folder in blog.posts if (root / folder).is_dir()]
    return [folder for folder in ("_posts", "_drafts") if (root / folder).is_dir()]


def mirror_git_dir(mirrors: Path, repo: str) -> Path:
    return mirrors / repo.replace("/", "+") / "repo"


def has_commit(git_dir: Path, commit: str) -> bool:
    result = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def export(blog: Blog, git_dir: Path, target: Path) -> list[str]:
    """Write the blog's tree at its commit into target (emptied first); return
    the paths the snapshot lacks (a snapshot leaves out files of 4 MiB and more)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    git = ["git", "--git-dir", str(git_dir)]
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", blog.commit], capture_output=True, check=True
    ).stdout.split(b"\0")
    entries = []
    for line in listing:
        if not line:
            continue
        meta, _, raw_path = line.partition(b"\t")
        mode, kind, sha = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != b"blob" or path.lower().endswith(tuple("." + s for s in SKIPPED_SUFFIXES)):
            continue
        entries.append((mode, sha, path))
    lacking = []
    with subprocess.Popen(
        [*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as batch:
        assert batch.stdin is not None and batch.stdout is not None
        for mode, sha, path in entries:
            batch.stdin.write(sha + b"\n")
            batch.stdin.flush()
            header = batch.stdout.readline().split()
            if header[-1] == b"missing":
                lacking.append(path)
                continue
            data = batch.stdout.read(int(header[2]))
            batch.stdout.read(1)
            destination = target / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            if mode == b"120000":
                destination.symlink_to(data.decode("utf-8", "surrogateescape"))
            else:
                destination.write_bytes(data)
        batch.stdin.close()
    return lacking


def add_blog_options(parser: argparse.ArgumentParser, root_help: str) -> None:
    """The options every script here takes: where the blogs are, the blog list, and
    which of its blogs to use."""
    parser.add_argument(
        "--root", type=Path, default=DEFAULT_ROOT, help=f"{root_help} (default %(default)s)"
    )
    parser.add_argument(
        "--blogs", type=Path, default=HERE / "blogs.toml", help="blog list (default %(default)s)"
    )
    parser.add_argument("--only", default="", help="comma-separated blog names")


def selected_blogs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Blog]:
    """The blogs of ``--blogs``, only those ``--only`` names (an unknown name is an error)."""
    blogs = load_blogs(args.blogs)
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {blog.name for blog in blogs}
        if unknown:
            parser.error(f"unknown blog(s): {', '.join(sorted(unknown))}")
        blogs = [blog for blog in blogs if blog.name in wanted]
    return blogs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_blog_options(parser, "folder to export into")
    parser.add_argument(
        "--mirrors",
        type=Path,
        default=DEFAULT_MIRRORS,
        help="snapshot folder (default %(default)s)",
    )
    parser.add_argument("--force", action="store_true", help="export again over an existing folder")
    args = parser.parse_args(argv)
    blogs = selected_blogs(parser, args)
    missing = []
    for blog in blogs:
        target = args.root / blog.name
        git_dir = mirror_git_dir(args.mirrors, blog.repo)
        if not git_dir.is_dir() or not has_commit(git_dir, blog.commit):
            missing.append(blog)
            continue
        stamp = target / ".export-commit"
        if not args.force and stamp.is_file() and stamp.read_text().strip() == blog.commit:
            print(f"{blog.name}: up to date ({blog.commit[:12]})")
            continue
        lacking = export(blog, git_dir, target)
        stamp.write_text(blog.commit + "\n")
        if lacking:
            print(
                f"{blog.name}: the snapshot lacks {len(lacking)} file(s), e.g. {lacking[0]}",
                file=sys.stderr,
            )
        count = sum(
            1
            for folder in post_folders(blog, target)
            for path in (target / folder).rglob("*")
            if path.is_file()
        )
        print(
            f"{blog.name}: {blog.repo}@{blog.commit[:12]} -> {target}"
            f" ({count} files in post folders)"
        )
    for blog in missing:
        print(
            f"{blog.name}: no snapshot of {blog.repo} at {blog.commit[:12]} under {args.mirrors}; "
            f"fetch github:{blog.repo}",
            file=sys.stderr,
        )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
