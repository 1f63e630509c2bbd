"""Import profiles: how a centre's exports are read, written down once.

A real ACD or WFM export needs its column mapping, its date convention and a few
defaults on every command. A profile holds them in a TOML file that every command reads:
``--profile acd.toml``, or found on its own as ``staffing.toml`` in the working directory
(or a ``[tool.staffing]`` table of its ``pyproject.toml``)::

    # how the files are read (every command)
    dayfirst = true                 # or date_format = "%d/%m/%Y %H:%M"
    sheet = "Data"                  # Excel: the sheet that holds the table

    [columns]                       # our name = the export's column
    interval_start = "Interval Start"
    queue = "Skill"
    offered = "Calls Offered"

    [defaults]                      # any command's options, by their long name
    threshold = "20s"
    target = ["80/20", "abandon<=5%"]
    week-start = "sun"

    [plan]                          # options of one command only
    in-centre = "15%"

An option given on the command line wins over the profile; a command's own section wins
over ``[defaults]``; a setting no command of the run takes is left alone, so one profile
serves every command. :func:`describe_file` reads a file's header and first rows and says
what a profile would need (delimiter, date convention, units), as a starting point.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from staffing.errors import InputError

__all__ = ["PROFILE_NAME", "Profile", "describe_file", "find_profile", "load_profile"]

#: The profile a command finds on its own in the working directory.
PROFILE_NAME = "staffing.toml"
#: Settings of the reading itself, at the top of a profile.
_READ_KEYS = ("dayfirst", "date_format", "sheet")
#: Our column names a profile may map (besides any other: a column name is free text).
_SECTIONS = ("columns", "defaults")


@dataclass(frozen=True)
class Profile:
    """A loaded import profile (module notes).

    Attributes
    ----------
    path : Path
        Where it was read from.
    columns : dict
        Our column name -> the export's.
    read : dict
        ``dayfirst``, ``date_format``, ``sheet`` where given.
    defaults : dict
        Option name -> value, for every command.
    commands : dict
        Command name -> {option name -> value}.
    """

    path: Path
    columns: dict[str, str] = field(default_factory=dict)
    read: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    commands: dict[str, dict[str, Any]] = field(default_factory=dict)

    def settings_for(self, command: str) -> dict[str, Any]:
        """Option name (``in-centre``, ``column``, ``dayfirst``) -> value for one command.

        The reading settings, the column mapping as ``column`` pairs, ``[defaults]``, then
        the command's own section.
        """
        out: dict[str, Any] = {}
        out.update(self.read)
        if self.columns:
            out["column"] = [f"{ours}={theirs}" for ours, theirs in self.columns.items()]
        out.update(self.defaults)
        out.update(self.commands.get(command, {}))
        return out


def _key(name: str) -> str:
    return str(name).strip().lower().replace("_", "-")


def load_profile(path: str | os.PathLike[str], *, table: str | None = None) -> Profile:
    r"""Read an import profile.

    Parameters
    ----------
    path : str or path-like
        A TOML file (``staffing.toml``, ``acd.toml``) or a ``pyproject.toml`` whose
        ``[tool.staffing]`` table holds the profile.
    table : str, optional
        ``"tool.staffing"`` to read that table (a ``pyproject.toml``); found on its own
        when the file is called ``pyproject.toml``.

    Returns
    -------
    Profile

    Raises
    ------
    InputError
        One line naming the file and what is wrong (not TOML, a setting of the wrong
        kind).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "acd.toml"
    >>> _ = p.write_text('dayfirst = true\n[columns]\noffered = "Calls Offered"\n'
    ...                  '[plan]\nin-centre = "15%"\n')
    >>> prof = load_profile(p)
    >>> prof.settings_for("plan")
    {'dayfirst': True, 'column': ['offered=Calls Offered'], 'in-centre': '15%'}
    """
    path = Path(path)
    source = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such profile", source=str(path)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not a TOML profile ({exc})", source=source) from None
    if table is None and path.name == "pyproject.toml":
        table = "tool.staffing"
    if table:
        for part in table.split("."):
            data = data.get(part, {}) if isinstance(data, Mapping) else {}
        if not data:
            raise InputError(f"no [{table}] table", source=source)
    columns: dict[str, str] = {}
    read: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    commands: dict[str, dict[str, Any]] = {}
    for key, value in data.items():
        name = str(key).strip()
        if name == "columns":
            if not isinstance(value, Mapping):
                raise InputError("[columns] must map our names to the export's", source=source)
            for ours, theirs in value.items():
                if not isinstance(theirs, str) or not theirs.strip():
                    raise InputError(
                        f"[columns] {ours}: give the export's column name as text", source=source
                    )
                columns[str(ours).strip()] = theirs
        elif name == "defaults":
            if not isinstance(value, Mapping):
                raise InputError("[defaults] must be a table of options", source=source)
            defaults.update({_key(k): v for k, v in value.items()})
        elif name.replace("-", "_") in _READ_KEYS:
            read[name.replace("-", "_").replace("_", "-")] = value
        elif isinstance(value, Mapping):
            commands[name.lower()] = {_key(k): v for k, v in value.items()}
        else:
            raise InputError(
                f"unknown setting '{name}': put options under [defaults] or a command's "
                "section such as [plan] (reading settings: dayfirst, date_format, sheet, "
                "[columns])",
                source=source,
            )
    read = {k.replace("-", "_"): v for k, v in read.items()}
    read = {("date-format" if k == "date_format" else k): v for k, v in read.items()}
    return Profile(path=path, columns=columns, read=read, defaults=defaults, commands=commands)


def find_profile(directory: str | os.PathLike[str] = ".") -> Path | None:
    """The profile a command finds on its own.

    ``staffing.toml`` in ``directory``, else a ``pyproject.toml`` there with a
    ``[tool.staffing]`` table; ``None`` without one.
    """
    folder = Path(directory)
    own = folder / PROFILE_NAME
    if own.is_file():
        return own
    project = folder / "pyproject.toml"
    if project.is_file():
        try:
            data = tomllib.loads(project.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            return None
        if isinstance(data.get("tool"), Mapping) and "staffing" in data["tool"]:
            return project
    return None


def describe_file(
    path: str | os.PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    sheet: str | None = None,
    rows: int = 2000,
) -> dict[str, Any]:
    """What reading an export involves: its layout, its columns and what they look like.

    Parameters
    ----------
    path : str or path-like
        A CSV/TSV/TXT, Excel or Parquet file.
    columns : mapping, optional
        A column mapping to apply first (our name -> the export's).
    sheet : str, optional
        Excel: the sheet to read.
    rows : int, default 2000
        Rows looked at.

    Returns
    -------
    dict
        ``file``, ``kind``, ``delimiter`` (text files), ``sheet`` (Excel), ``columns``: a
        list of dicts with ``name`` (as read, after the mapping), ``ours`` (True for a
        name of our vocabulary), ``looks_like`` (``timestamp``, ``date``, ``time``,
        ``duration h:mm:ss``, ``percent``, ``number``, ``text``) and ``dates`` (for date
        columns: ``iso``, ``day-first``, ``month-first`` or ``ambiguous``), ``example``.
    """
    from staffing.io.tables import read_table

    path = Path(path)
    df = read_table(path, columns=columns, sheet=sheet).head(rows)
    info: dict[str, Any] = {"file": path.name, "kind": path.suffix.lower().lstrip(".")}
    if info["kind"] in ("csv", "tsv", "txt"):
        from staffing.io.delimited import sniff_text

        delimiter = sniff_text(path, path.name).delimiter
        info["delimiter"] = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
            delimiter, delimiter
        )
    if info["kind"] in ("xlsx", "xls"):
        info["sheet"] = sheet or "(the first)"
    found = []
    for name in df.columns:
        values = df[name].dropna()
        example = str(values.iloc[0]) if len(values) else ""
        kind, dates = _looks_like(values)
        if kind in ("timestamp", "date") and dates != "read":
            dates = _convention(values, str(name))
        found.append(
            {
                "name": str(name),
                "ours": str(name) in _OUR_COLUMNS,
                "looks_like": kind,
                "dates": dates,
                "example": example,
            }
        )
    info["columns"] = found
    return info


_OUR_COLUMNS = frozenset(
    {
        "interval_start",
        "queue",
        "calls",
        "aht_s",
        "interval_s",
        "patience_s",
        "agents",
        "offered",
        "answered",
        "abandoned",
        "answered_within",
        "abandoned_within",
        "short_abandons",
        "wait_answered_s",
        "asa_s",
        "wait_abandoned_s",
        "service_level",
        "date",
        "time",
        "arrival",
        "wait_s",
        "outcome",
        "handle_s",
        "agent",
        "target",
        "channel",
        "concurrency",
        "pool",
        "priority",
    }
)


def _convention(values: pd.Series, name: str) -> str:
    """How a column's dates are written.

    ``iso``, ``day-first``, ``month-first`` (settled by some rows), ``ambiguous`` (a profile
    must say ``dayfirst`` or ``date_format``) or ``unreadable``.
    """
    import warnings

    from staffing.errors import StaffingError
    from staffing.frames.dates import parse_timestamps
    from staffing.frames.values import DataWarning

    text = values.astype(str).str.strip().reset_index(drop=True)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", DataWarning)
        try:
            parse_timestamps(text, column=name, source="profile")
        except StaffingError as exc:
            return "ambiguous" if "day-first or month-first" in str(exc) else "unreadable"
    said = " ".join(str(w.message) for w in seen)
    if "day-first" in said:
        return "day-first"
    if "month-first" in said:
        return "month-first"
    first = text.iloc[0] if len(text) else ""
    return "iso" if first[:4].isdigit() else "settled"


def _looks_like(values: pd.Series) -> tuple[str, str]:
    """A rough kind for a column's values (what a profile may need to say about it)."""
    if values.empty:
        return "empty", ""
    if pd.api.types.is_datetime64_any_dtype(values):
        return "timestamp", "read"
    if pd.api.types.is_numeric_dtype(values):
        return "number", ""
    text = values.astype(str).str.strip()
    sample = text.head(200)
    if sample.str.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T]\d{1,2}:\d{2}(:\d{2})?.*").all():
        return "timestamp", ""
    if sample.str.fullmatch(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").all():
        return "date", ""
    if sample.str.fullmatch(r"\d{1,2}:\d{2}(\s*-\s*\d{1,2}:\d{2})?(\s*[AaPp][Mm])?").all():
        return "time", ""
    if sample.str.fullmatch(r"\d+:\d{2}:\d{2}").all():
        return "duration h:mm:ss", ""
    if sample.str.fullmatch(r"-?\d+(?:[.,]\d+)?\s*%").all():
        return "percent", ""
    if sample.str.fullmatch(r"-?\d+(?:[.,]\d+)?").all():
        return "number", ""
    return "text", ""
