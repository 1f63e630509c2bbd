"""Every file the tool reads, read here: forecasts, targets, rosters, histories, plans.

Each reader reads a table through :func:`~staffing.io.read_table` (CSV with the
delimiter sniffed, Excel, Parquet; columns mapped to our names by
:class:`ReadOptions`), then hands the frame to the domain function that validates it,
so a file and a DataFrame given in Python are checked alike.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from staffing.errors import InputError
from staffing.frames.dates import combine_date_time, parse_timestamps
from staffing.frames.values import InconsistentPolicy
from staffing.io.tables import read_table
from staffing.prepared import prepare_targets, validate_forecast
from staffing.vocabulary import AbandonPolicy

if TYPE_CHECKING:
    from staffing.scheduling import ShiftFamily
    from staffing.scheduling.people import Person

# The readers of histories, plans, shifts, people and requirements import their domain
# packages when called, so that planning a forecast does not load the calibration,
# contracts, capacity and scheduling code.

__all__ = [
    "BANK_LOG_HEADER",
    "TIMESTAMP_COLUMNS",
    "ReadOptions",
    "is_bank_log",
    "read_bank_log",
    "read_call_records",
    "read_forecast",
    "read_history",
    "read_history_table",
    "read_plan",
    "read_requirement",
    "read_roster",
    "read_shifts",
    "read_targets",
]

PathLike = str | os.PathLike[str]


#: Our columns that hold timestamps: read with the one date convention of the options.
TIMESTAMP_COLUMNS: tuple[str, ...] = ("interval_start", "arrival")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a table file: which of its columns are ours, and how its dates are written.

    Parameters
    ----------
    columns : mapping, optional
        Our column name -> the file's, e.g. ``{"calls": "IncomingContactVolume"}``
        (matched exactly, else ignoring case and surrounding spaces). Map ``date`` and
        ``time`` to build ``interval_start`` from a date column and a time column (or an
        interval label such as ``08:00 - 08:30``).
    dayfirst : bool, optional
        ``True``: ``04/03/2025`` is 4 March; ``False``: 3 April. Needed only when no date
        in the column settles it (see :func:`staffing.frames.dates.parse_timestamps`).
    date_format : str, optional
        strftime format of the dates (``"%d/%m/%Y %H:%M"``; with separate date and time
        columns, of the date alone).
    sheet : str, optional
        Excel: the sheet to read (default the first).

    Examples
    --------
    >>> ReadOptions(columns={"date": "Date", "time": "Interval"}, dayfirst=True).dayfirst
    True
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    dayfirst: bool | None = None
    date_format: str | None = None
    sheet: str | None = None

    def with_columns(self, columns: Mapping[str, str]) -> ReadOptions:
        """The same date and sheet rules for another file with its own column mapping."""
        return replace(self, columns=dict(columns))

    def read(self, path: PathLike) -> pd.DataFrame:
        """The file as a table with our column names and its timestamps read.

        ``attrs["source"]`` is the file name. Timestamp columns (``interval_start``,
        ``arrival``, or ``date`` and ``time`` together) are read with one date convention
        per column; the rest is left to the function the table is handed to.
        """
        df = read_table(path, columns=self.columns or None, sheet=self.sheet)
        return self.timestamps(df)

    def timestamps(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` with its timestamp columns parsed (and ``date`` + ``time`` combined)."""
        source = str(df.attrs.get("source", "table"))
        out = df
        date_col = "interval_start" if "interval_start" in df.columns else "date"
        if date_col in df.columns and "time" in df.columns:
            combined = combine_date_time(
                df[date_col],
                df["time"],
                date_column=self._file_name(date_col),
                time_column=self._file_name("time"),
                source=source,
                dayfirst=self.dayfirst,
                date_format=self.date_format,
            )
            out = df.drop(columns=[c for c in (date_col, "time") if c in df.columns])
            out.insert(0, "interval_start", combined.to_numpy())
        elif "date" in df.columns and "interval_start" not in df.columns:
            raise InputError(
                "a 'date' column but no 'time' column: map the time too (time=NAME), or map "
                "the column holding date and time as interval_start",
                source=source,
            )
        for name in TIMESTAMP_COLUMNS:
            if name in out.columns and out[name].dtype.kind != "M":
                if out is df:
                    out = df.copy()
                out[name] = parse_timestamps(
                    out[name],
                    column=name,
                    source=source,
                    dayfirst=self.dayfirst,
                    date_format=self.date_format,
                )
        out.attrs = dict(df.attrs)
        return out

    def _file_name(self, ours: str) -> str:
        return self.columns.get(ours, ours)


