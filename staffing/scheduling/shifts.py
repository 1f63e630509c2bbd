"""Shift families: one table row each, read into :class:`ShiftFamily` objects.

A shift family is a set of shifts that differ only in their start time: the same length,
paid time, working days and break rules. Columns of a shift-family table (one row per
family; header names are matched without regard to case and surrounding spaces):

================  ========  ===============================================================
column            needed    meaning
================  ========  ===============================================================
``shift``         yes       the family's name (unique)
``start``         yes       start times: ``07:00``, a range with a step ``06:00-10:00/15min``
                            (both ends included; ``22:00-02:00/1h`` runs past midnight), or
                            several of them separated by ``;`` or ``,``
``length``        yes       time from start to end, breaks included: ``8h30``
``paid``          no        paid time; default the length minus the unpaid breaks
``days``          no        weekdays the family works: ``Mon-Fri``, ``Sat,Sun``, ``all``
                            (blank: every day)
``breaks``        no        ``DURATION@EARLIEST-LATEST`` after the shift start, optionally
                            ``paid`` (the default) or ``unpaid``, several separated by ``;``:
                            ``15min@1h30-2h30; 30min@3h-5h unpaid``; ``15min@2h`` is a break
                            at a fixed time. EARLIEST and LATEST bound the break's *start*.
``min``           no        fewest heads of the family (per day; per week with weekly tours)
``max``           no        most heads of the family (same unit; blank: no limit)
``cost``          no        cost of one paid hour (default 1, so costs are paid hours)
``contract``      no        contract type of the family's people (weekly tours); families of
                            one contract share its ``contract_max``
``min_hours``     no        fewest paid hours a week of one person (weekly tours): 20
``max_hours``     no        most paid hours a week of one person (weekly tours): 30
``contract_max``  no        most people on the contract, all its families together
================  ========  ===============================================================

Durations and clock times use the shared vocabulary (:func:`staffing.vocabulary.parse_duration`,
:func:`~staffing.vocabulary.parse_time_of_day`, :func:`~staffing.vocabulary.parse_weekdays`).

Breaks are taken in the order of their earliest start, and a break must be able to start
only once the one before it has surely ended (``latest + duration`` of a break at most
the ``earliest`` of the next): with that rule every combination of break times is a valid
day for one person, which is what lets the schedule place breaks without enumerating
them (see :mod:`staffing.scheduling.model`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from staffing.errors import InputError, StaffingError
from staffing.vocabulary import (
    WEEKDAYS,
    format_duration,
    parse_duration,
    parse_time_of_day,
    parse_weekdays,
)

__all__ = ["SHIFT_COLUMNS", "Break", "ShiftFamily", "format_weekdays", "shift_families"]

#: Columns of a shift-family table, in order (``shift``, ``start`` and ``length`` needed).
SHIFT_COLUMNS: tuple[str, ...] = (
    "shift",
    "start",
    "length",
    "paid",
    "days",
    "breaks",
    "min",
    "max",
    "cost",
    "contract",
    "min_hours",
    "max_hours",
    "contract_max",
)
_REQUIRED = ("shift", "start", "length")
_DAY_S = 86400.0
_SHORTEST_SHIFT_S = 1800.0
_START = re.compile(r"^([^-/]+?)\s*(?:-\s*([^/]+?))?\s*(?:/\s*(.+))?$")
_BREAK = re.compile(r"^([^@]+?)\s*@\s*(.+?)(?:\s+(paid|unpaid))?$", re.IGNORECASE)


@dataclass(frozen=True)
class Break:
    """One break of a shift: its duration and the window its start may fall in.

    Attributes
    ----------
    duration_s : float
        Length of the break [s].
    earliest_s, latest_s : float
        Earliest and latest start of the break after the shift start [s].
    paid : bool
        Whether the break is paid time (short breaks usually are; lunches usually not).
    """

    duration_s: float
    earliest_s: float
    latest_s: float
    paid: bool = True

    def __str__(self) -> str:
        window = format_duration(self.earliest_s)
        if self.latest_s != self.earliest_s:
            window += f"-{format_duration(self.latest_s)}"
        text = f"{format_duration(self.duration_s)}@{window}".replace(" ", "")
        return text if self.paid else f"{text} unpaid"


@dataclass(frozen=True)
class ShiftFamily:
    """Shifts of one length, paid time, days and break rules, at several start times.

    Attributes
    ----------
    name : str
        The family's name (the ``shift`` column).
    starts_s : tuple of float
        Allowed start times [s after midnight], sorted, each in ``[0, 86400)``.
    length_s : float
        Time from start to end, breaks included [s].
    paid_s : float
        Paid time of one shift [s].
    days : frozenset of int
        Weekdays the family works (Monday = 0).
    breaks : tuple of Break
        Breaks in the order they are taken.
    min_heads : int
        Fewest heads (per day; per week with weekly tours).
    max_heads : int or None
        Most heads (same unit), None for no limit.
    cost : float
        Cost of one paid hour.
    contract : str or None
        Contract type of the family's people (weekly tours).
    min_week_h, max_week_h : float or None
        Paid hours a week of one person on the family (weekly tours) [h].
    contract_max : int or None
        Most people on the contract, all its families together.
    row : int or None
        Row of the table the family came from (header = row 1), for messages.

    Examples
    --------
    >>> f = ShiftFamily("early", (21600.0, 23400.0), 30600.0,
    ...                 breaks=(Break(1800.0, 10800.0, 18000.0, paid=False),))
    >>> f.paid_s / 3600, f.paid_hours, str(f.breaks[0])
    (8.0, 8.0, '30min@3h-5h unpaid')
    """

    name: str
    starts_s: tuple[float, ...]
    length_s: float
    paid_s: float = math.nan
    days: frozenset[int] = frozenset(range(7))
    breaks: tuple[Break, ...] = ()
    min_heads: int = 0
    max_heads: int | None = None
    cost: float = 1.0
    contract: str | None = None
    min_week_h: float | None = None
    max_week_h: float | None = None
    contract_max: int | None = None
    row: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if math.isnan(self.paid_s):
            unpaid = sum(b.duration_s for b in self.breaks if not b.paid)
            object.__setattr__(self, "paid_s", self.length_s - unpaid)

    @property
    def paid_hours(self) -> float:
        """Paid hours of one shift [h]."""
        return self.paid_s / 3600.0

    @property
    def cost_per_shift(self) -> float:
        """Cost of one shift: paid hours times the cost of a paid hour."""
        return self.paid_hours * self.cost


def format_weekdays(days: Iterable[int]) -> str:
    """Weekdays as text, runs joined: ``Mon-Fri``, ``Mon,Wed,Sat-Sun``.

    Examples
    --------
    >>> format_weekdays([0, 1, 2, 3, 4]), format_weekdays([0, 2, 5, 6]), format_weekdays([3])
    ('Mon-Fri', 'Mon,Wed,Sat-Sun', 'Thu')
    """
    chosen = sorted(set(days))
    runs: list[list[int]] = []
    for d in chosen:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    names = [w.capitalize() for w in WEEKDAYS]
    parts = [names[r[0]] if len(r) == 1 else f"{names[r[0]]}-{names[r[-1]]}" for r in runs]
    return ",".join(parts)


# --------------------------------------------------------------------------- the table


class _RowError(Exception):
    """A bad cell: the column and what is wrong (the row is added by the caller)."""

    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column = column
        self.problem = problem


def shift_families(table: pd.DataFrame, *, source: str = "shifts") -> tuple[ShiftFamily, ...]:
    """Shift families from a table with one row per family (columns in the module notes).

    Parameters
    ----------
    table : DataFrame
        Columns :data:`SHIFT_COLUMNS` (``shift``, ``start`` and ``length`` needed); cells
        may be text as read from a CSV file or numbers (a bare number is seconds).
    source : str, default "shifts"
        File name (or description) used in messages.

    Returns
    -------
    tuple of ShiftFamily
        In row order.

    Raises
    ------
    InputError
        Missing or unknown columns, or a bad cell; the message names the column and the
        row as a spreadsheet shows it (header = row 1): a range without a step, a zero
        length, a break that can end after its shift or overlap the break before it, a
        paid time above the length, ``min`` above ``max``, a duplicate name.

    Examples
    --------
    >>> t = pd.DataFrame({"shift": ["early", "late"],
    ...                   "start": ["06:00-08:00/30min", "14:00"],
    ...                   "length": ["8h30", "8h"], "days": ["Mon-Fri", "all"],
    ...                   "breaks": ["15min@1h30-2h30; 30min@3h-5h unpaid", ""]})
    >>> early, late = shift_families(t)
    >>> [s / 3600 for s in early.starts_s], early.paid_hours, [str(b) for b in early.breaks]
    ([6.0, 6.5, 7.0, 7.5, 8.0], 8.0, ['15min@1h30-2h30', '30min@3h-5h unpaid'])
    >>> t.loc[1, "start"] = "14:00-16:00"
    >>> shift_families(t)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: shifts: column 'start': 1 row (row 3) '14:00-16:00': a range ...
    """
    df = table.rename(columns=lambda c: str(c).strip().lower())
    found = list(df.columns)
    unknown = [c for c in found if c not in SHIFT_COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(c) for c in unknown)} (expected {', '.join(SHIFT_COLUMNS)})",
            source=source,
        )
    missing = [c for c in _REQUIRED if c not in found]
    if missing:
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)} (expected {', '.join(SHIFT_COLUMNS)}; "
            f"found {', '.join(found) or 'no columns'})",
            source=source,
        )
    if df.empty:
        raise InputError("no shift families (the table has no rows)", source=source)
    families: list[ShiftFamily] = []
    seen: dict[str, int] = {}
    for i, record in enumerate(df.to_dict("records")):
        row = i + 2
        try:
            family = _family({str(k): v for k, v in record.items()}, row)
        except _RowError as e:
            raise InputError(e.problem, source=source, column=e.column, rows=[row]) from None
        if family.name in seen:
            raise InputError(
                f"{family.name!r} is also the name of row {seen[family.name]}; "
                "give each family its own name",
                source=source,
                column="shift",
                rows=[row],
            )
        seen[family.name] = row
        families.append(family)
    return tuple(families)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _duration(value: Any, column: str, what: str, *, allow_zero: bool = True) -> float:
    try:
        return parse_duration(value, what=what, allow_zero=allow_zero)
    except StaffingError as e:
        raise _RowError(column, str(e)) from None


def _family(record: dict[str, Any], row: int) -> ShiftFamily:
    name_cell = record["shift"]
    if _blank(name_cell):
        raise _RowError("shift", "the family has no name")
    name = str(name_cell).strip()
    if isinstance(name_cell, float) and name_cell.is_integer():
        name = str(int(name_cell))

    length = _length(record["length"])
    starts = _starts(record["start"])
    breaks = _breaks(record.get("breaks"), length)
    paid = _paid(record.get("paid"), length, breaks)
    days_cell = record.get("days")
    try:
        days = parse_weekdays(None if _blank(days_cell) else days_cell, what="weekdays")
    except StaffingError as e:
        raise _RowError("days", str(e)) from None
    low = _heads(record.get("min"), "min")
    high = _heads(record.get("max"), "max")
    if high is not None and (low or 0) > high:
        raise _RowError("min", f"min {low} is above max {high}")
    contract_cell = record.get("contract")
    contract = None if _blank(contract_cell) else str(contract_cell).strip()
    min_h = _week_hours(record.get("min_hours"), "min_hours")
    max_h = _week_hours(record.get("max_hours"), "max_hours")
    if min_h is not None and max_h is not None and min_h > max_h:
        raise _RowError("min_hours", f"min_hours {min_h:g} is above max_hours {max_h:g}")
    contract_max = _heads(record.get("contract_max"), "contract_max")
    if contract_max is not None and contract is None:
        raise _RowError("contract_max", "a contract_max needs a contract name")
    return ShiftFamily(
        name=name,
        starts_s=starts,
        length_s=length,
        paid_s=paid,
        days=days,
        breaks=breaks,
        min_heads=low or 0,
        max_heads=high,
        cost=_cost(record.get("cost")),
        contract=contract,
        min_week_h=min_h,
        max_week_h=max_h,
        contract_max=contract_max,
        row=row,
    )


def _length(cell: Any) -> float:
    if _blank(cell):
        raise _RowError("length", "the length is missing (e.g. 8h30)")
    length = _duration(cell, "length", repr(cell))
    if length == 0:
        raise _RowError("length", f"{cell!r}: a shift must last longer than 0 s")
    if length < _SHORTEST_SHIFT_S:
        raise _RowError(
            "length",
            f"{cell!r} is {format_duration(length)}, shorter than 30 min (a bare number is "
            "seconds: write 8h or 8h30)",
        )
    if length > _DAY_S:
        raise _RowError("length", f"{cell!r}: a shift must not last longer than 24 h")
    return length


def _starts(cell: Any) -> tuple[float, ...]:
    if _blank(cell):
        raise _RowError("start", "the start time is missing (e.g. 07:00 or 06:00-10:00/15min)")
    text = str(cell).strip()
    starts: set[float] = set()
    for part in (p.strip() for p in re.split(r"[;,]", text)):
        if not part:
            continue
        m = _START.match(part)
        if m is None:
            raise _RowError("start", f"{text!r}: write a time (07:00) or 06:00-10:00/15min")
        first = _clock(m.group(1), text)
        if m.group(2) is None:
            if m.group(3) is not None:
                raise _RowError(
                    "start", f"{text!r}: a step needs a range, e.g. {m.group(1)}-10:00/{m.group(3)}"
                )
            starts.add(first)
            continue
        last = _clock(m.group(2), text)
        if m.group(3) is None:
            raise _RowError("start", f"{text!r}: a range needs a step, e.g. {part}/15min")
        step = _duration(m.group(3), "start", f"step {m.group(3)!r} in {text!r}", allow_zero=False)
        if last < first:  # the range runs past midnight
            last += _DAY_S
        k = math.floor((last - first) / step + 1e-9)
        starts.update((first + i * step) % _DAY_S for i in range(k + 1))
    if not starts:
        raise _RowError("start", f"{text!r}: no start time")
    return tuple(sorted(starts))


def _clock(text: str, cell: str) -> float:
    try:
        seconds = parse_time_of_day(text, what=repr(text))
    except StaffingError as e:
        raise _RowError("start", f"{cell!r}: {e}") from None
    if seconds >= _DAY_S:
        raise _RowError("start", f"{cell!r}: a shift starts before 24:00 (write 00:00)")
    return seconds


def _breaks(cell: Any, length: float) -> tuple[Break, ...]:
    if _blank(cell):
        return ()
    text = str(cell).strip()
    found: list[Break] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        m = _BREAK.match(part)
        if m is None:
            raise _RowError(
                "breaks", f"{part!r}: write DURATION@EARLIEST-LATEST, e.g. 30min@3h-5h unpaid"
            )
        duration = _duration(m.group(1), "breaks", f"{part!r}: duration", allow_zero=False)
        window = m.group(2).split("-")
        if len(window) > 2:
            raise _RowError("breaks", f"{part!r}: write the window as EARLIEST-LATEST (3h-5h)")
        earliest = _duration(window[0], "breaks", f"{part!r}: earliest start")
        latest = _duration(window[-1], "breaks", f"{part!r}: latest start")
        if latest < earliest:
            raise _RowError("breaks", f"{part!r}: the latest start is before the earliest")
        if latest + duration > length:
            raise _RowError(
                "breaks",
                f"{part!r}: the break can end after its shift "
                f"({format_duration(latest + duration)} > {format_duration(length)})",
            )
        paid = (m.group(3) or "paid").lower() == "paid"
        found.append(Break(duration, earliest, latest, paid))
    found.sort(key=lambda b: (b.earliest_s, b.latest_s))
    for before, after in itertools.pairwise(found):
        if before.latest_s + before.duration_s > after.earliest_s:
            raise _RowError(
                "breaks",
                f"{str(after)!r} may overlap {str(before)!r}: let it start no earlier than "
                f"{format_duration(before.latest_s + before.duration_s)} (the latest end of "
                "the break before it)",
            )
    return tuple(found)


def _paid(cell: Any, length: float, breaks: tuple[Break, ...]) -> float:
    if _blank(cell):
        paid = length - sum(b.duration_s for b in breaks if not b.paid)
        if paid <= 0:
            raise _RowError("breaks", "the unpaid breaks take the whole shift")
        return paid
    paid = _duration(cell, "paid", repr(cell))
    if paid <= 0:
        raise _RowError("paid", f"{cell!r}: the paid time must be above 0")
    if paid > length:
        raise _RowError(
            "paid",
            f"{cell!r} is more than the length {format_duration(length)} (a bare number "
            "is seconds: write 8h)",
        )
    return paid


def _heads(cell: Any, column: str) -> int | None:
    if _blank(cell):
        return None
    try:
        value = float(str(cell).strip())
    except ValueError:
        raise _RowError(column, f"{cell!r} is not a number of heads") from None
    if not (math.isfinite(value) and value >= 0 and value.is_integer()):
        raise _RowError(column, f"{cell!r}: give a whole number of heads, 0 or more")
    return int(value)


def _week_hours(cell: Any, column: str) -> float | None:
    if _blank(cell):
        return None
    text = str(cell).strip().lower().removesuffix("h").strip()
    try:
        value = float(text)
    except ValueError:
        raise _RowError(column, f"{cell!r} is not a number of hours a week") from None
    if not (math.isfinite(value) and 0 < value <= 168):
        raise _RowError(column, f"{cell!r}: give hours a week above 0 and at most 168")
    return value


def _cost(cell: Any) -> float:
    if _blank(cell):
        return 1.0
    if isinstance(cell, str) and cell.strip().lower() in ("nan", "inf", "-inf", "infinity"):
        raise _RowError("cost", f"{cell!r} is not a cost per paid hour")
    try:
        value = float(str(cell).strip())
    except ValueError:
        raise _RowError("cost", f"{cell!r} is not a cost per paid hour") from None
    if not (math.isfinite(value) and value > 0):
        raise _RowError("cost", f"{cell!r}: the cost of a paid hour must be above 0")
    return value
