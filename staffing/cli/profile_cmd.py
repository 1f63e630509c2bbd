"""``staffing profile``: what reading an export involves, and a profile to save for it."""

from __future__ import annotations

import re
from typing import Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.options import read_options

__all__ = ["profile_command"]

# Words in an export's column name -> our column (first match wins), for a first guess.
_GUESSES: tuple[tuple[str, str], ...] = (
    (r"(avg|average|mean).*aband.*time|aband.*(wait|time)", "avg_abandon_s"),
    (r"answered.*(within|in sl|sl)|within.*(threshold|sl)|in.?service.?level", "answered_within"),
    (r"abandon.*(within|short)|short.?aband", "abandoned_within"),
    (r"aband", "abandoned"),
    (r"answer|handled", "answered"),
    (r"offered|presented|incoming|volume|contacts|calls", "calls"),
    (r"service.?level|\bsl\b", "service_level"),
    (r"\basa\b|speed.?of.?answer", "asa_s"),
    (r"\baht\b|handle", "aht_s"),
    (r"patience", "patience_s"),
    (r"staffed|agents|\bfte\b|heads", "agents"),
    (r"interval.?start|start.?time|timestamp|datetime", "interval_start"),
    (r"\bdate\b|\bday\b", "date"),
    (r"\btime\b|interval", "time"),
    (r"queue|skill|split|line|\blob\b|campaign", "queue"),
)


def _guess(name: str, history: bool, looks_like: str) -> str | None:
    text = name.lower()
    if looks_like == "timestamp":
        return "interval_start"
    for pattern, ours in _GUESSES:
        if re.search(pattern, text):
            if ours == "calls" and history:
                return "offered"
            return ours
    return None


@click.command("profile", cls=OneLineCommand)
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@read_options("a column of FILE")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write the suggested profile to this TOML file.",
)
def profile_command(path: str, read: Any, out: str | None) -> None:
    """Show how FILE is read (delimiter, dates, units, column mapping) and print a
    starting import profile for it: save it as staffing.toml (found by every command
    run in that folder) or pass it as --profile FILE."""
    from pathlib import Path

    from staffing.io.profile import describe_file

    info = describe_file(path, columns=read.columns or None, sheet=read.sheet)
    layout = info["kind"]
    if "delimiter" in info:
        layout += f", {info['delimiter']}-separated"
    if "sheet" in info:
        layout += f", sheet {info['sheet']}"
    names = [c["name"] for c in info["columns"]]
    history = any(re.search(r"aband|answer", n.lower()) for n in names)
    click.echo(f"{info['file']}: {layout}, {len(names)} columns")
    mapping: dict[str, str] = {}
    dayfirst: bool | None = read.dayfirst
    width = max((len(n) for n in names), default=4)
    mapped_back = {v: k for k, v in (read.columns or {}).items()}
    for col in info["columns"]:
        name = col["name"]
        if col["ours"]:
            ours, how = name, "ours" if name not in mapped_back.values() else "mapped"
            if name in (read.columns or {}):
                how = f"mapped from '{read.columns[name]}'"
        else:
            guess = _guess(name, history, col["looks_like"])
            ours = guess or "?"
            how = "a guess: check it" if guess else "not used"
            if guess and guess not in mapping:
                mapping[guess] = name
        notes = []
        if col["dates"] and col["dates"] not in ("read", "iso", "settled"):
            notes.append(f"dates {col['dates']}")
            if col["dates"] in ("day-first", "month-first") and dayfirst is None:
                dayfirst = col["dates"] == "day-first"
        if col["looks_like"] in ("duration h:mm:ss", "percent"):
            unit = "seconds" if col["looks_like"].startswith("duration") else "a share"
            notes.append(f"{col['looks_like']} (read as {unit})")
        example = f"e.g. {col['example']}" if col["example"] else ""
        extra = f"; {'; '.join(notes)}" if notes else ""
        click.echo(f"  {name:<{width}}  -> {ours:<16} {how}{extra}  {example}".rstrip())
    lines = ["# import profile: save as staffing.toml, or pass --profile FILE"]
    if dayfirst is not None:
        lines.append(f"dayfirst = {'true' if dayfirst else 'false'}")
    if read.date_format:
        lines.append(f'date_format = "{read.date_format}"')
    if read.sheet:
        lines.append(f'sheet = "{read.sheet}"')
    columns = {**mapping, **{k: v for k, v in (read.columns or {}).items()}}
    if columns:
        lines.append("")
        lines.append("[columns]")
        lines += [f'{ours} = "{theirs}"' for ours, theirs in columns.items()]
    text = "\n".join(lines) + "\n"
    click.echo("")
    click.echo(text, nl=False)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)