def _options(options: ReadOptions | None) -> ReadOptions:
    return options if options is not None else ReadOptions()


def read_forecast(
    path: PathLike, *, options: ReadOptions | None = None, interval_s: str | float | None = None
) -> pd.DataFrame:
    """Read and validate a forecast file (see :func:`staffing.prepared.validate_forecast`).

    Parameters
    ----------
    path : str or path-like
        CSV, Excel or Parquet with ``interval_start``, optional ``queue``, ``calls``,
        ``aht_s``, optional ``patience_s`` and ``interval_s``.
    options : ReadOptions, optional
        Column mapping.
    interval_s : str or float, optional
        Interval length (``"15min"`` or seconds); inferred per queue when omitted.

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> f = read_forecast(sample_path("forecast.csv"))
    >>> f.groupby("queue")["interval_s"].first().to_dict()
    {'premium': 1800.0, 'sales': 1800.0, 'service': 1800.0}
    """
    df = _options(options).read(path)
    return validate_forecast(df, interval_s=interval_s, source=df.attrs["source"])


def read_targets(path: PathLike, *, options: ReadOptions | None = None) -> pd.DataFrame:
    """Read a targets file (queue, weekday, start, end, target) into rules.

    See :func:`staffing.prepared.prepare_targets`.
    """
    return prepare_targets(_options(options).read(path))


def read_roster(path: PathLike, *, options: ReadOptions | None = None) -> pd.DataFrame:
    """Read a roster (``interval_start``, optional ``queue``, ``agents``) as a table.

    A schedule's coverage table (``staffing schedule --coverage``, columns
    :data:`staffing.scheduling.COVERAGE_COLUMNS`: ``interval_start, queue, required,
    scheduled, on_phones, ...``) is a roster too: when the file has no ``agents`` column
    but an ``on_phones`` one, the agents on the phones (breaks taken out) are its agents.
    The roster is checked against the forecast by
    :func:`staffing.planner.evaluate_staffing`.

    Parameters
    ----------
    path : str or path-like
        CSV, Excel or Parquet.
    options : ReadOptions, optional
        Column mapping and date rules.

    Returns
    -------
    DataFrame
        The file with our column names and ``interval_start`` read as timestamps.

    Notes
    -----
    A schedule staffs one pool of agents: its coverage's ``queue`` is the queue
    scheduled (``staffing schedule --queue``) or the pooled queues joined by ``+``
    (``premium+sales+service``). Evaluated against a forecast, a pooled row's agents are
    shared among the pool's queues as the schedule shares them
    (:func:`staffing.evaluate_staffing`, :mod:`staffing.planner.roster`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "coverage.csv"
    >>> pd.DataFrame({"interval_start": ["2025-03-03 09:00"], "queue": ["sales"],
    ...               "required": [3.2], "scheduled": [5.0], "on_phones": [4.5]}
    ...              ).to_csv(path, index=False)
    >>> read_roster(path)[["interval_start", "queue", "agents"]]
           interval_start  queue  agents
    0 2025-03-03 09:00:00  sales     4.5
    """
    df = _options(options).read(path)
    if "agents" not in df.columns and "on_phones" in df.columns:
        df = df.rename(columns={"on_phones": "agents"})
    return df


