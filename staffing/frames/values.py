"""Numbers as exports write them: durations, percentages, counts that do not add up, ids.

Each function takes one column (a pandas Series, in file order) and gives back a clean
one, naming the file, the column and the rows (spreadsheet numbering: the header is
row 1, the first data row is row 2) of anything it cannot read. What it repairs it says
in a :class:`DataWarning`; what is ambiguous or grossly wrong stops with an
:class:`~staffing.errors.InputError`.

Durations
---------
Seconds, in any spelling of :func:`staffing.vocabulary.parse_duration`: ``294``,
``"294"``, ``"4:54"`` (minutes and seconds), ``"0:04:54"``, ``"15min"``; Excel time cells
(``datetime.time``, ``timedelta``) and, when the reader knows the cells are times, numbers
that are fractions of a day (``day_fractions=True``).

Percentages
-----------
One rule for a whole column: a value with a ``%`` sign is a percentage; the other values
are percentages when any of them is above 1 (``77.1`` is 77.1%, and then ``0.5`` in the
same column is 0.5%), said in a warning; otherwise they are fractions (``0.771``). After
that, every value must lie in [0, 1].

Counts
------
ACD histories round and split calls across intervals, so ``answered + abandoned`` can
exceed ``offered`` by a few calls (calls spanning midnight). :func:`reconcile_counts`
repairs, drops or refuses such rows by policy; negative or missing counts always stop.
A service level printed as a rounded percentage may make ``service_level x offered``
exceed ``answered`` by a fraction of a call: :func:`answered_within_count` allows half a
call.

Queue ids
---------
Ids are text: ``007`` keeps its zeros, and ``7`` and ``007`` are different queues. A CSV
reader passes :data:`ID_DTYPE` for the id column; ids from Excel or Parquet, which may be
numbers, go through :func:`id_text`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError, StaffingWarning, describe_rows
from staffing.vocabulary import parse_duration

__all__ = [
    "ID_DTYPE",
    "INCONSISTENT_POLICIES",
    "DataWarning",
    "InconsistentPolicy",
    "Reconciled",
    "TextScan",
    "answered_within_count",
    "duration_column",
    "file_row_numbers",
    "id_text",
    "is_blank",
    "percent_column",
    "reconcile_counts",
    "seconds_column",
    "warn_repair",
    "where_text",
]

#: dtype a CSV reader gives id columns (``pd.read_csv(..., dtype={"queue": ID_DTYPE})``).
ID_DTYPE = str

InconsistentPolicy = Literal["repair", "drop", "fail"]
#: What :func:`reconcile_counts` may do with rows whose counts do not add up.
INCONSISTENT_POLICIES: tuple[str, ...] = ("repair", "drop", "fail")

#: Half a call: how far ``service_level x offered`` may exceed ``answered`` (rounding).
ROUNDING_CALLS = 0.5


class DataWarning(StaffingWarning):
    """Something in an input table was read in a way the user should know about.

    Each is emitted at most once per column (or table) read, and every message starts
    with the file and the column. The messages, with the function that emits them:

    * dates settled by some rows (:func:`staffing.frames.dates.parse_timestamps`):
      ``"f.csv: column 'Date': dates read day-first (dd/mm) in every row, as rows 14, 15,
      16 (e.g. '13/03/2025') can only be day-first; give `dayfirst` or `date_format` to
      state it"`` (or ``month-first (mm/dd)``; emitted only when some rows were ambiguous);
    * UTC offsets of no one time zone (:func:`~staffing.frames.dates.parse_timestamps`):
      ``"f.csv: column 't': UTC offsets -05:00, +05:00 are not those of one time zone:
      the times are read in UTC, and days, weeks and months follow UTC dates (...)"``;
    * numbers in a timestamp column (:func:`~staffing.frames.dates.parse_timestamps`):
      ``"f.xlsx: column 'Start': numbers read as Excel serial dates (days since
      1899-12-30; row 2: 45720.33333 is 2025-03-04 08:00:00)"``;
    * percentages (:func:`percent_column`): ``"f.csv: column 'SL': values run above 1
      (up to 96.2, row 5), so the column is read as percentages (96.2 = 96.2%)"``;
    * counts that do not add up (:func:`reconcile_counts`): ``"f.csv: answered +
      abandoned exceeds offered by 1 to 16 calls in 3 rows (rows 5, 9, 20): offered
      raised to answered + abandoned"`` (``policy="repair"``) or ``...: rows dropped``
      (``policy="drop"``).

    The command line prints each as one line, ``Warning: <message>``.
    """


def warn_repair(message: str) -> None:
    """Emit a :class:`DataWarning` attributed to the first caller outside this package."""
    level, frame = 1, sys._getframe(0)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("staffing.frames"):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    warnings.warn(message, DataWarning, stacklevel=level)


def where_text(source: str | None, column: str | None) -> str:
    """The ``file: column 'name'`` prefix of a message (either part may be missing).

    Examples
    --------
    >>> where_text("forecast.csv", "calls")
    "forecast.csv: column 'calls'"
    >>> where_text(None, "calls")
    "column 'calls'"
    """
    parts = [p for p in (source, f"column '{column}'" if column else None) if p]
    return ": ".join(parts)


# --------------------------------------------------------------------------- scanning text


_DIGIT = re.compile(r"9+")


@dataclass
class TextScan:
    """Texts cut into digit runs, vectorised: the front end of every parser here.

    ``shapes`` holds each distinct *shape* once: the text with every digit written ``9``
    and letters lower-cased (``"04/03/2025 08:00"`` -> ``"99/99/9999 99:99"``);
    ``codes`` gives each row's shape. All texts of one shape have their digit runs at the
    same places, so :meth:`numbers` reads a run for all of them with a few vector
    operations per digit. A column with many repeated texts (dates, durations) is
    scanned once per distinct text.
    """

    chars: np.ndarray  # (scanned texts, width) code points (uint8 when all are Latin-1)
    value_codes: np.ndarray | None  # (rows,) index into the scanned texts; None: identity
    text_shapes: np.ndarray  # (scanned texts,) index into shapes
    shapes: list[str]

    @property
    def codes(self) -> np.ndarray:
        """Each row's shape (index into ``shapes``)."""
        if self.value_codes is None:
            return self.text_shapes
        return self.text_shapes[self.value_codes]

    @classmethod
    def of(cls, text: Any) -> TextScan:
        """Scan a column of text: each distinct text once when values repeat."""
        series = text if isinstance(text, pd.Series) else pd.Series(np.asarray(text, dtype=object))
        series = series.fillna("")
        head = series.iloc[:4096]
        value_codes: np.ndarray | None = None
        if head.nunique() > 0.5 * head.size:  # mostly distinct (timestamps): scan every row
            u = series.to_numpy(dtype=str)
        else:  # repeated (dates, durations): scan each distinct text once
            value_codes, uniques = pd.factorize(series)
            u = np.asarray(uniques, dtype=str)
        n = u.size
        width = u.dtype.itemsize // 4
        if n == 0 or width == 0:
            return cls(np.zeros((n, 1), np.uint8), value_codes, np.zeros(n, np.intp), [""])
        chars = np.ascontiguousarray(u).view(np.uint32).reshape(n, width)
        if int(chars.max()) < 256:
            chars = chars.astype(np.uint8)  # a quarter of the memory for what follows
        kind = chars.dtype.type
        digit = (chars - kind(48)) < 10  # unsigned wrap-around: one comparison
        upper = (chars - kind(65)) < 26
        shape = np.where(digit, kind(57), chars + upper.view(np.uint8).astype(kind) * kind(32))
        codes, first = _distinct_rows(shape)
        rows = np.ascontiguousarray(shape[first].astype(np.uint32)).view(f"<U{width}").ravel()
        return cls(chars, value_codes, codes, [str(r) for r in rows])

    def numbers(self, wanted: Sequence[int], columns: int) -> np.ndarray:
        """Digit runs of the rows whose shape is in ``wanted``, ``(rows, columns + 1)``.

        Column ``k`` holds the ``k``-th digit run; absent runs and rows of other shapes
        are 0, and the last column is always 0 (a place for absent fields to point at).
        Runs are exact up to 15 digits.
        """
        size = self.text_shapes.size
        out = np.zeros((size, columns + 1))
        for code in wanted:
            runs = [m.span() for m in _DIGIT.finditer(self.shapes[code])][:columns]
            every = len(self.shapes) == 1
            rows = slice(None) if every else np.flatnonzero(self.text_shapes == code)
            block = self.chars if every else self.chars[rows]
            for k, (a, b) in enumerate(runs):
                value = np.zeros(block.shape[0])
                for j in range(a, b):
                    value = value * 10.0 + (block[:, j].astype(np.int32) - 48)
                out[rows, k] = value
        if self.value_codes is None:
            return out
        return out[self.value_codes]


