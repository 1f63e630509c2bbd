"""Timestamps as a careful analyst reads them: one date convention per column.

Rules
-----
* ISO 8601 (``2025-03-04 08:00``, ``2025-03-04T08:00:00+01:00``) and other year-first
  dates (``2025/03/04``) need no option.
* Day and month written first (``04/03/2025 08:00``, ``4.3.2025``, ``04-03-25``) are
  read with **one** convention for the whole column. A value whose first field is above
  12 can only be day-first, one whose second field is above 12 only month-first; when
  such values settle the convention it is used for every row, and a
  :class:`~staffing.frames.values.DataWarning` says so. When every value could be read
  either way (and the readings differ), nothing is guessed: an
  :class:`~staffing.errors.InputError` names the column, an example and the options
  that settle it (``dayfirst``, ``date_format``). Values that contradict each other
  (some only day-first, others only month-first) stop with the rows of each.
* ``date_format`` (strftime, e.g. ``%d/%m/%Y %H:%M``) is applied strictly; rows that do
  not match it are named. ``dayfirst`` only settles day-month dates.
* Two-digit years are read as strftime's ``%y`` does: 69-99 are 1969-1999, 00-68 are
  2000-2068. Years outside 1900-2200 are refused at their rows (a typo, not a plan).
* A UTC offset on every value gives time-zone-aware timestamps: in that offset when all
  agree; in the time zone that has every offset when they differ (a daylight-saving
  change), so each keeps its wall-clock date; else in UTC, with a warning that dates then
  follow UTC. A column mixing times with and without an offset is refused.
* Excel cells: datetimes and dates are taken as they are; numbers in a timestamp column
  are Excel serial dates (days since 1899-12-30), with a warning; for a time column,
  ``datetime.time`` cells, durations and fractions of a day.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row
is row 2. Nothing here falls back to reading each value with its own format.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from staffing.errors import InputError
from staffing.frames.values import TextScan, file_row_numbers, is_blank, warn_repair, where_text

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "combine_date_time",
    "parse_timestamps",
    "time_of_day_column",
]

#: Earliest and latest years accepted in a timestamp.
FIRST_YEAR, LAST_YEAR = 1900, 2200
_UNIT = "datetime64[ns]"
_NS = 1_000_000_000
_DAY_NS = 86_400 * _NS
_EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")
_EXCEL_TIME_DATES = {dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1)}
_RUNS = 10  # digit runs read per value (date, time, fraction, offset)

_DATE_SHAPE = re.compile(
    r"""^\s*
    (?: (?P<ymd>9999(?P<s1>[-/.])99?(?P=s1)99?)
      | (?P<dmy>99?(?P<s2>[-/.])99?(?P=s2)(?:9999|99)) )
    (?: (?:t|\s+) (?P<clock>99?:99(?P<sec>:99(?:[.,](?P<frac>9+))?)?)
        (?:\s*(?P<ampm>am|pm))? )?
    (?: \s*(?P<tz>z|utc|gmt|[+-]99(?::?99)?) )?
    \s*$""",
    re.VERBOSE,
)
_CLOCK_SHAPE = re.compile(
    r"""^\s*
    99?:99(?P<sec>:99(?:[.,](?P<frac>9+))?)?(?:\s*(?P<ampm>am|pm))?
    (?:\s*[-–—]\s*99?:99(?::99(?:[.,]9+)?)?(?:\s*(?:am|pm))?)?
    \s*$""",
    re.VERBOSE,
)


@dataclass
class _Layout:
    """Where each field of a shape's digit runs is (-1: absent -> the zero column)."""

    kind: np.ndarray  # 0 not a date, 1 year first, 2 day and month first
    year2: np.ndarray  # two-digit year
    hour: np.ndarray
    minute: np.ndarray
    second: np.ndarray
    frac: np.ndarray
    frac_digits: np.ndarray
    ampm: np.ndarray  # 0 none, 1 am, 2 pm
    aware: np.ndarray
    tz_sign: np.ndarray
    tz_hour: np.ndarray
    tz_minute: np.ndarray
    tz_compact: np.ndarray  # "+0100": hours and minutes in one run