def read_shifts(path: PathLike, *, options: ReadOptions | None = None) -> tuple[ShiftFamily, ...]:
    """Read and validate a shift-family table (one row per family).

    Parameters
    ----------
    path : str or path-like
        CSV, Excel or Parquet with ``shift``, ``start``, ``length``, optional ``paid``,
        ``days``, ``breaks``, ``min``, ``max``, ``cost`` (see
        :mod:`staffing.scheduling.shifts` for what each cell may hold).
    options : ReadOptions, optional
        Column mapping (``{"shift": "Name"}``) and the Excel sheet.

    Returns
    -------
    tuple of ShiftFamily
        In the file's row order, ready for :func:`staffing.scheduling.schedule`.

    Raises
    ------
    InputError
        An unreadable file, missing or unknown columns, or a bad cell: the message names
        the file, the column and the row (header = row 1), e.g. a break that can end
        after its shift, a start range without a step, a zero length.

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> families = read_shifts(sample_path("shifts.csv"))
    >>> [(f.name, len(f.starts_s), f.paid_hours) for f in families]
    [('early', 6, 8.0), ('day', 6, 8.0), ('late', 4, 8.0), ('part', 17, 4.0)]
    """
    opts = _options(options)
    df = opts.read(path)
    source = str(df.attrs.get("source", path))
    _refuse_missing_text(path, opts, ("cost", "min", "max", "min_hours", "max_hours"), source)
    from staffing.scheduling import shift_families

    return shift_families(df, source=source)


def read_people(path: PathLike, *, options: ReadOptions | None = None) -> tuple[Person, ...]:
    """Read and validate a people table (one row per named person).

    Parameters
    ----------
    path : str or path-like
        CSV, Excel or Parquet with ``name``, optional ``contract``, ``unavailable``,
        ``prefer_start``, ``weekends_off``, ``skills`` (see
        :mod:`staffing.scheduling.people`).
    options : ReadOptions, optional
        Column mapping (``{"name": "Agent"}``) and the Excel sheet.

    Returns
    -------
    tuple of Person
        In the file's row order, ready for ``staffing.scheduling.schedule(people=...)``.

    Raises
    ------
    InputError
        An unreadable file, a missing ``name`` column, unknown columns, blank or repeated
        names, or a cell that cannot be read: the message names the file, the column and
        the rows (header = row 1).
    """
    opts = _options(options)
    df = opts.read(path)
    source = str(df.attrs.get("source", path))
    for column in df.columns:
        df[column] = df[column].astype(object).where(df[column].notna(), "")
    from staffing.scheduling.people import people_table

    return people_table(df, source=source)


def _refuse_missing_text(
    path: PathLike, opts: ReadOptions, columns: tuple[str, ...], source: str
) -> None:
    """Refuse cells written as ``nan``, ``NULL`` or ``#N/A`` in ``columns`` of a text file.

    The table reader takes them for empty cells, which these columns read as a default.
    """
    from pathlib import Path

    if Path(path).suffix.lower() not in (".csv", ".tsv", ".txt"):
        return
    try:
        raw = read_table(path, columns=opts.columns or None, source=source)
    except InputError:
        return
    text = pd.read_csv(
        path, sep=None, engine="python", dtype=str, keep_default_na=False, encoding_errors="replace"
    )
    text.columns = [str(c).strip() for c in text.columns]
    mapped = {str(v): k for k, v in (opts.columns or {}).items()}
    for name in text.columns:
        ours = mapped.get(name, name.lower())
        if ours not in columns or ours not in raw.columns:
            continue
        cells = text[name].str.strip().str.lower()
        bad = [i + 2 for i, v in enumerate(cells) if v in ("nan", "null", "#n/a", "n/a")]
        if bad:
            raise InputError(
                f"{text[name].iloc[bad[0] - 2]!r} is not a value: leave the cell empty for the "
                "default or give a number",
                source=source,
                column=ours,
                rows=bad,
            )


