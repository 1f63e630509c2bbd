"""Named people on a schedule's tours: who works which line of the week (or rota).

After the cover is found (:func:`staffing.scheduling.schedule` with weekly tours), every
*tour* (one agent of :attr:`~staffing.scheduling.Schedule.agents`: a family, the days
worked and a shift on each, over the rotation's weeks) is given to one named person.

Columns of a people table (one row per person; header names matched without regard to
case and surrounding spaces):

================  ========  ===============================================================
column            needed    meaning
================  ========  ===============================================================
``name``          yes       the person's name (unique)
``contract``      no        a contract (the shift families' ``contract``) or a shift
                            family's name: the person works only tours of it (blank: any)
``unavailable``   no        weekdays, optionally with hours, the person cannot work,
                            separated by ``;``: ``Sat; Sun``, ``Mon 08:00-12:00``,
                            ``Mon-Fri 18:00-24:00``; a shift touching them is not theirs
``prefer_start``  no        preferred start times: ``06:00-09:00`` (a band) or ``07:00``
``weekends_off``  no        whole weekends off wished in the rotation (``--weeks``):
                            ``2``; ``yes`` means every weekend
``skills``        no        read and ignored for now
================  ========  ===============================================================

The assignment
--------------
A min-cost perfect matching (the linear assignment problem, solved exactly by
:func:`scipy.optimize.linear_sum_assignment`, a shortest augmenting path method after
Crouse 2016) between people and tours. A pair is allowed when the person's contract
admits the tour's family and no shift of the tour touches the person's unavailable
hours. Its cost is the square of the person's unmet wishes, ``(hours_start +
8 * weekends_short)^2``: ``hours_start`` sums, over the tour's shifts, the hours between
the start and the preferred band, ``weekends_short`` the weekends off wished beyond the
tour's. Squaring balances the wishes: two people each half served cost less than one
served fully and one not at all. Tours no allowed person can take, and people left
without a tour, are named.

References
----------
.. [1] D. F. Crouse, "On implementing 2D rectangular assignment algorithms", IEEE
   Transactions on Aerospace and Electronic Systems 52(4), 1679-1696, 2016.
   :doi:`10.1109/TAES.2016.140952`
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError, describe_rows
from staffing.scheduling.shifts import ShiftFamily, format_weekdays
from staffing.vocabulary import parse_time_of_day, parse_weekdays

__all__ = ["PEOPLE_COLUMNS", "Assignment", "Person", "assign_people", "people_table"]

#: Columns of a people table, in order (``name`` needed).
PEOPLE_COLUMNS: tuple[str, ...] = (
    "name",
    "contract",
    "unavailable",
    "prefer_start",
    "weekends_off",
    "skills",
)
_DAY_S = 86400.0
_BIG = 1e12
_WEEKEND_HOURS = 8.0


@dataclass(frozen=True)
class Person:
    """One named person and what they can and wish to work.

    Attributes
    ----------
    name : str
    contract : str or None
        A contract or family name; None: any tour.
    unavailable : tuple of (weekday, from_s, to_s)
        Hours the person cannot work (Monday = 0, seconds after midnight).
    prefer_start : (from_s, to_s) or None
        Preferred band of start times [s after midnight].
    weekends_off : int or None
        Weekends off wished in the rotation (``-1``: every one); None: no wish.
    row : int or None
        Row of the table (header = row 1), for messages.
    """

    name: str
    contract: str | None = None
    unavailable: tuple[tuple[int, float, float], ...] = ()
    prefer_start: tuple[float, float] | None = None
    weekends_off: int | None = None
    row: int | None = None


def _blank(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip()
    )


def _unavailable(text: str) -> tuple[tuple[int, float, float], ...]:
    """``"Sat; Mon 08:00-12:00"`` as (weekday, from, to) windows.

    Examples
    --------
    >>> _unavailable("Sat; Mon-Tue 08:00-12:00")
    ((5, 0.0, 86400.0), (0, 28800.0, 43200.0), (1, 28800.0, 43200.0))
    """
    out: list[tuple[int, float, float]] = []
    for part in (p.strip() for p in str(text).split(";")):
        if not part:
            continue
        words = part.split()
        hours = words[-1] if len(words) > 1 and any(c.isdigit() for c in words[-1]) else None
        days_text = " ".join(words[:-1]) if hours else part
        days = parse_weekdays(days_text, what="weekdays")
        lo, hi = 0.0, _DAY_S
        if hours:
            a, dash, b = hours.partition("-")
            if not dash:
                raise StaffingError(f"{part!r}: give hours as 08:00-12:00")
            lo = parse_time_of_day(a, what="time")
            hi = parse_time_of_day(b, what="time")
            if hi <= lo:
                raise StaffingError(f"{part!r}: the hours must end after they start")
        out.extend((d, lo, hi) for d in sorted(days))
    return tuple(out)


def _band(text: str) -> tuple[float, float]:
    a, dash, b = str(text).strip().partition("-")
    lo = parse_time_of_day(a, what="time")
    hi = parse_time_of_day(b, what="time") if dash else lo
    if hi < lo:
        raise StaffingError(f"{text!r}: the band must end after it starts")
    return lo, hi


def people_table(table: pd.DataFrame, *, source: str = "people") -> tuple[Person, ...]:
    """Named people from a table with one row per person (columns in the module notes).

    Parameters
    ----------
    table : DataFrame
    source : str, default "people"
        Name of the table in messages.

    Returns
    -------
    tuple of Person
        In row order.

    Raises
    ------
    InputError
        A missing ``name`` column, blank or repeated names, or a cell that cannot be
        read: the message names the column and the rows (header = row 1).

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["Ann", "Bo"], "unavailable": ["Sat; Sun", ""],
    ...                   "prefer_start": ["", "06:00-08:00"], "weekends_off": ["", "yes"]})
    >>> [(p.name, len(p.unavailable), p.prefer_start, p.weekends_off)
    ...  for p in people_table(t)]
    [('Ann', 2, None, None), ('Bo', 0, (21600.0, 28800.0), -1)]
    """
    columns = {str(c).strip().lower(): c for c in table.columns}
    if "name" not in columns:
        raise InputError(
            f"no 'name' column (found {', '.join(map(str, table.columns)) or 'none'}); "
            "a people table needs name, and may have contract, unavailable, prefer_start, "
            "weekends_off",
            source=source,
        )
    unknown = [c for c in columns if c not in PEOPLE_COLUMNS]
    if unknown:
        raise InputError(
            f"unknown columns {', '.join(unknown)} (known: {', '.join(PEOPLE_COLUMNS)}); "
            "map yours with --people-column ours=theirs",
            source=source,
        )

    def cells(name: str) -> list[object]:
        return list(table[columns[name]]) if name in columns else [None] * len(table)

    names = [None if _blank(v) else str(v).strip() for v in cells("name")]
    blank = [i + 2 for i, v in enumerate(names) if v is None]
    if blank:
        raise InputError("blank names", source=source, column="name", rows=blank)
    seen: dict[str, int] = {}
    twice = []
    for i, v in enumerate(names):
        if v in seen:
            twice.append(i + 2)
        seen.setdefault(str(v), i + 2)
    if twice:
        raise InputError("repeated names", source=source, column="name", rows=twice)
    parsed: dict[str, list[object]] = {}
    readers: dict[str, Any] = {
        "unavailable": _unavailable,
        "prefer_start": _band,
        "weekends_off": _weekends,
    }
    for column, read in readers.items():
        values: list[object] = []
        bad: list[int] = []
        problem = ""
        for i, cell in enumerate(cells(column)):
            if _blank(cell):
                values.append(None)
                continue
            try:
                values.append(read(str(cell)))
            except StaffingError as exc:
                bad.append(i + 2)
                problem = problem or f"{str(cell)!r}: {exc}"
                values.append(None)
        if bad:
            raise InputError(problem, source=source, column=column, rows=bad)
        parsed[column] = values
    contracts = [None if _blank(v) else str(v).strip() for v in cells("contract")]
    return tuple(
        Person(
            name=str(names[i]),
            contract=contracts[i],
            unavailable=parsed["unavailable"][i] or (),  # type: ignore[arg-type]
            prefer_start=parsed["prefer_start"][i],  # type: ignore[arg-type]
            weekends_off=parsed["weekends_off"][i],  # type: ignore[arg-type]
            row=i + 2,
        )
        for i in range(len(table))
    )


def _weekends(text: str) -> int:
    word = text.strip().lower()
    if word in ("yes", "y", "true", "all", "every"):
        return -1
    if word in ("no", "n", "false", "0"):
        return 0
    try:
        value = float(word)
    except ValueError:
        raise StaffingError("give a whole number of weekends, or yes/no") from None
    if value != int(value) or value < 0:
        raise StaffingError("give a whole number of weekends, or yes/no")
    return int(value)


@dataclass(frozen=True)
class Assignment:
    """Tours given to named people.

    Attributes
    ----------
    agents : DataFrame
        The schedule's agents with a ``name`` column after ``agent``.
    people : DataFrame
        One row per person: ``name``, ``agent`` (0 when none), ``shift``, ``days``,
        ``start_hours_off`` (hours between starts and the preferred band; NaN without
        one),
        ``weekends_off`` (of the tour) and ``weekends_wished``.
    idle : tuple of str
        People left without a tour.
    """

    agents: pd.DataFrame
    people: pd.DataFrame
    idle: tuple[str, ...]


@dataclass(frozen=True)
class _Tours:
    """The tours of an agents table as arrays: one entry per shift and per day piece."""

    numbers: list[int]
    families: list[frozenset[str]]
    weekends: np.ndarray  # weekends off per tour
    row_tour: np.ndarray  # per shift: its tour
    row_start: np.ndarray  # per shift: start [s after its midnight]
    piece_tour: np.ndarray  # per day piece of a shift: its tour
    piece_weekday: np.ndarray
    piece_lo: np.ndarray  # [s after midnight]
    piece_hi: np.ndarray


def _tours(agents: pd.DataFrame, weeks: int) -> _Tours:
    numbers = [int(a) for a in pd.unique(agents["agent"])]
    index = {a: k for k, a in enumerate(numbers)}
    tour = agents["agent"].map(index).to_numpy(dtype=np.int64)
    start = pd.DatetimeIndex(agents["start"])
    end = pd.DatetimeIndex(agents["end"])
    midnight = start.normalize()
    s0 = (start - midnight).total_seconds().to_numpy(dtype=float)
    s1 = (end - midnight).total_seconds().to_numpy(dtype=float)
    weekday = midnight.day_of_week.to_numpy().astype(np.int64)
    # a shift past midnight is two pieces: today to 24:00, tomorrow from 00:00
    late = s1 > _DAY_S
    piece_tour = np.r_[tour, tour[late]]
    piece_weekday = np.r_[weekday, (weekday[late] + 1) % 7]
    piece_lo = np.r_[s0, np.zeros(int(late.sum()))]
    piece_hi = np.r_[np.minimum(s1, _DAY_S), s1[late] - _DAY_S]
    shifts = agents["shift"].astype(str).to_numpy()
    families = [frozenset(shifts[tour == k]) for k in range(len(numbers))]
    day = pd.DatetimeIndex(agents["day"]).normalize()
    week = ((day - day.min()).days // 7).to_numpy()
    weekend = day.day_of_week.to_numpy() >= 5
    weekends = np.full(len(numbers), weeks, dtype=np.int64)
    for k in range(len(numbers)):
        weekends[k] -= np.unique(week[(tour == k) & weekend]).size
    return _Tours(
        numbers, families, weekends, tour, s0, piece_tour, piece_weekday, piece_lo, piece_hi
    )


def assign_people(
    agents: pd.DataFrame,
    people: Sequence[Person],
    families: Sequence[ShiftFamily],
    *,
    weeks: int = 1,
    source: str = "people",
) -> Assignment:
    """Give each tour of ``agents`` to one of ``people`` (module notes).

    Parameters
    ----------
    agents : DataFrame
        :attr:`staffing.scheduling.Schedule.agents` of a schedule with weekly tours.
    people : sequence of Person
        From :func:`people_table`.
    families : sequence of ShiftFamily
        The schedule's shift families (their contracts).
    weeks : int, default 1
        Weeks of the rotation.
    source : str, default "people"
        Name of the people table in messages.

    Returns
    -------
    Assignment

    Raises
    ------
    StaffingError
        Some tour no one can take: one line naming the tours, and the rule (contract,
        unavailable hours, or too few people) with the rows of the people it rules out.

    Examples
    --------
    Two tours, an early and a late one; Ann cannot work afternoons, Bo prefers late starts:

    >>> a = pd.DataFrame({"agent": [1, 2], "days": ["Mon", "Mon"],
    ...     "day": pd.to_datetime(["2025-03-03"] * 2), "shift": ["early", "late"],
    ...     "start": pd.to_datetime(["2025-03-03 07:00", "2025-03-03 13:00"]),
    ...     "end": pd.to_datetime(["2025-03-03 15:00", "2025-03-03 21:00"]),
    ...     "breaks": ["", ""], "paid_hours": [8.0, 8.0]})
    >>> p = [Person("Ann", unavailable=((0, 57600.0, 86400.0),)),
    ...      Person("Bo", prefer_start=(46800.0, 50400.0))]
    >>> assign_people(a, p, []).agents[["agent", "name", "shift"]]
       agent name  shift
    0      1  Ann  early
    1      2   Bo   late
    """
    family_contract = {f.name: f.contract for f in families}
    t = _tours(agents, weeks)
    numbers = t.numbers
    tours = [g for _, g in agents.groupby("agent", sort=False)]
    n_p, n_t = len(people), len(numbers)
    cost = np.full((n_p, n_t), _BIG)
    why = np.full((n_p, n_t), "", dtype=object)
    hours = np.zeros((n_p, n_t))
    short = np.zeros((n_p, n_t), dtype=np.int64)
    for i, person in enumerate(people):
        ok = np.ones(n_t, dtype=bool)
        if person.contract is not None:
            c = person.contract
            fits = np.array(
                [all(c in (f, family_contract.get(f)) for f in fams) for fams in t.families],
                dtype=bool,
            )
            why[i, ~fits] = "contract"
            ok &= fits
        if person.unavailable:
            w = np.array(person.unavailable, dtype=float)  # (weekday, from, to)
            clash = (
                (t.piece_weekday[:, None] == w[None, :, 0])
                & (t.piece_lo[:, None] < w[None, :, 2])
                & (w[None, :, 1] < t.piece_hi[:, None])
            ).any(axis=1)
            busy = np.bincount(t.piece_tour, weights=clash, minlength=n_t) > 0
            why[i, ok & busy] = "unavailable"
            ok &= ~busy
        if person.prefer_start is not None:
            lo, hi = person.prefer_start
            off = np.maximum(lo - t.row_start, 0.0) + np.maximum(t.row_start - hi, 0.0)
            hours[i] = np.bincount(t.row_tour, weights=off, minlength=n_t) / 3600.0
        if person.weekends_off is not None:
            wished = weeks if person.weekends_off < 0 else min(person.weekends_off, weeks)
            short[i] = np.maximum(wished - t.weekends, 0)
        cost[i, ok] = (hours[i, ok] + _WEEKEND_HOURS * short[i, ok]) ** 2
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(cost) if n_p and n_t else (np.zeros(0, int),) * 2
    taken = {int(k): int(i) for i, k in zip(rows, cols, strict=True) if cost[i, k] < _BIG}
    unfilled = [k for k in range(n_t) if k not in taken]
    if unfilled:
        raise StaffingError(_unfilled_message(unfilled, numbers, tours, people, why, source))
    name_of = {numbers[k]: people[i].name for k, i in taken.items()}
    out = agents.copy()
    out.insert(1, "name", out["agent"].map(name_of))
    used = set(taken.values())
    idle = tuple(p.name for i, p in enumerate(people) if i not in used)
    by_person = {i: k for k, i in taken.items()}
    summary = []
    for i, person in enumerate(people):
        got = by_person.get(i)
        wish = person.weekends_off
        summary.append(
            {
                "name": person.name,
                "agent": 0 if got is None else numbers[got],
                "shift": ""
                if got is None
                else ", ".join(pd.unique(tours[got]["shift"].astype(str))),
                "days": "" if got is None else str(tours[got]["days"].iloc[0]),
                "start_hours_off": (
                    math.nan if got is None or person.prefer_start is None else float(hours[i, got])
                ),
                "weekends_off": 0 if got is None else int(t.weekends[got]),
                "weekends_wished": -1 if wish is None else (weeks if wish < 0 else wish),
            }
        )
    return Assignment(out, pd.DataFrame(summary), idle)


def _unfilled_message(
    unfilled: Sequence[int],
    numbers: Sequence[int],
    tours: Sequence[pd.DataFrame],
    people: Sequence[Person],
    why: np.ndarray,
    source: str,
) -> str:
    shown = []
    for k in unfilled[:3]:
        t = tours[k]
        start = pd.DatetimeIndex(t["start"])
        first = f"{start.min():%H:%M}"
        days = format_weekdays(sorted({int(d.day_of_week) for d in pd.DatetimeIndex(t["day"])}))
        shown.append(
            f"agent {numbers[k]} ({', '.join(pd.unique(t['shift'].astype(str)))}, {days}, "
            f"first start {first})"
        )
    more = f" and {len(unfilled) - 3} more" if len(unfilled) > 3 else ""
    k = unfilled[0]
    rows = {
        reason: [p.row or i + 2 for i, p in enumerate(people) if why[i, k] == reason]
        for reason in ("unavailable", "contract")
    }
    free = [p.row or i + 2 for i, p in enumerate(people) if not why[i, k]]
    parts = []
    if rows["unavailable"]:
        parts.append(f"`unavailable` rules out {describe_rows(rows['unavailable'])}")
    if rows["contract"]:
        parts.append(f"`contract` rules out {describe_rows(rows['contract'])}")
    if free:
        parts.append(f"the {len(free)} others who could take it are on other tours")
    elif not people:
        parts.append("the table has no one")
    noun = "tour" if len(unfilled) == 1 else "tours"
    return (
        f"{source}: {len(unfilled)} {noun} cannot be given to anyone ({len(people)} people "
        f"for {len(tours)} tours): {'; '.join(shown)}{more}; for the first, "
        + "; ".join(parts)
        + "; add people or relax their rules"
    )