def _distinct_rows(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``m``: ``codes, first``.

    Each row's index among the distinct rows of ``m``, and the first row holding each
    distinct row.

    A column of dates has a handful of shapes: each is peeled off by comparing every
    remaining row with the first one. Past a few, the rows are hashed to integers and
    sorted; a hash collision is detected and answered exactly.
    """
    codes = np.full(m.shape[0], -1, dtype=np.intp)
    first: list[int] = []
    left = np.arange(m.shape[0])
    while left.size and len(first) < 8:
        same = (m[left] == m[left[0]]).all(axis=1)
        first.append(int(left[0]))
        codes[left[same]] = len(first) - 1
        left = left[~same]
    if not left.size:
        return codes, np.asarray(first, dtype=np.intp)
    weights = np.random.default_rng(20250304).integers(1, 2**62, size=m.shape[1])
    key = (m.astype(np.int64) * weights).sum(axis=1)  # wraps around: a hash
    _, firsts, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    if not np.array_equal(m, m[firsts[inverse]]):
        rows = np.ascontiguousarray(m).view(np.dtype((np.void, m.dtype.itemsize * m.shape[1])))
        _, firsts, inverse = np.unique(rows.ravel(), return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    return inverse.astype(np.intp), firsts


def is_blank(values: pd.Series) -> np.ndarray:
    """Missing cells and cells holding only spaces."""
    blank = np.array(values.isna().to_numpy(dtype=bool))
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        text = values.astype("string").str.strip()
        blank |= text.eq("").fillna(True).to_numpy(dtype=bool)
    return blank


def file_row_numbers(mask: np.ndarray) -> list[int]:
    """Row numbers as a spreadsheet shows them (header on row 1) where ``mask`` is true.

    Examples
    --------
    >>> file_row_numbers(np.array([False, True, False, True]))
    [3, 5]
    """
    return [int(i) + 2 for i in np.flatnonzero(mask)]


def _example(values: pd.Series, mask: np.ndarray) -> str:
    i = int(np.flatnonzero(mask)[0])
    return f"row {i + 2} {str(values.iloc[i]).strip()!r}"


# --------------------------------------------------------------------------- durations

_CLOCK_SHAPE = re.compile(r"^\s*9+:99?(?::99?(?:\.9+)?)?\s*$")


def seconds_column(
    df: pd.DataFrame, column: str, *, source: str, allow_inf: bool = False
) -> pd.Series:
    """A seconds column as float: numbers as they are, text through :func:`duration_column`.

    Numbers (negative ones included) are left for the caller's own range check, with its
    own words ("zero, negative or missing handle time"); text such as ``0:04:54`` is read
    as a duration.
    """
    values = df[column]
    if values.dtype.kind in "biuf":
        return values.astype(float)
    return duration_column(values, column=column, source=source, allow_inf=allow_inf)


def duration_column(
    values: pd.Series,
    *,
    column: str,
    source: str,
    day_fractions: bool = False,
    allow_inf: bool = False,
) -> pd.Series:
    """Seconds in a column of durations, however the export spelled them.

    Parameters
    ----------
    values : Series
        Numbers (seconds), text (``"294"``, ``"4:54"``, ``"0:04:54"``, ``"15min"``: any
        spelling of :func:`staffing.vocabulary.parse_duration`), or Excel time cells
        (``datetime.time``, ``datetime.timedelta``); blank cells stay missing.
    column : str
        Column name, for messages.
    source : str
        File name, for messages.
    day_fractions : bool, default False
        Numbers are fractions of a day (Excel time cells read without their format:
        ``0.0034027`` is 4:54), not seconds.
    allow_inf : bool, default False
        Accept ``inf`` (a patience of ``inf`` means nobody abandons).

    Returns
    -------
    Series of float
        Seconds, same index and name as ``values``; Excel time cells are rounded to the
        millisecond (they are stored as binary fractions of a day).

    Raises
    ------
    InputError
        Rows that are not durations, negative, or infinite (unless allowed), named.

    Notes
    -----
    Numbers and clock spellings (``H:MM:SS``, ``M:SS``) are read vectorised; other
    spellings once per distinct value.

    Examples
    --------
    >>> s = pd.Series(["0:04:54", "4:54", "294", 300, "15min", None])
    >>> duration_column(s, column="AHT", source="f.csv").tolist()
    [294.0, 294.0, 294.0, 300.0, 900.0, nan]
    >>> duration_column(pd.Series(["4:54", "soon"]), column="AHT", source="f.csv")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: f.csv: column 'AHT': 1 row (row 3) not a duration (e.g. 'soon'); ...
    """
    seconds = np.full(len(values), np.nan)
    blank = is_blank(values)
    kind = values.dtype.kind
    if kind in "iuf":
        seconds = values.to_numpy(dtype=float, na_value=np.nan).copy()
        if day_fractions:
            seconds = np.round(seconds * 86400.0, 3)
    elif kind == "m":
        seconds = values.dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
    elif kind == "M":
        raise InputError(
            f"holds dates, not durations (e.g. {_example(values, ~blank)})",
            source=source,
            column=column,
        )
    else:
        seconds = _duration_objects(values, blank, day_fractions)
    bad = np.isnan(seconds) & ~blank
    if bad.any():
        raise InputError(
            f"not a duration (e.g. {str(values.iloc[int(np.flatnonzero(bad)[0])]).strip()!r}); "
            "use seconds (294) or e.g. 4:54, 0:04:54, 15min",
            source=source,
            column=column,
            rows=file_row_numbers(bad),
        )
    with np.errstate(invalid="ignore"):
        negative = seconds < 0
        infinite = np.isinf(seconds) & ~negative
    if negative.any():
        raise InputError(
            "negative durations", source=source, column=column, rows=file_row_numbers(negative)
        )
    if infinite.any() and not allow_inf:
        raise InputError(
            "infinite durations", source=source, column=column, rows=file_row_numbers(infinite)
        )
    return pd.Series(seconds, index=values.index, name=values.name)


def _duration_objects(values: pd.Series, blank: np.ndarray, day_fractions: bool) -> np.ndarray:
    """Seconds of an object or text column; NaN where a cell is not a duration."""
    out = np.full(len(values), np.nan)
    codes, uniques = pd.factorize(values)  # missing cells get -1
    if len(uniques) == 0:
        return out
    each = np.full(len(uniques), np.nan)
    objects = np.asarray(uniques, dtype=object)
    text_at: list[int] = []
    for i, v in enumerate(objects):
        if isinstance(v, str):
            text_at.append(i)
        elif isinstance(v, dt.time):
            each[i] = round(v.hour * 3600.0 + v.minute * 60.0 + v.second + v.microsecond / 1e6, 3)
        elif isinstance(v, dt.timedelta | pd.Timedelta | np.timedelta64):
            each[i] = round(pd.Timedelta(v).total_seconds(), 3)
        elif isinstance(v, bool | np.bool_):
            continue
        elif isinstance(v, int | float | np.integer | np.floating):
            each[i] = round(float(v) * 86400.0, 3) if day_fractions else float(v)
    if text_at:
        idx = np.asarray(text_at)
        each[idx] = _duration_text(objects[idx])
    out = np.where(codes >= 0, each[np.maximum(codes, 0)], np.nan)
    out[blank] = np.nan
    return out


def _duration_text(text: np.ndarray) -> np.ndarray:
    """Seconds of distinct texts: numbers and clocks vectorised, the rest one by one."""
    stripped = np.char.strip(text.astype(str))
    out = np.array(pd.to_numeric(pd.Series(stripped), errors="coerce").to_numpy(dtype=float))
    rest = np.flatnonzero(np.isnan(out) & (np.char.str_len(stripped) > 0))
    if rest.size:
        scan = TextScan.of(stripped[rest])
        clock = [k for k, s in enumerate(scan.shapes) if _CLOCK_SHAPE.match(s)]
        if clock:
            runs = scan.numbers(clock, 4)
            is_clock = np.isin(scan.codes, clock)
            three = np.array([s.count(":") == 2 for s in scan.shapes])[scan.codes]
            frac_digits = np.array(
                [len(s.split(".")[1].strip()) if "." in s else 0 for s in scan.shapes]
            )[scan.codes]
            fraction = runs[:, 3] / 10.0**frac_digits
            hms = runs[:, 0] * 3600.0 + runs[:, 1] * 60.0 + runs[:, 2] + fraction
            ms = runs[:, 0] * 60.0 + runs[:, 1]
            ok = is_clock & (runs[:, 1] < 60) & (runs[:, 2] < 60)
            ok &= three | (frac_digits == 0)
            value = np.where(three, hms, ms)
            out[rest[ok]] = value[ok]
            rest = rest[~ok]
        for i in rest:  # other spellings, once per distinct value
            try:
                out[i] = parse_duration(str(stripped[i]), allow_inf=True)
            except StaffingError:
                out[i] = np.nan
    return out


# --------------------------------------------------------------------------- percentages


def percent_column(values: pd.Series, *, column: str, source: str) -> pd.Series:
    """Fractions in a column of shares written as ``77.1``, ``77.1%`` or ``0.771``.

    Parameters
    ----------
    values : Series
        Numbers or text; blank cells stay missing.
    column : str
        Column name, for messages.
    source : str
        File name, for messages.

    Returns
    -------
    Series of float
        Fractions in [0, 1], same index and name as ``values``.

    Raises
    ------
    InputError
        Rows that are not numbers, or outside 0-100% after the rule below, named.

    Warns
    -----
    DataWarning
        When the column is read as percentages because its values run above 1.

    Notes
    -----
    The rule, for the whole column at once: a value with a ``%`` sign is a percentage;
    the other values are percentages when any of them is above 1, else fractions. So
    ``[77.1, 0.5]`` is 77.1% and 0.5%, while ``[0.771, 0.5]`` is 77.1% and 50%; a column
    of percentages that never exceeds 1% cannot be told from fractions, and is read as
    fractions (write the ``%`` sign). But a column of fractions with a few values above 1
    (more than nine fractions for each of them) is not switched to percentages: its rows
    above 1 are refused, named, since reading ``0.8`` as 0.8% would turn every other row
    into nonsense. Shares of a whole are what this reads: service
    level, abandon rate, occupancy, shrinkage.

    Examples
    --------
    >>> percent_column(pd.Series(["77.1%", "0.5%", "0.9"]), column="SL", source="f.csv").tolist()
    [0.771, 0.005, 0.9]
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     shares = percent_column(pd.Series([96.2, 80.0, 0.5]), column="SL", source="f.csv")
    >>> shares.tolist()
    [0.962, 0.8, 0.005]
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    f.csv: column 'SL': values run above 1 (up to 96.2, row 2), so the column is read as ...
    """
    blank = is_blank(values)
    percent_sign = np.zeros(len(values), dtype=bool)
    if values.dtype.kind in "iuf":
        number = values.to_numpy(dtype=float, na_value=np.nan).copy()
    elif values.dtype.kind in "bmM":
        raise InputError(
            f"holds {values.dtype} values, not percentages", source=source, column=column
        )
    else:
        text = values.astype("string").str.strip()
        percent_sign = text.str.endswith("%").fillna(False).to_numpy(dtype=bool)
        bare = text.str.rstrip("%").str.strip().str.replace(",", ".", regex=False)
        number = np.array(
            pd.to_numeric(bare, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        )
        objects = values.to_numpy(dtype=object)
        bad = np.isnan(number) & ~blank
        if bad.any():  # numbers held as objects (an Excel column mixing text and numbers)
            for i in np.flatnonzero(bad):
                v = objects[i]
                if isinstance(v, int | float | np.integer | np.floating) and not isinstance(
                    v, bool | np.bool_
                ):
                    number[i] = float(v)
    bad = np.isnan(number) & ~blank
    if bad.any():
        raise InputError(
            f"not a percentage (e.g. {str(values.iloc[int(np.flatnonzero(bad)[0])]).strip()!r})",
            source=source,
            column=column,
            rows=file_row_numbers(bad),
        )
    plain = ~percent_sign & ~blank
    with np.errstate(invalid="ignore"):
        above = plain & (number > 1.0)
        fractions = plain & (number > 0.0) & (number <= 1.0)
    if above.any() and fractions.sum() > 9 * above.sum():
        # a column of fractions with a few values above 1: those rows are wrong, not the
        # unit of the column (reading it as percentages would turn 0.8 into 0.8%)
        top = int(np.flatnonzero(above)[0])
        raise InputError(
            f"values above 1 in a column of fractions (e.g. {number[top]:g}; "
            f"{int(fractions.sum())} other rows are fractions up to 1): a share is at most 1 "
            "(100%); correct these rows, or write every value as a percentage with a % sign",
            source=source,
            column=column,
            rows=file_row_numbers(above),
        )
    as_percent = percent_sign | (plain if above.any() else False)
    # number / 100 to the 12th decimal: 77.1% is 0.771, not 0.7709999999999999
    fraction = np.where(as_percent, np.round(number / 100.0, 12), number)
    with np.errstate(invalid="ignore"):
        outside = ~blank & ~((fraction >= 0.0) & (fraction <= 1.0))
    if outside.any():
        first = values.iloc[int(np.flatnonzero(outside)[0])]
        shown = f"{first:g}" if isinstance(first, int | float | np.number) else str(first).strip()
        raise InputError(
            f"outside 0-100% (e.g. {shown!r})",
            source=source,
            column=column,
            rows=file_row_numbers(outside),
        )
    if above.any():
        top = int(np.flatnonzero(above)[np.argmax(number[above])])
        small = ""
        if fractions.any():
            # a stray fraction among percentages reads as under 1%: name its rows
            first = int(np.flatnonzero(fractions)[0])
            verb = "holds a value" if fractions.sum() == 1 else "hold values"
            small = (
                f"; {describe_rows(file_row_numbers(fractions))} {verb} of at most 1, "
                f"read as under 1% (e.g. {number[first]:g} = {number[first]:g}%): write "
                f"{100 * number[first]:g}% where a fraction was meant"
            )
        warn_repair(
            f"{where_text(source, column)}: values run above 1 (up to {number[top]:g}, "
            f"row {top + 2}), so the column is read as percentages "
            f"({number[top]:g} = {number[top]:g}%){small}"
        )
    return pd.Series(fraction, index=values.index, name=values.name)


# --------------------------------------------------------------------------- counts


class Reconciled(NamedTuple):
    """What :func:`reconcile_counts` decided: the offered calls to use, the rows to keep."""

    offered: pd.Series
    keep: pd.Series


def _counts(values: pd.Series, name: str, source: str) -> np.ndarray:
    number = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(number) & (number >= 0))
    if bad.any():
        raise InputError(
            "negative or missing counts", source=source, column=name, rows=file_row_numbers(bad)
        )
    return number


def reconcile_counts(
    offered: pd.Series,
    answered: pd.Series,
    abandoned: pd.Series,
    *,
    policy: InconsistentPolicy = "repair",
    source: str,
) -> Reconciled:
    """Rows where ``answered + abandoned`` exceeds ``offered``: repaired, dropped or refused.

    Parameters
    ----------
    offered, answered, abandoned : Series
        Counts per row [calls], one index; the Series names are used in messages.
    policy : {"repair", "drop", "fail"}, default "repair"
        ``repair`` raises ``offered`` to ``answered + abandoned`` in those rows;
        ``drop`` leaves them out; ``fail`` stops.
    source : str
        File name, for messages.

    Returns
    -------
    Reconciled
        ``offered`` (float, repaired where the policy says so) and ``keep`` (bool, false
        on dropped rows), both with the index of ``offered``.

    Raises
    ------
    InputError
        Negative or missing counts (under every policy), or any excess under ``fail``.

    Warns
    -----
    DataWarning
        Naming the rows, the size of the excess, and what was done.

    Notes
    -----
    Interval reports count a call where it starts and where it ends, so calls spanning
    a boundary (midnight in daily data) make the counts disagree by a few calls; the
    public Vancouver 3-1-1 daily data has 23 of 5,585 days off by 1 to 16 calls.

    Examples
    --------
    >>> offered = pd.Series([100, 52], name="offered")
    >>> answered = pd.Series([90, 50], name="answered")
    >>> abandoned = pd.Series([10, 4], name="abandoned")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     fixed = reconcile_counts(offered, answered, abandoned, source="f.csv")
    >>> fixed.offered.tolist(), fixed.keep.tolist()
    ([100.0, 54.0], [True, True])
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    f.csv: answered + abandoned exceeds offered by 2 calls in 1 row (row 3): offered raised ...
    """
    if policy not in INCONSISTENT_POLICIES:
        raise StaffingError(
            f"policy {policy!r} for inconsistent counts: use one of "
            f"{', '.join(INCONSISTENT_POLICIES)}"
        )
    o = _counts(offered, str(offered.name or "offered"), source)
    a = _counts(answered, str(answered.name or "answered"), source)
    b = _counts(abandoned, str(abandoned.name or "abandoned"), source)
    excess = a + b - o
    over = excess > 0
    keep = np.ones(o.size, dtype=bool)
    if over.any():
        lo, hi = excess[over].min(), excess[over].max()
        size = f"{lo:g} call{'s' if hi != 1 else ''}" if lo == hi else f"{lo:g} to {hi:g} calls"
        rows = describe_rows(file_row_numbers(over))
        what = f"answered + abandoned exceeds offered by {size} in {rows}"
        if policy == "fail":
            raise InputError(f"{what}; give `on_inconsistent` repair or drop", source=source)
        if policy == "repair":
            o = np.where(over, a + b, o)
            warn_repair(f"{source}: {what}: offered raised to answered + abandoned")
        else:
            keep = ~over
            warn_repair(f"{source}: {what}: rows dropped")
    index = offered.index
    return Reconciled(
        pd.Series(o, index=index, name=offered.name), pd.Series(keep, index=index, name="keep")
    )


def answered_within_count(
    service_level: pd.Series,
    offered: pd.Series,
    answered: pd.Series,
    *,
    basis: Literal["offered", "answered"] = "offered",
    column: str,
    source: str,
) -> pd.Series:
    """Calls answered within the threshold, from a service level given as a fraction.

    Parameters
    ----------
    service_level : Series
        Fractions (read with :func:`percent_column`).
    offered, answered : Series
        Counts per row [calls].
    basis : {"offered", "answered"}, default "offered"
        What the export's service level divides by: offered calls (abandons count as
        failures) or answered calls.
    column : str
        The service-level column, for messages.
    source : str
        File name, for messages.

    Returns
    -------
    Series of float
        ``service_level x basis``, at most ``answered`` [calls]; not rounded to whole
        calls (for several thousand calls a percentage with one decimal no longer pins
        down the count).

    Raises
    ------
    InputError
        Rows where the count exceeds ``answered`` by more than half a call
        (:data:`ROUNDING_CALLS`), more than a rounded percentage can explain.

    Examples
    --------
    An ACD printing 96.2% for 52 offered and 50 answered rounded 50/52 = 96.15%:

    >>> sl, offered, answered = pd.Series([0.962]), pd.Series([52]), pd.Series([50])
    >>> answered_within_count(sl, offered, answered, column="SL", source="f.csv").tolist()
    [50.0]
    >>> answered_within_count(pd.Series([0.99]), offered, answered, column="SL", source="f.csv")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: f.csv: column 'SL': 1 row (row 2) service level x offered ...
    """
    base = offered if basis == "offered" else answered
    sl = service_level.to_numpy(dtype=float, na_value=np.nan)
    total = pd.to_numeric(base).to_numpy(dtype=float, na_value=np.nan)
    got = pd.to_numeric(answered).to_numpy(dtype=float, na_value=np.nan)
    within = sl * total
    with np.errstate(invalid="ignore"):
        too_many = within > got + ROUNDING_CALLS
    if too_many.any():
        i = int(np.flatnonzero(too_many)[0])
        raise InputError(
            f"service level x {basis} exceeds answered by more than half a call "
            f"(e.g. {within[i]:.4g} > {got[i]:g})",
            source=source,
            column=column,
            rows=file_row_numbers(too_many),
        )
    return pd.Series(np.fmin(within, got), index=service_level.index, name="answered_within")


# --------------------------------------------------------------------------- ids


def id_text(values: pd.Series) -> pd.Series:
    """Ids (queues, agents) as text, from a column of text or numbers (Excel, Parquet).

    Text is kept as written, less surrounding spaces (``"007"`` stays ``"007"``); whole
    numbers lose a float's ``.0`` (``7.0`` -> ``"7"``), so an id typed as the number 7 is
    ``"7"`` whether its column held floats, integers or a mixture; missing stay missing.

    Examples
    --------
    >>> id_text(pd.Series(["007", " 7 ", 7, 7.0, 7.5, None], dtype=object)).tolist()
    ['007', '7', '7', '7', '7.5', nan]
    >>> id_text(pd.Series([101.0, float("nan")])).tolist()
    ['101', nan]
    """
    missing = values.isna().to_numpy(dtype=bool)
    codes, uniques = pd.factorize(values)
    objects = np.asarray(uniques, dtype=object)
    text = np.array([_id(v) for v in objects] + [np.nan], dtype=object)
    out = text[np.where(codes >= 0, codes, len(objects))]
    out[missing] = np.nan
    # pandas' own text dtype, as read_csv gives a text column (missing stay NaN)
    return pd.Series(out, index=values.index, name=values.name, dtype=object).astype("str")


def _id(value: Any) -> Any:
    if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value).strip()