def _layouts(shapes: list[str]) -> _Layout:
    size = len(shapes)
    cols = {name: np.full(size, -1, dtype=np.intp) for name in _Layout.__dataclass_fields__}
    for name in ("kind", "year2", "frac_digits", "ampm", "aware", "tz_sign", "tz_compact"):
        cols[name][:] = 0
    for k, shape in enumerate(shapes):
        m = _DATE_SHAPE.match(shape)
        if not m:
            continue
        cols["kind"][k] = 1 if m.group("ymd") else 2
        cols["year2"][k] = int(m.group("dmy") is not None and not m.group("dmy").endswith("9999"))
        run = 3
        if m.group("clock"):
            cols["hour"][k], cols["minute"][k] = 3, 4
            run = 5
            if m.group("sec"):
                cols["second"][k] = run
                run += 1
                if m.group("frac"):
                    cols["frac"][k] = run
                    cols["frac_digits"][k] = len(m.group("frac"))
                    run += 1
            if m.group("ampm"):
                cols["ampm"][k] = 1 if m.group("ampm") == "am" else 2
        tz = m.group("tz")
        if tz:
            cols["aware"][k] = 1
            cols["tz_sign"][k] = -1 if tz.startswith("-") else 1
            if tz[0] in "+-":
                cols["tz_hour"][k] = run
                digits = tz.count("9")
                if ":" in tz:
                    cols["tz_minute"][k] = run + 1
                elif digits == 4:
                    cols["tz_compact"][k] = 1
    return _Layout(**cols)