def read_history(
    path: PathLike,
    *,
    options: ReadOptions | None = None,
    threshold_s: float = 20.0,
    interval: str | float = "30min",
    max_idle_s: float = 900.0,
    on_inconsistent: InconsistentPolicy = "repair",
    history_sl: AbandonPolicy | None = None,
) -> pd.DataFrame:
    """Read an ACD history (interval report or call records) as one row per interval.

    See :func:`staffing.calibration.prepare_history` for the columns and the options
    (``history_sl``: what a ``service_level`` column divides).

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> h = read_history(sample_path("history.csv"))
    >>> h.attrs["kind"], sorted(h["queue"].unique())
    ('intervals', ['sales', 'service'])
    """
    df = _options(options).read(path)
    from staffing.calibration import prepare_history

    return prepare_history(
        df,
        threshold_s=threshold_s,
        interval=interval,
        max_idle_s=max_idle_s,
        on_inconsistent=on_inconsistent,
        history_sl=history_sl,
    )


def read_call_records(path: PathLike, *, options: ReadOptions | None = None) -> pd.DataFrame:
    """Read per-call records (see :func:`staffing.calibration.validate_records`)."""
    from staffing.calibration.history import normalise_history_columns, validate_records

    df = normalise_history_columns(_options(options).read(path))
    return validate_records(df, source=str(df.attrs.get("source", path)))


def read_plan(
    path: PathLike, *, options: ReadOptions | None = None, interval_s: str | float | None = None
) -> pd.DataFrame:
    """Read a plan's interval table (``staffing plan --out``) for simulation and exposure.

    See :func:`staffing.contracts.prepare_plan`.
    """
    from staffing.contracts import prepare_plan

    return prepare_plan(_options(options).read(path), interval_s=interval_s)


def read_requirement(
    path: PathLike, *, options: ReadOptions | None = None, by_queue: bool = False
) -> pd.DataFrame:
    """Read the weekly requirement of a capacity plan (productive FTE per week).

    Parameters
    ----------
    path : str or path-like
        CSV, Excel or Parquet: ``week, queue?, fte`` (``week`` the first day of each week,
        or week numbers), or a plan's summary by week (``staffing plan ... --period week
        --summary``).
    options : ReadOptions, optional
        Column mapping (``{"fte": "FTE required"}``), date convention, sheet.
    by_queue : bool, default False
        Keep the queues apart; else their FTE are summed week by week.

    Returns
    -------
    DataFrame
        ``week, queue, fte`` (:func:`staffing.capacity.prepare_requirement`).

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> r = read_requirement(sample_path("requirement.csv"))
    >>> len(r), r["queue"].iloc[0], str(r["week"].iloc[0].date())
    (52, 'sales+service', '2026-07-06')
    """
    from staffing.capacity import prepare_requirement

    opts = _options(options)
    df = opts.read(path)
    return prepare_requirement(
        df,
        by_queue=by_queue,
        source=str(df.attrs.get("source", path)),
        dayfirst=opts.dayfirst,
        date_format=opts.date_format,
    )


def _bank_files(path: PathLike | Iterable[PathLike]) -> list[Path]:
    from staffing.calibration import BANK_MONTHS

    if isinstance(path, str | os.PathLike):
        p = Path(path)
        if p.is_dir():
            found = {f.stem.lower(): f for f in p.glob("*.txt")}
            ordered = [found[m] for m in BANK_MONTHS if m in found]
            ordered += sorted(f for k, f in found.items() if k not in BANK_MONTHS)
            if not ordered:
                raise InputError("no monthly .txt logs in this directory", source=str(p))
            return ordered
        return [p]
    return [Path(p) for p in path]


#: Every field of the Anonymous Bank log, in the order of its lines.
BANK_LOG_HEADER: tuple[str, ...] = (
    "vru+line",
    "call_id",
    "customer_id",
    "priority",
    "type",
    "date",
    "vru_entry",
    "vru_exit",
    "vru_time",
    "q_start",
    "q_exit",
    "q_time",
    "outcome",
    "ser_start",
    "ser_exit",
    "ser_time",
    "server",
)


