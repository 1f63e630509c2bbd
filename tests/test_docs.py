"""The docs site is wired: every page reachable, every command shown a real one.

Cheap checks on the MyST sources of ``docs/`` and on ``README.md``; the real build
(``make docs``: Sphinx with warnings as errors, every code cell executed) runs in
``.ci/run``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from staffing.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GUIDE = sorted(p for p in (DOCS / "guide").glob("*.md") if p.name != "index.md")
CONSOLE = re.compile(r"^```console\n(.*?)^```", re.M | re.S)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|^[`:]{3}\{(image|figure)\}", re.M)
TOCTREE = re.compile(r"^```\{toctree\}\n(.*?)^```", re.M | re.S)


def toctree_entries(page: Path) -> tuple[list[str], bool]:
    """The entries of a page's toctrees, and whether one of them has ``:glob:``."""
    entries: list[str] = []
    glob = False
    for block in TOCTREE.findall(page.read_text(encoding="utf-8")):
        for line in block.splitlines():
            line = line.strip()
            if line == ":glob:":
                glob = True
            elif line and not line.startswith(":"):
                entries.append(line)
    return entries, glob


def console_commands(text: str) -> list[str]:
    """Every ``$ ...`` line of the ```console blocks of a page."""
    return [
        line[2:]
        for block in CONSOLE.findall(text)
        for line in block.splitlines()
        if line.startswith("$ ")
    ]


def test_there_are_guide_pages() -> None:
    """The glob finds the pages (a moved directory must not pass silently)."""
    assert {"plan", "calibrate", "schedule", "channels"} <= {p.stem for p in GUIDE}


def test_every_top_level_page_is_in_the_index_toctree() -> None:
    entries, _ = toctree_entries(DOCS / "index.md")
    pages = {p.stem for p in DOCS.glob("*.md")} - {"index"}
    assert pages <= set(entries), pages - set(entries)
    assert "guide/index" in entries and "api/index" in entries


@pytest.mark.parametrize("page", GUIDE, ids=[p.stem for p in GUIDE])
def test_guide_page_is_reachable(page: Path) -> None:
    """Listed by name in the guide's toctree, or picked up by its ``*`` glob."""
    entries, glob = toctree_entries(DOCS / "guide" / "index.md")
    assert page.stem in entries or (glob and "*" in entries), page.name


@pytest.mark.parametrize("page", GUIDE, ids=[p.stem for p in GUIDE])
def test_guide_page_draws_its_figure_at_build_time(page: Path) -> None:
    """A figure comes from running the package (a code cell), never a committed image."""
    text = page.read_text(encoding="utf-8")
    assert "```{code-cell}" in text, f"{page.name}: no code cell to draw a figure"
    assert not IMAGE.search(text), f"{page.name}: a committed image"
    # without the text-notebook header, myst-nb does not run the cells (a build warning)
    assert text.startswith("---\nfile_format: mystnb\n"), f"{page.name}: no mystnb header"


def _option_names(command: click.Command) -> set[str]:
    return {name for p in command.params for name in (*p.opts, *p.secondary_opts)}


def check_command(line: str) -> None:
    """``staffing SUBCOMMAND --option ...``: a real subcommand and only its options."""
    words = shlex.split(line)
    assert words[0] == "staffing", f"not a staffing command: {line}"
    ctx = click.Context(main)
    assert len(words) > 1 and words[1] in main.list_commands(ctx), f"no such subcommand: {line}"
    command = main.get_command(ctx, words[1])
    assert command is not None
    known = _option_names(command)
    for word in words[2:]:
        if word.startswith("--"):
            assert word.split("=")[0] in known, f"{words[1]} has no option {word}: {line}"


PAGES_WITH_COMMANDS = [*GUIDE, DOCS / "getting-started.md", ROOT / "README.md"]


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=[p.stem for p in PAGES_WITH_COMMANDS])
def test_console_commands_are_real(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for line in console_commands(text):
        check_command(line)


def test_every_job_page_shows_a_command() -> None:
    """The pages of the jobs the command line does show it run."""
    for page in GUIDE:
        text = page.read_text(encoding="utf-8")
        if page.stem in {
            "plan",
            "evaluate",
            "calibrate",
            "compare",
            "outsource",
            "credits",
            "simulate",
            "schedule",
            "channels",
            "big-files",
            "real-exports",
        }:
            assert console_commands(text), f"{page.name}: no ```console block"


def test_readme_commands_are_the_docs_commands() -> None:
    """Every command of the README is shown, identically, on a docs page."""
    shown = {
        line
        for page in [*GUIDE, DOCS / "getting-started.md"]
        for line in console_commands(page.read_text(encoding="utf-8"))
    }
    readme = console_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert readme, "the README shows no command"
    assert set(readme) <= shown, set(readme) - shown


def test_check_command_fails_on_a_renamed_option() -> None:
    """The check can fail: an unknown subcommand or option is caught."""
    with pytest.raises(AssertionError):
        check_command("staffing plan data/forecast.csv --no-such-option 1")
    with pytest.raises(AssertionError):
        check_command("staffing planify data/forecast.csv")
    check_command("staffing plan data/forecast.csv --target 80/20 --out=out/plan.csv")


def test_every_public_package_has_an_api_page() -> None:
    """The API reference lists every package of the library and every plotting module
    (the command line is documented by its pages), and gives each a home for its names."""
    listed = set(re.findall(r"^ +(staffing[\w.]*)$", (DOCS / "api" / "index.md").read_text(), re.M))
    package = ROOT / "staffing"
    wanted = {f"staffing.{p.parent.name}" for p in package.glob("*/__init__.py")}
    wanted -= {"staffing.cli", "staffing.plotting"}
    wanted |= {f"staffing.plotting.{p.stem}" for p in (package / "plotting").glob("[!_]*.py")}
    assert wanted - listed == set()
    homes = (DOCS / "_ext" / "api_homes.py").read_text()
    assert [name for name in sorted(wanted) if f'"{name}"' not in homes] == []