def _pick(numbers: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``numbers[row, index[row]]``, with -1 pointing at the zero column."""
    col = np.where(index < 0, numbers.shape[1] - 1, index)
    if col.size and (col == col[0]).all():  # one layout (the usual case): a plain column
        return numbers[:, col[0]]
    return numbers[np.arange(numbers.shape[0]), col]


def _show(values: pd.Series, i: int) -> str:
    return f"{str(values.iloc[i]).strip()!r}"


def _row_list(mask: np.ndarray, show: int = 5) -> str:
    """``row 3`` or ``rows 3, 4, 9, ... (+2 more)``."""
    where = np.flatnonzero(mask)
    head = ", ".join(str(int(i) + 2) for i in where[:show])
    more = f", ... (+{where.size - show} more)" if where.size > show else ""
    return f"{'row' if where.size == 1 else 'rows'} {head}{more}"


def _examples(values: pd.Series, mask: np.ndarray) -> str:
    """``rows 3, 4 (e.g. '13/03/2025')``."""
    first = _show(values, int(np.flatnonzero(mask)[0]))
    return f"{_row_list(mask)} ({'' if mask.sum() == 1 else 'e.g. '}{first})"


def parse_timestamps(
    values: pd.Series,
    *,
    column: str,
    source: str,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> pd.Series:
    """Read a column of timestamps with one date convention for every row.

    Parameters
    ----------
    values : Series
        Text (ISO 8601, year-first, or day and month first: see the module notes),
        datetimes (Excel cells, or a column already parsed), or numbers (Excel serial
        dates); in file order.
    column : str
        Column name, for messages.
    source : str
        File name, for messages.
    dayfirst : bool, optional
        ``True``: ``04/03/2025`` is 4 March; ``False``: 3 April. Needed only when no value
        settles it.
    date_format : str, optional
        strftime format the text values must match (e.g. ``"%d/%m/%Y %H:%M"``); takes
        precedence over ``dayfirst``. A column written in ISO 8601 (``2025-03-04 08:00``)
        is read as ISO whatever the format says, so one format given for a command's
        day-first file does not refuse its ISO roster.

    Returns
    -------
    Series of datetime64[ns]
        Same index and name as ``values``; time-zone aware when the values carry UTC
        offsets (in UTC when the offsets differ).

    Raises
    ------
    InputError
        Missing or unreadable rows, impossible dates, years outside 1900-2200, a column
        whose dates are all ambiguous (naming ``dayfirst`` and ``date_format``), dates
        contradicting each other, or forms mixed in one column; each naming the rows.

    Warns
    -----
    DataWarning
        When some rows settled the day-month convention for the others, and when numbers
        are read as Excel serial dates.

    Examples
    --------
    >>> s = pd.Series(["2025-03-04 08:00", "2025-03-04 08:30"])
    >>> parse_timestamps(s, column="start", source="f.csv").dt.strftime("%d %b %H:%M").tolist()
    ['04 Mar 08:00', '04 Mar 08:30']
    >>> uk = pd.Series(["04/03/2025 08:00", "04/03/2025 08:30"])
    >>> parse_timestamps(uk, column="start", source="f.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: f.csv: column 'start': every date could be day-first or ...
    >>> got = parse_timestamps(uk, column="start", source="f.csv", dayfirst=True)
    >>> got.dt.strftime("%d %b %H:%M").tolist()
    ['04 Mar 08:00', '04 Mar 08:30']
    """
    blank = is_blank(values)
    kind = values.dtype.kind
    if kind == "M":
        out = values.astype(values.dtype)
    elif kind in "iuf":
        out = _excel_serials(values, blank, column, source)
    else:
        out = _parse_objects(values, blank, column, source, dayfirst, date_format)
    if blank.any():
        raise InputError(
            "missing timestamps", source=source, column=column, rows=file_row_numbers(blank)
        )
    _check_years(out, values, column, source)
    out = out.astype(_with_unit(out.dtype))
    return pd.Series(out.to_numpy(), index=values.index, name=values.name, dtype=out.dtype)


def _with_unit(dtype: Any) -> Any:
    if isinstance(dtype, pd.DatetimeTZDtype):
        return pd.DatetimeTZDtype("ns", dtype.tz)
    return np.dtype(_UNIT)


def _check_years(out: pd.Series, values: pd.Series, column: str, source: str) -> None:
    years = out.dt.year.to_numpy(dtype=float, na_value=np.nan)
    wrong = (years < FIRST_YEAR) | (years > LAST_YEAR)
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise InputError(
            f"year {int(years[i])} outside {FIRST_YEAR}-{LAST_YEAR} (e.g. {_show(values, i)}); "
            "is the year mistyped?",
            source=source,
            column=column,
            rows=file_row_numbers(wrong),
        )


def _excel_serials(values: pd.Series, blank: np.ndarray, column: str, source: str) -> pd.Series:
    days = values.to_numpy(dtype=float, na_value=np.nan)
    far = ~blank & ~((days >= 0) & (days < 2958466))  # Excel's last day is 9999-12-31
    if far.any():
        i = int(np.flatnonzero(far)[0])
        raise InputError(
            f"numbers that are not Excel serial dates (e.g. {values.iloc[i]}); write the "
            "timestamps as text such as 2025-03-04 08:00",
            source=source,
            column=column,
            rows=file_row_numbers(far),
        )
    ms = np.round(np.where(blank, 0.0, days) * 86_400_000.0).astype(np.int64)
    stamps = (_EXCEL_EPOCH.astype("datetime64[ms]") + ms.astype("timedelta64[ms]")).astype(
        "datetime64[ms]"
    )
    years = stamps.astype("datetime64[Y]").astype(np.int64) + 1970
    wrong = ~blank & ((years < FIRST_YEAR) | (years > LAST_YEAR))
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise InputError(
            f"numbers that are not Excel serial dates (e.g. {values.iloc[i]} would be year "
            f"{years[i]}); write the timestamps as text such as 2025-03-04 08:00",
            source=source,
            column=column,
            rows=file_row_numbers(wrong),
        )
    out = pd.Series(np.where(blank, np.datetime64("NaT"), stamps).astype(_UNIT))
    if (~blank).any():
        i = int(np.flatnonzero(~blank)[0])
        warn_repair(
            f"{where_text(source, column)}: numbers read as Excel serial dates (days since "
            f"1899-12-30; row {i + 2}: {days[i]:.10g} is {out.iloc[i]})"
        )
    return out


def _parse_objects(
    values: pd.Series,
    blank: np.ndarray,
    column: str,
    source: str,
    dayfirst: bool | None,
    date_format: str | None,
) -> pd.Series:
    """Text, Excel datetimes, or a mixture (object column)."""
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred in ("string", "empty"):
        return _parse_text(values, blank, column, source, dayfirst, date_format)
    if inferred in ("datetime", "datetime64", "date"):
        return _from_datetimes(values, column, source)
    if inferred in ("floating", "integer", "mixed-integer-float", "decimal"):
        numbers = pd.to_numeric(values.where(~blank), errors="coerce")
        return _excel_serials(numbers, blank, column, source)
    # A mixture (Excel: some cells dates, some text): each kind by its own rule.
    objects = values.to_numpy(dtype=object)
    is_text = np.array([isinstance(v, str) for v in objects]) & ~blank
    is_stamp = np.array([isinstance(v, dt.date | np.datetime64) for v in objects]) & ~blank
    other = ~blank & ~is_text & ~is_stamp
    if other.any():
        i = int(np.flatnonzero(other)[0])
        what = "times of day without a date" if isinstance(objects[i], dt.time) else "not dates"
        raise InputError(
            f"{what} (e.g. {_show(values, i)})",
            source=source,
            column=column,
            rows=file_row_numbers(other),
        )
    parts: list[tuple[np.ndarray, pd.Series]] = []
    if is_stamp.any():
        parts.append((is_stamp, _from_datetimes(values[is_stamp], column, source)))
    if is_text.any():
        text_blank = blank | ~is_text
        text = values.where(is_text)
        parsed = _parse_text(text, text_blank, column, source, dayfirst, date_format)
        parts.append((is_text, parsed[is_text]))
    zones = {str(getattr(part.dtype, "tz", None)) for _, part in parts}
    if len(zones) > 1:
        raise InputError(
            "mixes times with and without a UTC offset (or in different zones)",
            source=source,
            column=column,
        )
    zone = getattr(parts[0][1].dtype, "tz", None)
    aware = zone is not None
    out = np.full(len(values), np.datetime64("NaT"), dtype=_UNIT)
    for mask, part in parts:
        naive = part.dt.tz_convert("UTC").dt.tz_localize(None) if aware else part
        out[mask] = naive.to_numpy().astype(_UNIT)
    result = pd.Series(out)
    if aware:
        result = result.dt.tz_localize("UTC").dt.tz_convert(zone)
    return result


def _from_datetimes(values: pd.Series, column: str, source: str) -> pd.Series:
    try:
        out = pd.to_datetime(values.reset_index(drop=True))
    except (ValueError, TypeError, OverflowError) as exc:
        raise InputError(
            f"cannot read the datetimes ({exc})", source=source, column=column
        ) from None
    out.index = values.index
    return out


# --------------------------------------------------------------------------- text


def _parse_text(
    values: pd.Series,
    blank: np.ndarray,
    column: str,
    source: str,
    dayfirst: bool | None,
    date_format: str | None,
) -> pd.Series:
    text = values.astype("string").str.strip().fillna("")
    first = int(np.flatnonzero(~blank)[0]) if (~blank).any() else -1
    iso_like = first >= 0 and re.match(r"^\d{4}-\d", str(text.iloc[first])) is not None
    year_day = date_format is not None and date_format.startswith("%Y-%d")
    if iso_like and not year_day:
        # ISO 8601 is unambiguous: a column written so is read so, whatever `date_format`
        # says of the other files a command reads (a day-first forecast, an ISO roster)
        iso = _iso(text, blank, where_text(source, column))
        if iso is not None:
            return iso
    if date_format is not None:
        return _with_format(text, values, blank, column, source, date_format)
    return _day_month(text, values, blank, column, source, dayfirst)


def _iso(text: pd.Series, blank: np.ndarray, where: str) -> pd.Series | None:
    """ISO 8601 through pandas (fast); None unless every value is ISO with one zone kind."""
    filled = text.where(~pd.Series(blank, index=text.index), "2000-01-01")
    try:
        out = pd.to_datetime(filled, format="ISO8601", errors="coerce")
    except ValueError:  # mixed zones, or offsets on some values only
        has_offset = filled.str.contains(r"(?:[zZ]|[+-]\d\d(?::?\d\d)?)$", regex=True)
        if not has_offset.all():
            return None
        out = pd.to_datetime(filled, format="ISO8601", errors="coerce", utc=True)
        if not out.isna().any():
            out = _as_written(out, _text_offsets(filled), where).set_axis(out.index)
    if out.isna().any():
        return None
    return out.where(~pd.Series(blank, index=text.index))


_OFFSET = re.compile(r"(?:([zZ])|([+-])(\d\d):?(\d\d)?)$")


def _text_offsets(text: pd.Series) -> np.ndarray:
    """The UTC offset [s] each ISO value ends with (``Z`` and no offset: 0)."""
    found = text.str.extract(_OFFSET.pattern)
    sign = np.where(found[1].fillna("+") == "-", -1, 1)
    hours = pd.to_numeric(found[2], errors="coerce").fillna(0).to_numpy()
    minutes = pd.to_numeric(found[3], errors="coerce").fillna(0).to_numpy()
    return np.asarray(sign * (hours * 3600 + minutes * 60), dtype=np.int64)


def _as_written(utc: pd.Series, offset: np.ndarray, where: str) -> pd.Series:
    """Timestamps whose UTC offsets differ, in a zone that gives each its own offset.

    Across a daylight-saving change, each keeps the wall-clock date and time it was written
    with (a day is the day the export says, not a UTC day). Without such a zone they stay
    in UTC, and a :class:`~staffing.frames.values.DataWarning` says that days then follow
    UTC dates.
    """
    import zoneinfo

    utc = utc.reset_index(drop=True)
    pairs = pd.DataFrame({"t": utc, "offset": offset}).drop_duplicates("offset", keep="first")
    # one instant per offset, and the instants either side of each change of offset
    changes = np.flatnonzero(np.diff(offset) != 0)
    picks = np.unique(np.concatenate([changes, changes + 1, pairs.index.to_numpy()]))
    instants = utc.iloc[picks].dt.tz_localize(None).to_numpy().astype("datetime64[s]")
    wanted = offset[picks]
    import datetime as _dt

    common = (
        "Europe/London",
        "Europe/Paris",
        "Europe/Helsinki",
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "Australia/Sydney",
        "Asia/Jerusalem",
    )
    rest = sorted(set(zoneinfo.available_timezones()) - set(common))
    for name in (*common, *rest):
        zone = zoneinfo.ZoneInfo(name)
        ok = True
        for instant, seconds in zip(instants, wanted, strict=True):
            moment = _dt.datetime.fromisoformat(str(instant)).replace(tzinfo=_dt.UTC)
            delta = zone.utcoffset(moment.astimezone(zone))
            if delta is None or delta.total_seconds() != seconds:
                ok = False
                break
        if ok:
            return utc.dt.tz_convert(name)
    shown = ", ".join(_offset_text(int(v)) for v in sorted(set(offset.tolist())))
    warn_repair(
        f"{where}: UTC offsets {shown} are not those of one time zone: the times are read "
        "in UTC, and days, weeks and months follow UTC dates (write every time in one "
        "zone to keep the dates as written)"
    )
    return utc


def _offset_text(seconds: int) -> str:
    """``-05:00`` for -18000."""
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def _with_format(
    text: pd.Series,
    values: pd.Series,
    blank: np.ndarray,
    column: str,
    source: str,
    date_format: str,
) -> pd.Series:
    filled = text.where(~pd.Series(blank, index=text.index))
    try:
        out = pd.to_datetime(filled, format=date_format, errors="coerce", exact=True)
    except ValueError as exc:
        if "zone" not in str(exc).lower() and "offset" not in str(exc).lower():
            raise InputError(
                f"cannot use `date_format` {date_format!r} ({exc})", source=source, column=column
            ) from None
        out = pd.to_datetime(filled, format=date_format, errors="coerce", exact=True, utc=True)
    bad = out.isna().to_numpy() & ~blank
    if bad.any():
        raise InputError(
            f"not matching `date_format` {date_format!r} "
            f"(e.g. {_show(values, int(np.flatnonzero(bad)[0]))})",
            source=source,
            column=column,
            rows=file_row_numbers(bad),
        )
    return out


def _day_month(
    text: pd.Series,
    values: pd.Series,
    blank: np.ndarray,
    column: str,
    source: str,
    dayfirst: bool | None,
) -> pd.Series:
    """Year-first or day-month dates, read by their digit runs (vectorised)."""
    scan = TextScan.of(text)
    lay = _layouts(scan.shapes)
    kind = lay.kind[scan.codes]
    kind[blank] = 0
    unknown = (kind == 0) & ~blank
    if unknown.all() and unknown.any():
        guessed = _guessed(text, blank)
        if guessed is not None:
            return guessed
    if unknown.any():
        raise InputError(
            f"not timestamps (e.g. {_show(values, int(np.flatnonzero(unknown)[0]))}); write "
            "them as e.g. 2025-03-04 08:00, or give `date_format`",
            source=source,
            column=column,
            rows=file_row_numbers(unknown),
        )
    year_first, day_month = kind == 1, kind == 2
    if year_first.any() and day_month.any():
        raise InputError(
            f"mixes year-first dates ({_examples(values, year_first)}) with day-month "
            f"dates ({_examples(values, day_month)}); write one form",
            source=source,
            column=column,
        )
    used = np.unique(scan.codes[~blank]).tolist()
    runs = scan.numbers(used, _RUNS)
    p, q, r = runs[:, 0], runs[:, 1], runs[:, 2]
    if day_month.any():
        first_day = _convention(values, p, q, day_month, column, source, dayfirst)
        day = np.where(first_day, p, q)
        month = np.where(first_day, q, p)
        year = r + np.where(lay.year2[scan.codes] == 1, np.where(r < 69, 2000, 1900), 0)
    else:
        year, month, day = p, q, r
    return _assemble(values, blank, runs, lay, scan.codes, year, month, day, column, source)


def _convention(
    values: pd.Series,
    p: np.ndarray,
    q: np.ndarray,
    rows: np.ndarray,
    column: str,
    source: str,
    dayfirst: bool | None,
) -> np.ndarray:
    """True where the first field is the day: one convention for all rows."""
    only_day = rows & (p > 12) & (q <= 12)
    only_month = rows & (q > 12) & (p <= 12)
    open_rows = rows & (p <= 12) & (q <= 12) & (p != q)
    if dayfirst is not None:
        against = only_month if dayfirst else only_day
        if against.any():
            way = "day-first" if dayfirst else "month-first"
            raise InputError(
                f"cannot be read {way} (e.g. {_show(values, int(np.flatnonzero(against)[0]))}"
                f" has no month {int((q if dayfirst else p)[against][0])}); check `dayfirst`",
                source=source,
                column=column,
                rows=file_row_numbers(against),
            )
        return np.full(p.shape, bool(dayfirst))
    if only_day.any() and only_month.any():
        raise InputError(
            f"dates contradict each other: {_examples(values, only_day)} can only be "
            f"day-first, {_examples(values, only_month)} only month-first; a column "
            "holds one convention: correct the file or give `date_format`",
            source=source,
            column=column,
        )
    if not only_day.any() and not only_month.any():
        if open_rows.any():
            i = int(np.flatnonzero(open_rows)[0])
            a = _date_name(int(p[i]), int(q[i]))
            b = _date_name(int(q[i]), int(p[i]))
            year = str(values.iloc[i]).strip().split()[0]
            year = re.split(r"[-/.]", year)[-1]
            raise InputError(
                f"every date could be day-first or month-first (row {i + 2} "
                f"{_show(values, i)} is {a} or {b} {_full_year(year)}); say which with `dayfirst` "
                f"or `date_format` (e.g. {_format_like(values, i)!r})",
                source=source,
                column=column,
            )
        return np.ones(p.shape, dtype=bool)  # day equals month everywhere: either reading
    first_day = bool(only_day.any())
    settling = only_day if first_day else only_month
    if open_rows.any():
        way = "day-first (dd/mm)" if first_day else "month-first (mm/dd)"
        warn_repair(
            f"{where_text(source, column)}: dates read {way} in every row, as "
            f"{_examples(values, settling)} can only be {'day' if first_day else 'month'}-first"
            "; give `dayfirst` or "
            "`date_format` to state it"
        )
    return np.full(p.shape, first_day)


_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
_MONTHS += ("August", "September", "October", "November", "December")


def _date_name(day: int, month: int) -> str:
    return f"{day} {_MONTHS[month - 1]}"


def _full_year(text: str) -> str:
    if len(text) == 2 and text.isdigit():
        return str(int(text) + (2000 if int(text) < 69 else 1900))
    return text


def _format_like(values: pd.Series, i: int) -> str:
    """A strftime format reading row ``i`` day-first (for the message)."""
    text = str(values.iloc[i]).strip()
    m = re.match(r"^\d{1,2}([-/.])\d{1,2}[-/.](\d+)(.*)$", text)
    if not m:
        return "%d/%m/%Y %H:%M"
    sep, year, rest = m.group(1), m.group(2), m.group(3).strip()
    fmt = f"%d{sep}%m{sep}{'%Y' if len(year) == 4 else '%y'}"
    if rest:
        clock = rest.split()[0]
        fmt += " %H:%M:%S" if clock.count(":") == 2 else " %H:%M"
    return fmt


_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _days_since_epoch(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days from 1970-01-01 to a proleptic Gregorian date, in integer arithmetic.

    H. Hinnant, "chrono-compatible low-level date algorithms" (2013), days_from_civil:
    the year is shifted to start in March, so February's length only matters last.
    """
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400  # [0, 399]
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + d - 1  # [0, 365]
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy  # [0, 146096]
    return era * 146097 + doe - 719468


def _assemble(
    values: pd.Series,
    blank: np.ndarray,
    runs: np.ndarray,
    lay: _Layout,
    codes: np.ndarray,
    year: np.ndarray,
    month: np.ndarray,
    day: np.ndarray,
    column: str,
    source: str,
) -> pd.Series:
    """Timestamps from their fields, refusing impossible dates and clocks by row."""
    hour = _pick(runs, lay.hour[codes])
    minute = _pick(runs, lay.minute[codes])
    second = _pick(runs, lay.second[codes])
    frac = _pick(runs, lay.frac[codes]) / 10.0 ** lay.frac_digits[codes]
    ampm = lay.ampm[codes]
    clock_ok = np.where(ampm > 0, (hour >= 1) & (hour <= 12), hour <= 23)
    hour = np.where(ampm == 1, hour % 12, np.where(ampm == 2, hour % 12 + 12, hour))
    clock_ok &= (minute <= 59) & (second <= 59)
    ok_year = (year >= FIRST_YEAR) & (year <= LAST_YEAR)
    bad_year = ~blank & ~ok_year
    if bad_year.any():
        i = int(np.flatnonzero(bad_year)[0])
        raise InputError(
            f"year {int(year[i])} outside {FIRST_YEAR}-{LAST_YEAR} (e.g. {_show(values, i)}); "
            "is the year mistyped?",
            source=source,
            column=column,
            rows=file_row_numbers(bad_year),
        )
    y = np.where(blank, 2000, year).astype(np.int64)
    m = np.clip(month, 1, 12).astype(np.int64)
    d = np.where(blank, 1, day).astype(np.int64)
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    length = _MONTH_DAYS[m - 1] + (leap & (m == 2))
    date_ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= length)
    wrong = ~blank & ~(date_ok & clock_ok)
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise InputError(
            f"impossible dates or times (e.g. {_show(values, i)})",
            source=source,
            column=column,
            rows=file_row_numbers(wrong),
        )
    days = _days_since_epoch(y, m, d)
    seconds = hour * 3600 + minute * 60 + second
    ns = days * _DAY_NS + seconds.astype(np.int64) * _NS + np.round(frac * 1e9).astype(np.int64)
    aware = (lay.aware[codes] == 1) & ~blank
    stamps = ns.astype(_UNIT)
    if not aware.any():
        return pd.Series(np.where(blank, np.datetime64("NaT"), stamps), dtype=_UNIT)
    if not aware[~blank].all():
        raise InputError(
            f"mixes times with a UTC offset ({_examples(values, aware)}) and without "
            f"({_examples(values, ~aware & ~blank)}); give every time an offset or none",
            source=source,
            column=column,
        )
    tz_h = _pick(runs, lay.tz_hour[codes])
    tz_m = _pick(runs, lay.tz_minute[codes])
    compact = lay.tz_compact[codes] == 1
    tz_h, tz_m = np.where(compact, tz_h // 100, tz_h), np.where(compact, tz_h % 100, tz_m)
    offset_min = (lay.tz_sign[codes] * (tz_h * 60 + tz_m)).astype(np.int64)
    utc = pd.Series((ns - offset_min * 60 * _NS).astype(_UNIT)).dt.tz_localize("UTC")
    utc = utc.where(~pd.Series(blank))
    offsets = np.unique(offset_min[~blank])
    if offsets.size == 1:
        zone = dt.timezone(dt.timedelta(minutes=int(offsets[0])))
        return utc.dt.tz_convert(dt.UTC if offsets[0] == 0 else zone)
    kept = np.flatnonzero(~blank)
    written = _as_written(utc.iloc[kept], offset_min[kept] * 60, where_text(source, column))
    return written.set_axis(kept).reindex(range(len(utc)))


def _guessed(text: pd.Series, blank: np.ndarray) -> pd.Series | None:
    """Forms with month names (``04-Mar-2025 08:00``, ``March 4, 2025``).

    The format is inferred from the first value and applied strictly to every row.
    """
    first = str(text.iloc[int(np.flatnonzero(~blank)[0])])
    fmt = guess_datetime_format(first)
    if fmt is None or not ("%b" in fmt or "%B" in fmt):
        return None
    out = pd.to_datetime(
        text.where(~pd.Series(blank, index=text.index)), format=fmt, errors="coerce"
    )
    if (out.isna().to_numpy() & ~blank).any():
        return None
    return out


# --------------------------------------------------------------------------- date and time


def time_of_day_column(values: pd.Series, *, column: str, source: str) -> pd.Series:
    """Seconds after midnight in a column of clock times or interval labels.

    Parameters
    ----------
    values : Series
        Text ``"08:00"``, ``"8:00:00"``, ``"8:00 AM"``, or an interval label
        ``"08:00 - 08:30"`` (its start is taken); Excel time cells (``datetime.time``,
        ``timedelta``, datetimes on Excel's day zero), or fractions of a day.
    column : str
        Column name, for messages.
    source : str
        File name, for messages.

    Returns
    -------
    Series of float
        Seconds in ``[0, 86400)``; Excel cells rounded to the millisecond.

    Raises
    ------
    InputError
        Missing rows, rows that are not times of day, or times past 23:59:59, named.

    Examples
    --------
    >>> s = pd.Series(["08:00", "8:30 - 9:00", "1:15 PM"])
    >>> time_of_day_column(s, column="Interval", source="f.csv").tolist()
    [28800.0, 30600.0, 47700.0]
    """
    blank = is_blank(values)
    kind = values.dtype.kind
    seconds = np.full(len(values), np.nan)
    if kind in "iuf":
        seconds = np.round(values.to_numpy(dtype=float, na_value=np.nan) * 86400.0, 3)
    elif kind == "m":
        seconds = values.dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
    elif kind == "M":
        wall = (
            values.dt.tz_localize(None) if isinstance(values.dtype, pd.DatetimeTZDtype) else values
        )
        dates = set(wall.dt.date.dropna())
        if not dates <= _EXCEL_TIME_DATES:
            raise InputError(
                "holds dates, not times of day; map it as the date or timestamp column",
                source=source,
                column=column,
            )
        seconds = (
            (wall - wall.dt.normalize()).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
        )
        seconds = np.where(wall.dt.date == dt.date(1899, 12, 31), seconds + 86400.0, seconds)
    else:
        seconds = _clock_objects(values, blank)
    if blank.any():
        raise InputError(
            "missing times", source=source, column=column, rows=file_row_numbers(blank)
        )
    bad = ~((seconds >= 0) & (seconds < 86400.0))
    if bad.any():
        raise InputError(
            f"not times of day (e.g. {_show(values, int(np.flatnonzero(bad)[0]))}); write them "
            "as e.g. 08:00 or 08:00 - 08:30",
            source=source,
            column=column,
            rows=file_row_numbers(bad),
        )
    return pd.Series(seconds, index=values.index, name=values.name)


def _clock_objects(values: pd.Series, blank: np.ndarray) -> np.ndarray:
    """Seconds after midnight of an object or text column, once per distinct value."""
    codes, uniques = pd.factorize(values)  # missing cells get -1
    objects = np.asarray(uniques, dtype=object)
    each = np.full(objects.size, np.nan)
    is_text = np.array([isinstance(v, str) for v in objects], dtype=bool)
    for i in np.flatnonzero(~is_text):
        v = objects[i]
        if isinstance(v, dt.datetime):
            if v.date() in _EXCEL_TIME_DATES:
                extra = 86400.0 if v.date() == dt.date(1899, 12, 31) else 0.0
                each[i] = v.hour * 3600.0 + v.minute * 60.0 + v.second + extra
        elif isinstance(v, dt.time):
            each[i] = round(v.hour * 3600.0 + v.minute * 60.0 + v.second + v.microsecond / 1e6, 3)
        elif isinstance(v, dt.timedelta | np.timedelta64):
            each[i] = round(pd.Timedelta(v).total_seconds(), 3)
        elif isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
            each[i] = round(float(v) * 86400.0, 3)
    if is_text.any():
        idx = np.flatnonzero(is_text)
        each[idx] = _clock_text(np.asarray([objects[i].strip() for i in idx], dtype=str))
    out = np.where(codes >= 0, each[np.maximum(codes, 0)], np.nan)
    out[blank] = np.nan
    return out


def _clock_text(text: np.ndarray) -> np.ndarray:
    """Seconds after midnight of distinct clock texts and interval labels; NaN if not."""
    scan = TextScan.of(text)
    shapes = [_CLOCK_SHAPE.match(s) for s in scan.shapes]
    good = [k for k, m in enumerate(shapes) if m]
    runs = scan.numbers(good, 4)
    codes = scan.codes
    has_sec = np.array([bool(m and m.group("sec")) for m in shapes])[codes]
    digits = np.array([len(m.group("frac")) if m and m.group("frac") else 0 for m in shapes])
    ampm = np.array([(m.group("ampm") or "") if m else "" for m in shapes])[codes]
    h, mi = runs[:, 0], runs[:, 1]
    s = np.where(has_sec, runs[:, 2], 0.0)
    f = np.where(digits[codes] > 0, runs[:, 3] / 10.0 ** digits[codes], 0.0)
    ok = np.isin(codes, good) & (mi <= 59) & (s <= 59)
    ok &= np.where(ampm != "", (h >= 1) & (h <= 12), h <= 23)
    h = np.where(ampm == "am", h % 12, np.where(ampm == "pm", h % 12 + 12, h))
    return np.where(ok, h * 3600.0 + mi * 60.0 + s + f, np.nan)


def combine_date_time(
    date: pd.Series,
    time: pd.Series,
    *,
    date_column: str,
    time_column: str,
    source: str,
    dayfirst: bool | None = None,
    date_format: str | None = None,
) -> pd.Series:
    """Interval starts from a date column and a time (or interval label) column.

    Parameters
    ----------
    date : Series
        Dates, read by :func:`parse_timestamps` (so ``dayfirst`` and ``date_format``
        apply to them); a time of day other than midnight is refused.
    time : Series
        Clock times or interval labels, read by :func:`time_of_day_column`.
    date_column, time_column : str
        Column names, for messages.
    source : str
        File name, for messages.
    dayfirst : bool, optional
        As in :func:`parse_timestamps`.
    date_format : str, optional
        strftime format of the dates alone (e.g. ``"%d/%m/%Y"``).

    Returns
    -------
    Series of datetime64[ns]
        Named ``interval_start``, index of ``date``.

    Examples
    --------
    >>> d = pd.Series(["13/03/2025", "13/03/2025"])
    >>> t = pd.Series(["08:00 - 08:30", "08:30 - 09:00"])
    >>> out = combine_date_time(d, t, date_column="Date", time_column="Interval", source="f.csv")
    >>> out.dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2025-03-13 08:00', '2025-03-13 08:30']
    """
    days = parse_timestamps(
        date, column=date_column, source=source, dayfirst=dayfirst, date_format=date_format
    )
    wall = days.dt.tz_localize(None) if isinstance(days.dtype, pd.DatetimeTZDtype) else days
    timed = (wall != wall.dt.normalize()).to_numpy()
    if timed.any():
        raise InputError(
            f"holds times of day (e.g. {_show(date, int(np.flatnonzero(timed)[0]))}), not dates; "
            "map it as the timestamp column",
            source=source,
            column=date_column,
            rows=file_row_numbers(timed),
        )
    seconds = time_of_day_column(time, column=time_column, source=source)
    offset = pd.to_timedelta(np.round(seconds.to_numpy() * 1e9).astype(np.int64), unit="ns")
    out = pd.Series((wall + offset).to_numpy(), index=date.index, name="interval_start")
    if isinstance(days.dtype, pd.DatetimeTZDtype):
        out = out.dt.tz_localize(days.dtype.tz)
    return out