def _bank_text(path: Path) -> str:
    """A monthly log's text with every line split into its fields by tabs.

    The documentation says the fields are separated by white space: most lines use a
    tab, some a few spaces (in July, September and October, before ``type``). A line
    with the tabs it should have is kept as it is (so an empty field stays empty); any
    other line is split on runs of white space, which must then give every field.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", source=path.name) from None
    text = raw.decode("utf-8-sig", errors="replace")
    fields = len(BANK_LOG_HEADER)
    lines = text.splitlines()
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.count("\t") == fields - 1:
            out.append(line)
            continue
        parts = line.split()
        if len(parts) != fields:
            raise InputError(
                f"line {number} has {len(parts)} fields separated by white space, not "
                f"{fields}: {line[:80]!r}",
                source=path.name,
            )
        out.append("\t".join(parts))
    return "\n".join(out) + "\n"


def is_bank_log(path: PathLike) -> bool:
    """Whether ``path`` is an Anonymous Bank monthly log, or a directory of them.

    A log is told by its header's fields, separated by white space.

    Examples
    --------
    >>> from staffing.data import sample_path
    >>> is_bank_log(sample_path("history.csv"))
    False
    """
    from staffing.calibration import BANK_MONTHS

    p = Path(path)
    if p.is_dir():
        return any(f.stem.lower() in BANK_MONTHS for f in p.glob("*.txt"))
    try:
        with open(p, "rb") as fh:
            first = fh.readline(4096).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    return tuple(first.split()) == BANK_LOG_HEADER


def read_bank_log(
    path: PathLike | Iterable[PathLike], *, queue: str | None = "type"
) -> pd.DataFrame:
    """Read the public Anonymous Bank call log as call records.

    Parameters
    ----------
    path : path, directory or iterable of paths
        A monthly file (e.g. ``january.txt``), a directory of them (read in calendar
        order), or several files.
    queue : {"type", None}, default "type"
        As for :func:`staffing.calibration.bank_records`.

    Returns
    -------
    DataFrame
        Call records (:func:`staffing.calibration.bank_records`).

    Raises
    ------
    InputError
        A file that is missing, unreadable, without the log's fields, or with a line that
        does not split into its 17 fields.

    Notes
    -----
    Fields are split on white space, as the log's documentation says: a line with 16
    tabs is read as it is, any other line is split on runs of spaces and tabs (some
    lines of the July, September and October files have spaces before ``type``).
    """
    from staffing.calibration import BANK_FIELDS, bank_records

    frames = []
    names = []
    for f in _bank_files(path):
        if not f.exists():
            raise InputError("no such file", source=str(f))
        text = _bank_text(f)
        df = pd.read_csv(io.StringIO(text), sep="\t", dtype=str, keep_default_na=False)
        df.columns = [str(c).strip() for c in df.columns]
        missing = [c for c in BANK_FIELDS if c not in df.columns]
        if missing:
            raise InputError(
                f"missing columns {', '.join(missing)}: not an Anonymous Bank log", source=f.name
            )
        ids = ["customer_id"] if "customer_id" in df.columns else []
        frames.append(df[[*BANK_FIELDS, *ids]])
        names.append(f.name)
    raw = pd.concat(frames, ignore_index=True)
    raw.attrs["source"] = (
        names[0] if len(names) == 1 else f"{names[0]}..{names[-1]} ({len(names)} files)"
    )
    return bank_records(raw, queue=queue)


def read_history_table(path: PathLike, *, options: ReadOptions | None = None) -> pd.DataFrame:
    """A history file as a table with our column names.

    An interval report or call records, or the Anonymous Bank log (a monthly file or a
    directory of them) as call records.

    Parameters
    ----------
    path : str or path-like
        CSV, Excel or Parquet; or an Anonymous Bank log (:func:`is_bank_log`).
    options : ReadOptions, optional
        Column mapping and date rules (not used for the bank log, which has its own).

    Returns
    -------
    DataFrame
        Ready for :func:`staffing.calibration.calibrate` or
        :func:`staffing.calibration.prepare_history`; ``attrs["source"]`` names it.
    """
    if is_bank_log(path):
        return read_bank_log(path)
    if Path(path).is_dir():
        raise InputError(
            "a directory: give one history file (or a directory of Anonymous Bank monthly logs)",
            source=str(path),
        )
    return _options(options).read(path)
