"""From a requirement to shifts.

Which shifts to staff, how many people on each, when their breaks fall, and how the result
covers the requirement interval by interval.

:func:`schedule` builds and solves the integer program of
:mod:`staffing.scheduling.model` and returns a :class:`Schedule` of four tables with
fixed columns: the shifts (:data:`SCHEDULE_COLUMNS`), the people (:data:`AGENT_COLUMNS`),
the coverage per interval (:data:`COVERAGE_COLUMNS`) and a summary per day and week
(:data:`SUMMARY_COLUMNS`).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from staffing.errors import StaffingError, TargetError
from staffing.queueing.targets import ServiceLevel, TargetSet
from staffing.scheduling.coverage import SCHEDULE_COLUMNS, schedule_coverage, schedule_summary
from staffing.scheduling.model import (
    NO_TIME,
    Candidates,
    Infeasible,
    ModelSolution,
    Service,
    SolverReport,
    cost_unit,
    relative_gap,
    round_up,
    solve_model,
)
from staffing.scheduling.people import Assignment, Person, assign_people, people_table
from staffing.scheduling.requirement import Requirement, open_slots, prepare_requirement
from staffing.scheduling.service import service_curves
from staffing.scheduling.shifts import ShiftFamily, format_weekdays, shift_families
from staffing.scheduling.tours import (
    Deadline,
    TourType,
    binding_rules,
    rotation,
    solve_implicit_tours,
    tour_types,
)
from staffing.vocabulary import (
    WEEKDAYS,
    check_abandon_policy,
    parse_duration,
    parse_rate,
    period_floor,
)

__all__ = ["AGENT_COLUMNS", "OBJECTIVES", "Objective", "Schedule", "schedule"]

Objective = Literal["cover", "soft", "service"]
#: The objectives :func:`schedule` knows.
OBJECTIVES: tuple[str, ...] = ("cover", "soft", "service")
#: Columns of :attr:`Schedule.agents`: one row per person and working day, in order.
AGENT_COLUMNS: tuple[str, ...] = (
    "agent",
    "days",
    "day",
    "shift",
    "start",
    "end",
    "breaks",
    "paid_hours",
)
_DAY_S = 86400
_SHOW = 4
_MOST_AGENTS = 1e6


@dataclass(frozen=True)
class Schedule:
    """A schedule: its shifts, its people, its coverage and the solver's report.

    Attributes
    ----------
    shifts : DataFrame
        Columns :data:`SCHEDULE_COLUMNS`, one row per day, family, start time and break
        times: ``start`` and ``end`` are timestamps (``end`` may fall after the horizon,
        or wrap to its start with ``cyclic``), ``breaks`` the break times as
        ``10:00-10:15; 12:30-13:00 unpaid``, ``count`` the people on it and
        ``paid_hours`` their paid hours together.
    agents : DataFrame
        Columns :data:`AGENT_COLUMNS` (with named people, ``name`` after ``agent``), one
        row per person and working day, people numbered 1..N: ``days`` are the person's
        working weekdays (``Mon-Fri``). Without tours every shift is a person of its own;
        with tours a person keeps a family through the week.
    coverage : DataFrame
        Columns :data:`COVERAGE_COLUMNS`, one row per interval of the horizon (see
        :func:`staffing.scheduling.schedule_coverage`).
    summary : DataFrame
        Columns :data:`SUMMARY_COLUMNS` (see :func:`staffing.scheduling.schedule_summary`).
    solver : SolverReport
        Status, gap reached, whether proven optimal, time and model size.
    objective : str
        The objective solved.
    notes : tuple of str
        What was applied and where, in sentences: the plan's in-centre shrinkage, the
        rules that bind where the requirement is not covered.
    """

    shifts: pd.DataFrame
    agents: pd.DataFrame
    coverage: pd.DataFrame
    summary: pd.DataFrame
    solver: SolverReport
    objective: str
    notes: tuple[str, ...] = ()

    @property
    def paid_hours(self) -> float:
        """Paid hours of the whole schedule [h]."""
        return float(self.shifts["paid_hours"].sum())

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"schedule": ..., "agents": ..., "coverage": ..., "summary": ...}``."""
        return {
            "schedule": self.shifts,
            "agents": self.agents,
            "coverage": self.coverage,
            "summary": self.summary,
        }

    def __repr__(self) -> str:
        s = self.solver
        people = int(self.agents["agent"].nunique()) if len(self.agents) else 0
        proven = ", proven optimal" if s.proven_optimal else f", gap {100 * s.gap:.2f}%"
        return (
            f"Schedule({self.objective}: {int(self.shifts['count'].sum())} shifts, "
            f"{people} agents, {self.paid_hours:,.2f} paid hours; {s.status}{proven} "
            f"in {s.time_s:.1f} s)"
        )


def schedule(
    requirement: pd.DataFrame,
    shifts: pd.DataFrame | Sequence[ShiftFamily],
    *,
    objective: Objective = "cover",
    queue: str | None = None,
    interval_s: float | str | None = None,
    start_step: float | str | None = None,
    days_off: int | None = None,
    consecutive_days_off: bool = False,
    cyclic: bool = False,
    open_hours: Mapping[str, Any] | None = None,
    under_cost: float = 1.0,
    over_cost: float = 0.0,
    service_target: str | ServiceLevel | None = None,
    service_period: Literal["day", "week"] = "week",
    interval_floor: float | str | None = None,
    abandon_policy: str = "fail",
    hours_per_fte: float = 37.5,
    time_limit_s: float = 60.0,
    gap: float | str = 0.01,
    weeks: int = 1,
    weekends_off: int = 0,
    people: pd.DataFrame | Sequence[Person] | None = None,
    keep_shrinkage: bool = True,
    source: str = "requirement",
    started: float | None = None,
    progress: Any = None,
    reserve_s: float = 0.0,
) -> Schedule:
    """Shifts and breaks covering a requirement at least cost (set covering, HiGHS).

    Parameters
    ----------
    requirement : DataFrame
        Agents needed per interval: ``interval_start``, optional ``queue``, ``agents``
        (may be fractional), and for service levels ``calls``, ``aht_s``, optional
        ``patience_s``, ``threshold_s``, ``interval_s``, ``target``: the planner's
        interval table (:attr:`staffing.planner.Plan.intervals`) as it is. See
        :mod:`staffing.scheduling.requirement` for how queues are pooled.
    shifts : DataFrame or sequence of ShiftFamily
        Shift families, one row each (see :mod:`staffing.scheduling.shifts`).
    objective : {"cover", "soft", "service"}, default "cover"
        ``cover``: least paid hours (or cost) with at least the requirement on the phones
        in every interval. ``soft``: least paid cost plus ``under_cost`` per agent-interval
        short and ``over_cost`` per agent-interval over (always feasible). ``service``:
        least paid cost such that the calls-weighted service level of each
        ``service_period`` meets ``service_target``; intervals may fall below the target
        where others make up for it.
    queue : str, optional
        Schedule this queue alone (default: the queues summed).
    interval_s : float or str, optional
        Interval length (default: the table's ``interval_s`` or its timestamps).
    start_step : float or str, optional
        Keep only start times on this step from midnight (``"30min"``), to solve faster.
    days_off : int, optional
        Weekly tours: every person works ``7 - days_off`` days of the 7-day horizon, on
        one shift family (start times may differ from day to day).
    consecutive_days_off : bool, default False
        With tours, the days off follow each other (Sunday and Monday count as
        consecutive only with ``cyclic``).
    cyclic : bool, default False
        The horizon repeats: a shift running past its end covers its start (night shifts
        on the last day cover the first morning).
    open_hours : mapping, optional
        Opening hours per weekday, ``{"Mon-Fri": "07:00-22:00", "Sat": "08:00-20:00"}``;
        a day not named is closed; no shift may work outside them.
    under_cost, over_cost : float, default 1 and 0
        ``soft``: cost of one agent short / over for one interval, in the unit of the
        shift costs (paid hours unless the families give ``cost``).
    service_target : str or ServiceLevel, optional
        ``service``: the target, ``"80/20"``; default the requirement's ``target``
        column. Its threshold is also the one at which the coverage reports service
        levels (else the requirement's ``threshold_s``, else 20 s).
    service_period : {"day", "week"}, default "week"
        ``service``: the target holds for each day or each Monday-to-Sunday week.
    interval_floor : float or str, optional
        ``service``: lowest service level allowed in any interval (``"60%"``).
    abandon_policy : str, default "fail"
        How abandons enter the service level (see :func:`staffing.evaluate`).
    hours_per_fte : float, default 37.5
        Paid hours of one FTE per week, for the summary.
    time_limit_s : float, default 60
        Time for the whole call [s]: building the model, every solve and re-solve and the
        rounding; the best schedule found by then is returned with its gap.
    gap : float or str, default 0.01
        Relative gap at which HiGHS stops (``0.01`` or ``"1%"``).
    weeks : int, default 1
        With tours, a rotation of this many weeks: the week's shifts repeat, people rotate
        through the week's lines (see :func:`staffing.scheduling.tours.rotation`), and
        ``agents`` lists every week.
    weekends_off : int, default 0
        With tours, the fewest whole weekends (Saturday and Sunday) off each person has in
        the ``weeks`` of the rotation, shared as evenly as the lines allow.
    people : DataFrame or sequence of Person, optional
        Named people (see :mod:`staffing.scheduling.people`): after the cover is found,
        the tours are given to them by a min-cost matching (contracts and unavailable
        hours honoured, start-time and weekend wishes balanced); ``agents`` gets a
        ``name`` column and the notes say who is left without a tour and how the wishes
        were met.
    keep_shrinkage : bool, default True
        When the requirement is a plan with ``scheduled`` above ``agents`` (in-centre
        shrinkage ``s = 1 - agents / scheduled``), cover ``agents * (1 - b) / (1 - s)`` on
        the phones, where ``b`` is the paid breaks' share of the shifts' paid time (breaks
        the schedule places itself, so not counted twice); see Notes.
    source : str, default "requirement"
        Name of the requirement in messages.
    started : float, optional
        ``time.perf_counter()`` when the caller's clock for ``time_limit_s`` started
        (default: now).
    progress : callable, optional
        Called with no argument while the solver runs, for a progress display.
    reserve_s : float, default 0
        Seconds of ``time_limit_s`` kept for the caller's own work after this call
        (writing files and figures): the solve ends that much earlier.

    Returns
    -------
    Schedule
        ``.shifts``, ``.agents``, ``.coverage``, ``.summary`` and ``.solver``.

    Raises
    ------
    InputError
        A bad requirement or shift-family table (naming the column and rows).
    StaffingError
        Covering is impossible: the message names the intervals no shift can cover and by
        how much, in one line, and suggests ``objective="soft"``; a ``service`` target no
        schedule meets; no schedule found within ``time_limit_s``.

    Notes
    -----
    The model, its variables, constraints and objective, and its references are in
    :mod:`staffing.scheduling.model` (and :mod:`staffing.scheduling.tours` for weekly
    tours).

    A plan's in-centre shrinkage ``s`` (``scheduled = agents / (1 - s)``) holds the breaks
    and everything else that keeps a paid agent off the phones in the centre. The schedule
    places the breaks of its shifts itself: if they take a share ``b`` of paid time (the
    families' mean), the rest of the shrinkage is ``s' = 1 - (1 - s) / (1 - b)`` and the
    schedule covers ``agents / (1 - s')`` on the phones (``agents`` where ``b >= s``), so
    that its paid hours meet the plan's scheduled hours.

    Time is cut into the largest slot on which every interval, start time, length and
    break window lies (15 minutes for the usual tables). ``cover`` asks for
    ``ceil(agents)`` in every slot; with intervals longer than a slot, every slot of the
    interval.

    Examples
    --------
    Four hours of two agents, then four hours of three; four-hour shifts starting on the
    hour from 08:00 to 12:00, no breaks: two from 08:00 and three from 12:00.

    >>> req = pd.DataFrame({"interval_start": pd.date_range("2025-03-03 08:00",
    ...                                                      periods=16, freq="30min"),
    ...                     "agents": [2] * 8 + [3] * 8})
    >>> fam = pd.DataFrame({"shift": ["half"], "start": ["08:00-12:00/1h"],
    ...                     "length": ["4h"]})
    >>> s = schedule(req, fam)
    >>> s.shifts[["shift", "start", "end", "count", "paid_hours"]]
      shift               start                 end  count  paid_hours
    0  half 2025-03-03 08:00:00 2025-03-03 12:00:00      2         8.0
    1  half 2025-03-03 12:00:00 2025-03-03 16:00:00      3        12.0
    >>> s.solver.status, s.solver.proven_optimal, s.paid_hours
    ('optimal', True, 20.0)
    """
    if objective not in OBJECTIVES:
        raise StaffingError(f"objective {objective!r}: use one of {', '.join(OBJECTIVES)}")
    check_abandon_policy(abandon_policy)
    families = shift_families(shifts) if isinstance(shifts, pd.DataFrame) else tuple(shifts)
    if not families:
        raise StaffingError("no shift families given")
    notes: list[str] = []
    if keep_shrinkage:
        requirement = _grossed_up(requirement, families, notes)
    req = prepare_requirement(requirement, queue=queue, interval_s=interval_s, source=source)
    peak = float(np.max(req.required)) if req.required.size else 0.0
    if not peak <= _MOST_AGENTS:
        raise StaffingError(
            f"{source}: an interval needs {peak:.4g} agents; a schedule staffs at most "
            f"{_MOST_AGENTS:,.0f} agents in an interval"
        )
    step = None if start_step is None else _seconds(start_step, "`start_step`")
    gap_value = parse_rate(gap, what="`gap`", allow_one=False)
    if not (math.isfinite(time_limit_s) and time_limit_s > 0):
        raise StaffingError(f"`time_limit_s` {time_limit_s!r}: give a number of seconds above 0")
    clock = Deadline(time_limit_s, started)
    if not (isinstance(weeks, int | np.integer) and 1 <= weeks <= 52):
        raise StaffingError(f"`weeks` {weeks!r}: give a whole number of weeks from 1 to 52")
    if not (isinstance(weekends_off, int | np.integer) and 0 <= weekends_off <= weeks):
        raise StaffingError(
            f"`weekends_off` {weekends_off!r}: give 0 to `weeks` ({weeks}) weekends off"
        )
    persons: tuple[Person, ...] | None = None
    if people is not None:
        persons = (
            people_table(people, source="people")
            if isinstance(people, pd.DataFrame)
            else tuple(people)
        )
    if (weeks > 1 or weekends_off or people is not None) and days_off is None:
        raise StaffingError(
            "`weeks`, `weekends_off` and `people` apply to weekly tours: give `days_off`"
        )
    if days_off is not None and req.days != 7:
        raise StaffingError(
            f"weekly tours (`days_off`) need a requirement of 7 days; it has {req.days}"
        )
    if service_period not in ("day", "week"):
        raise StaffingError(f"`service_period` {service_period!r}: use day or week")
    target = _service_target(objective, service_target, req)
    threshold = target.threshold_s if target is not None else None

    slot_s = _slot(req, families, step)
    per_interval = req.interval_s // slot_s
    per_day = _DAY_S // slot_s
    T = req.days * per_day
    opened = open_slots(open_hours, req.first_day, req.days, slot_s)
    cands = _candidates(families, req, slot_s, step, opened, cyclic)
    required = np.repeat(req.required, per_interval)
    if len(cands) == 0:
        days = _days_text(req)
        if objective != "soft":
            raise StaffingError(
                f"no shift family works on any day of the requirement ({days}: their days, "
                "start times and open hours); use objective='soft' to see the shortfall"
            )
        notes.append(f"No shift family works on any day of the requirement ({days}).")
    if objective == "cover":
        _check_coverable(families, cands, req, required, slot_s, cyclic)

    lower: np.ndarray | None = None
    soft = None
    service: Service | None = None
    day_of = np.zeros(0, dtype=np.int64)
    if objective == "cover":
        lower = np.ceil(required - 1e-9)
    elif objective == "soft":
        if not (math.isfinite(under_cost) and under_cost > 0 and over_cost >= 0):
            raise StaffingError("`under_cost` must be above 0 and `over_cost` 0 or more")
        scale = slot_s / req.interval_s  # costs are per agent-interval
        soft = (required, under_cost * scale, over_cost * scale)
    else:
        assert target is not None
        floor = (
            None
            if interval_floor is None
            else parse_rate(interval_floor, what="`interval_floor`", allow_one=False)
        )
        curves = service_curves(
            req, threshold_s=threshold, abandon_policy=abandon_policy, interval_floor=floor
        )
        lower = np.zeros(T)
        lower[(curves.slots[:, None] * per_interval + np.arange(per_interval)).ravel()] = np.repeat(
            curves.floor, per_interval
        )
        day_of = curves.slots // req.intervals_per_day
        dates = req.first_day + day_of.astype("timedelta64[D]")
        period = day_of if service_period == "day" else period_floor(dates, "week").astype(np.int64)
        _check_coverable(families, cands, req, lower, slot_s, cyclic, what="floor")
        service = (curves, per_interval, target.fraction, period)

    tours = None if days_off is None else (int(days_off), bool(consecutive_days_off))
    contracts = _contracts(families)
    common: dict[str, Any] = {
        "slot_s": slot_s,
        "horizon_slots": T,
        "cyclic": cyclic,
        "lower": lower,
        "soft": soft,
        "service": service,
        "time_limit_s": clock.left(),
        "gap": gap_value,
    }
    types: list[TourType] = []
    lines: list[tuple[int, tuple[int, ...]]] = []
    weekday0 = int((req.first_day.astype(np.int64) + 3) % 7)
    try:
        weekly_bound = None
        if service is not None and np.unique(service[3]).size < np.unique(day_of).size:
            common["service"], weekly_bound = _service_by_day(
                families, cands, service, day_of, tours, common
            )
        if clock.left() <= 0.0:  # the time limit passed while the model was prepared
            raise StaffingError(NO_TIME)
        if tours is None:
            common["time_limit_s"] = clock.left()
            solution = solve_model(families, cands, **common)
        else:
            weight = required if objective != "service" else lower
            assert weight is not None
            types = tour_types(
                families,
                cands,
                days_off=tours[0],
                consecutive=tours[1],
                cyclic=cyclic,
                weekday0=weekday0,
                weeks=weeks,
                weekends_off=weekends_off,
            )
            del common["time_limit_s"]
            # what follows the solve (tables, coverage, people) needs its own time
            reserve = min(0.1 * time_limit_s, 1.0 + 0.25 * weeks) + max(reserve_s, 0.0)
            solution, lines = solve_implicit_tours(
                families,
                cands,
                types,
                weight=weight,
                contracts=contracts,
                weeks=weeks,
                weekends_off=weekends_off,
                deadline=Deadline(clock.end - reserve - clock.start, clock.start),
                **common,
            )
    except StaffingError as exc:
        if not isinstance(exc, Infeasible):
            if str(exc).startswith(NO_TIME):
                raise StaffingError(
                    f"{NO_TIME} of {_seconds_text(time_limit_s)}; give more time "
                    "(`time_limit_s`), a larger `gap` or a coarser `start_step`"
                ) from None
            raise
        if objective == "service":
            raise StaffingError(
                f"no schedule meets the service target {target} with these shift families "
                f"(head limits or tours); lower `service_target`, relax `max` or use "
                "objective='soft'"
            ) from None
        _explain_infeasible(
            families,
            cands,
            req,
            required,
            slot_s,
            cyclic,
            tours,
            max(clock.left(), 1.0),
            types=types,
            contracts=contracts,
            weeks=weeks,
            weekends_off=weekends_off,
        )
        raise
    if weekly_bound is not None:
        solution = _with_bound(solution, weekly_bound, gap_value)

    table = _schedule_table(families, cands, solution, req, slot_s)
    agents = _agent_table(
        families,
        cands,
        solution,
        req,
        slot_s,
        table,
        tours is not None,
        types=types,
        lines=lines,
        weeks=weeks,
    )
    if persons is not None:
        given = assign_people(agents, persons, families, weeks=weeks, source="people")
        agents = given.agents
        notes.append(_people_note(given, weeks))
    coverage = schedule_coverage(
        table, req, cyclic=cyclic, threshold_s=threshold, abandon_policy=abandon_policy
    )
    summary = schedule_summary(table, coverage, calls=req.calls, hours_per_fte=hours_per_fte)
    if objective == "soft" and float(coverage["under"].sum()) > 0 and len(cands):
        rules = binding_rules(
            families,
            cands,
            required,
            slot_s=slot_s,
            cyclic=cyclic,
            days_off=None if tours is None else tours[0],
            consecutive=False if tours is None else tours[1],
            weekday0=weekday0,
            weeks=weeks,
            weekends_off=weekends_off,
            deadline=Deadline(min(clock.left(), 10.0)),
        )
        if rules:
            notes.append(
                f"Where the requirement is not covered, these rules bind: {'; '.join(rules)}."
            )
    return Schedule(table, agents, coverage, summary, solution.report, objective, tuple(notes))


def _people_note(given: Assignment, weeks: int) -> str:
    """What the assignment of named people did, in two or three sentences."""
    summary = given.people
    placed = summary[summary["agent"] > 0]
    text = f"Named people: {len(placed)} tours given to {len(summary)} people"
    if given.idle:
        shown = ", ".join(given.idle[:_SHOW])
        more = f" and {len(given.idle) - _SHOW} more" if len(given.idle) > _SHOW else ""
        text += f"; without a tour: {shown}{more}"
    text += "."
    banded = placed[placed["start_hours_off"].notna()]
    wished = placed[placed["weekends_wished"] >= 0]
    parts = []
    if len(banded):
        met = int((banded["start_hours_off"] <= 1e-9).sum())
        worst = float(banded["start_hours_off"].max())
        parts.append(
            f"all starts inside the preferred band for {met} of {len(banded)} people (the "
            f"furthest {worst:g} hours off over the {'week' if weeks == 1 else 'rota'})"
        )
    if len(wished):
        met = int((wished["weekends_off"] >= wished["weekends_wished"]).sum())
        parts.append(f"weekends off as wished for {met} of {len(wished)}")
    if parts:
        text += " " + "; ".join(parts).capitalize() + "."
    return text


# --------------------------------------------------------------------------- set-up


def _seconds_text(seconds: float) -> str:
    """A time limit as the user gave it: ``30 s``, ``1 s``, ``0.001 s``, ``2 min``.

    Examples
    --------
    >>> _seconds_text(30.0), _seconds_text(0.001), _seconds_text(120.0)
    ('30 s', '0.001 s', '120 s')
    """
    return f"{seconds:g} s"


def _days_text(req: Requirement) -> str:
    """The requirement's days with agents needed, ``Mon 2025-03-03, Tue 2025-03-04``."""
    per_day = req.required.reshape(req.days, -1).max(axis=1)
    names = [w.capitalize() for w in WEEKDAYS]
    days = [
        pd.Timestamp(req.first_day + np.timedelta64(d, "D"))
        for d in range(req.days)
        if per_day[d] > 0
    ]
    text = ", ".join(f"{names[t.day_of_week]} {t:%Y-%m-%d}" for t in days[:_SHOW])
    return text + (f" and {len(days) - _SHOW} more" if len(days) > _SHOW else "")


def _grossed_up(
    requirement: pd.DataFrame, families: Sequence[ShiftFamily], notes: list[str]
) -> pd.DataFrame:
    """The plan's agents grossed up for the in-centre shrinkage the breaks do not hold.

    See :func:`schedule`, Notes; ``notes`` gets a sentence saying what was applied.
    """
    if not {"agents", "scheduled"} <= set(requirement.columns):
        return requirement
    agents = pd.to_numeric(requirement["agents"], errors="coerce").to_numpy(dtype=float)
    scheduled = pd.to_numeric(requirement["scheduled"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(agents) & np.isfinite(scheduled) & (scheduled > agents) & (agents > 0)
    if not ok.any():
        return requirement
    shrink = np.zeros_like(agents)
    shrink[ok] = 1.0 - agents[ok] / scheduled[ok]
    paid_breaks = [
        sum(b.duration_s for b in f.breaks if b.paid) / f.paid_s for f in families if f.paid_s
    ]
    b = float(np.mean(paid_breaks)) if paid_breaks else 0.0
    rest = np.where(ok, np.clip(1.0 - (1.0 - shrink) / (1.0 - b), 0.0, 1.0), 0.0)
    out = requirement.copy()
    out["agents"] = np.where(ok, agents / (1.0 - rest), agents)
    s_mean = float(np.average(shrink[ok], weights=agents[ok]))
    r_mean = float(np.average(rest[ok], weights=agents[ok]))
    hours = (
        pd.to_numeric(requirement["interval_s"], errors="coerce").to_numpy(dtype=float) / 3600.0
        if "interval_s" in requirement
        else np.ones_like(agents)
    )
    before = float(np.nansum(agents * hours))
    after = float(np.nansum(out["agents"].to_numpy(dtype=float) * hours))
    unit = "agent-hours" if "interval_s" in requirement else "agents summed over intervals"
    notes.append(
        f"In-centre shrinkage from the plan ({100 * s_mean:.1f}%, 1 - agents/scheduled): "
        f"the schedule's paid breaks hold {100 * b:.1f}% of paid time and are placed by the "
        f"schedule; the other {100 * r_mean:.1f}% grosses up the agents needed on the phones "
        f"({unit} {before:,.1f} -> {after:,.1f})."
    )
    return out


def _seconds(value: Any, what: str) -> int:
    seconds = parse_duration(value, what=what, allow_zero=False)
    if seconds % 60:
        raise StaffingError(f"{what} {value!r}: give a whole number of minutes")
    return int(seconds)


def _service_target(
    objective: str, given: str | ServiceLevel | None, req: Requirement
) -> ServiceLevel | None:
    spec: Any = given
    if spec is None and req.target is not None:
        spec = req.target
    if spec is None:
        if objective == "service":
            raise StaffingError("the service objective needs `service_target` (e.g. 80/20)")
        return None
    levels = TargetSet.parse(spec).service_levels
    if not levels:
        if given is None:
            if objective == "service":
                raise StaffingError(
                    f"the requirement's target {spec!r} has no service level; give "
                    "`service_target` (e.g. 80/20)"
                )
            return None
        raise TargetError(f"service target {given!r}: give a service level such as 80/20")
    if objective == "service" and req.queues is None:
        raise StaffingError(
            "the service objective needs `calls` and `aht_s` in the requirement (a plan's "
            "interval table has them)"
        )
    return levels[0]


def _slot(req: Requirement, families: Sequence[ShiftFamily], step: int | None) -> int:
    """Largest slot [s] on which the intervals and every family time lie."""
    values = [req.interval_s] + ([step] if step else [])
    for f in families:
        times = [f.length_s, *f.starts_s]
        for b in f.breaks:
            times += [b.duration_s, b.earliest_s, b.latest_s]
        for t in times:
            if t % 60:
                raise StaffingError(
                    f"shift family {f.name!r}: times must be whole minutes ({t:g} s is not)"
                )
        values += [int(t) for t in times]
    return math.gcd(*values)


def _candidates(
    families: Sequence[ShiftFamily],
    req: Requirement,
    slot_s: int,
    step: int | None,
    opened: np.ndarray,
    cyclic: bool,
) -> Candidates:
    per_day = _DAY_S // slot_s
    T = req.days * per_day
    weekday0 = int((req.first_day.astype(np.int64) + 3) % 7)
    fam, day, start = [], [], []
    for f, family in enumerate(families):
        offsets = np.array(
            [s for s in family.starts_s if step is None or s % step == 0], dtype=np.int64
        )
        if offsets.size == 0:
            raise StaffingError(
                f"`start_step` {step} s leaves shift family {family.name!r} no start time"
            )
        length = round(family.length_s / slot_s)
        for d in range(req.days):
            if (weekday0 + d) % 7 not in family.days:
                continue
            a = d * per_day + offsets // slot_s
            span = a[:, None] + np.arange(length)[None, :]
            index = span % T + per_day if cyclic else span + per_day
            ok = opened[np.minimum(index, opened.size - 1)].all(axis=1)
            fam.append(np.full(int(ok.sum()), f))
            day.append(np.full(int(ok.sum()), d))
            start.append(a[ok])
    if not fam:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(empty, empty, empty)
    return Candidates(
        np.concatenate(fam).astype(np.int64),
        np.concatenate(day).astype(np.int64),
        np.concatenate(start).astype(np.int64),
    )


def _reach(
    families: Sequence[ShiftFamily], cands: Candidates, slot_s: int, T: int, cyclic: bool
) -> np.ndarray:
    """Most agents any schedule could put on shift per slot (``inf`` without ``max``)."""
    reach = np.zeros(T)
    for f, family in enumerate(families):
        cap = np.inf if family.max_heads is None else float(family.max_heads)
        length = round(family.length_s / slot_s)
        for d in np.unique(cands.day[cands.family == f]):
            a = cands.start[(cands.family == f) & (cands.day == d)]
            span = (a[:, None] + np.arange(length)[None, :]).ravel()
            span = span % T if cyclic else span[span < T]
            touched = np.zeros(T, dtype=bool)
            touched[span] = True
            reach[touched] += cap
    return reach


def _describe(req: Requirement, short: np.ndarray, per_interval: int) -> str:
    """``Mon 2025-03-03 06:30 by 2, ...`` for the intervals short (max over their slots)."""
    by_interval = short.reshape(-1, per_interval).max(axis=1)
    bad = np.flatnonzero(by_interval > 1e-9)
    starts = req.starts
    names = [w.capitalize() for w in WEEKDAYS]
    parts = []
    for i in bad[:_SHOW]:
        t = starts[i]
        amount = by_interval[i]
        parts.append(
            f"{names[t.day_of_week]} {t:%Y-%m-%d %H:%M} by "
            f"{'all' if not np.isfinite(amount) else f'{amount:g}'}"
        )
    more = f" and {bad.size - _SHOW} more" if bad.size > _SHOW else ""
    noun = "interval" if bad.size == 1 else "intervals"
    return f"{bad.size} {noun} ({', '.join(parts)}{more})"


def _check_coverable(
    families: Sequence[ShiftFamily],
    cands: Candidates,
    req: Requirement,
    need: np.ndarray,
    slot_s: int,
    cyclic: bool,
    what: str = "requirement",
) -> None:
    """Raise when some slot needs more agents than every allowed shift together can give."""
    reach = _reach(families, cands, slot_s, need.size, cyclic)
    short = np.where(need > reach + 1e-9, np.where(reach > 0, need - reach, np.inf), 0.0)
    if not short.any():
        return
    per_interval = req.interval_s // slot_s
    uncovered = np.isinf(short)
    why = (
        "no allowed shift works them (open hours, start times or days)"
        if uncovered.any() and not np.any(np.isfinite(short) & (short > 0))
        else "above what the shifts allowed there can give (`max` heads, open hours, "
        "start times or days)"
    )
    short = np.where(uncovered, np.ceil(need), short)
    lead = "cannot cover" if what == "requirement" else "cannot reach the service floor in"
    raise StaffingError(
        f"{lead} {_describe(req, short, per_interval)}: {why}; use objective='soft' to "
        "schedule anyway (shortfall priced by `under_cost`)"
    )


def _explain_infeasible(
    families: Sequence[ShiftFamily],
    cands: Candidates,
    req: Requirement,
    required: np.ndarray,
    slot_s: int,
    cyclic: bool,
    tours: tuple[int, bool] | None,
    time_limit_s: float,
    *,
    types: Sequence[TourType] = (),
    contracts: dict[str, int] | None = None,
    weeks: int = 1,
    weekends_off: int = 0,
) -> None:
    """Find the least shortfall.

    By the soft model with a dominant under cost; say where and which rule binds.
    """
    clock = Deadline(time_limit_s)
    heaviest = max(f.cost_per_shift for f in families)
    soft = (required, 1e3 * heaviest, 0.0)
    weekday0 = int((req.first_day.astype(np.int64) + 3) % 7)
    try:
        if tours is None:
            on = solve_model(
                families,
                cands,
                slot_s=slot_s,
                horizon_slots=required.size,
                cyclic=cyclic,
                lower=None,
                soft=soft,
                time_limit_s=clock.share(2),
                gap=1e-4,
            ).on_phones
        else:
            on = solve_implicit_tours(
                families,
                cands,
                types,
                slot_s=slot_s,
                horizon_slots=required.size,
                cyclic=cyclic,
                lower=None,
                weight=required,
                soft=soft,
                contracts=contracts,
                weeks=weeks,
                weekends_off=weekends_off,
                deadline=Deadline(clock.share(2)),
                gap=1e-4,
            )[0].on_phones
    except StaffingError:
        on = np.zeros_like(required)
    short = np.maximum(np.ceil(required - 1e-9) - on, 0.0)
    rules = binding_rules(
        families,
        cands,
        required,
        slot_s=slot_s,
        cyclic=cyclic,
        days_off=None if tours is None else tours[0],
        consecutive=False if tours is None else tours[1],
        weekday0=weekday0,
        weeks=weeks,
        weekends_off=weekends_off,
        deadline=clock,
    )
    why = (
        f"the head limits, contracts or tours bind: {'; '.join(rules)}"
        if rules
        else "with the head limits (`min`/`max`), contracts and tours of these shift families"
    )
    raise StaffingError(
        f"cannot cover {_describe(req, short, req.interval_s // slot_s)} {why}; use "
        "objective='soft' to schedule anyway (shortfall priced by `under_cost`)"
    )


def _contracts(families: Sequence[ShiftFamily]) -> dict[str, int]:
    """Most people per contract, from the families' ``contract_max`` (one value each)."""
    out: dict[str, int] = {}
    seen: dict[str, ShiftFamily] = {}
    for f in families:
        if f.contract is None or f.contract_max is None:
            continue
        if f.contract in out and out[f.contract] != f.contract_max:
            other = seen[f.contract]
            raise StaffingError(
                f"contract {f.contract!r}: `contract_max` {other.contract_max} on shift family "
                f"{other.name!r} (row {other.row}) but {f.contract_max} on {f.name!r} (row "
                f"{f.row}); give one value"
            )
        out[f.contract] = f.contract_max
        seen[f.contract] = f
    return out


def _service_by_day(
    families: Sequence[ShiftFamily],
    cands: Candidates,
    service: Service,
    day_of: np.ndarray,
    tours: tuple[int, bool] | None,
    common: dict[str, Any],
) -> tuple[Service, float]:
    """A weekly service level split into daily ones, so that the days solve apart.

    The linear relaxation of the weekly model reaches, on each day, some calls-weighted
    sum of the intervals' (chord) service levels; asking each day for at least its share
    asks the week for at least its target, and leaves the days independent. The
    relaxation's cost (rounded up to the step of the shift costs) stays a lower bound on
    every weekly schedule. Returns the daily service tuple and that bound; the time used
    is taken off ``common["time_limit_s"]``.
    """
    t0 = time.perf_counter()
    relaxed = solve_model(families, cands, **dict(common, tours=tours, integer=False))
    curves, per_interval, _, _ = service
    on = relaxed.on_phones.reshape(-1, per_interval).mean(axis=1)[curves.slots]
    chord = curves.value + curves.slope * (on[curves.segment] - curves.at)
    level = curves.top.copy()
    np.minimum.at(level, curves.segment, chord)
    days, pos = np.unique(day_of, return_inverse=True)
    reached = np.bincount(pos, weights=curves.weights * level, minlength=days.size)
    calls = np.bincount(pos, weights=curves.weights, minlength=days.size)
    share = np.clip(reached / np.where(calls > 0, calls, 1.0) - 1e-9, 0.0, 1.0)
    unit = cost_unit(np.array([f.cost_per_shift for f in families]))
    bound = round_up(relaxed.report.objective, unit)
    common["time_limit_s"] = max(common["time_limit_s"] - (time.perf_counter() - t0), 1.0)
    return (curves, per_interval, share, day_of), bound


def _with_bound(solution: ModelSolution, bound: float, gap: float) -> ModelSolution:
    """The solution judged against ``bound`` (a bound of the problem before a split)."""
    r = solution.report
    reached = relative_gap(r.objective, bound)
    status = (
        "optimal"
        if reached <= gap + 1e-12
        else (r.status if r.status != "optimal" else "gap not reached")
    )
    report = dataclasses.replace(
        r, status=status, bound=bound, gap=reached, proven_optimal=reached <= 1e-9
    )
    return dataclasses.replace(solution, report=report)


# --------------------------------------------------------------------------- tables


def _clock(slot: np.ndarray | int, slot_s: int) -> str:
    seconds = int(slot) * slot_s % _DAY_S
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _break_text(family: ShiftFamily, starts: np.ndarray, slot_s: int) -> str:
    parts = []
    for brk, s in zip(family.breaks, starts, strict=True):
        end = int(s) + round(brk.duration_s / slot_s)
        text = f"{_clock(s, slot_s)}-{_clock(end, slot_s)}"
        parts.append(text if brk.paid else f"{text} unpaid")
    return "; ".join(parts)


def _schedule_table(
    families: Sequence[ShiftFamily],
    cands: Candidates,
    solution: ModelSolution,
    req: Requirement,
    slot_s: int,
) -> pd.DataFrame:
    origin = pd.Timestamp(req.first_day)
    slot = pd.Timedelta(seconds=slot_s)
    rows = []
    for j in np.flatnonzero(solution.counts > 0):
        family = families[cands.family[j]]
        start = origin + int(cands.start[j]) * slot
        people = solution.breaks[int(j)]
        if people.shape[1]:
            patterns, counts = np.unique(people, axis=0, return_counts=True)
        else:
            patterns, counts = people[:1], np.array([people.shape[0]])
        for pattern, count in zip(patterns, counts, strict=True):
            rows.append(
                {
                    "day": origin + pd.Timedelta(days=int(cands.day[j])),
                    "shift": family.name,
                    "start": start,
                    "end": start + pd.Timedelta(seconds=family.length_s),
                    "breaks": _break_text(family, pattern, slot_s),
                    "count": int(count),
                    "paid_hours": int(count) * family.paid_hours,
                }
            )
    table = pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))
    if table.empty:
        return table.astype(
            {
                "day": "datetime64[ns]",
                "start": "datetime64[ns]",
                "end": "datetime64[ns]",
                "shift": object,
                "breaks": object,
                "count": np.int64,
                "paid_hours": float,
            }
        )
    table = table.sort_values(["day", "start", "shift", "breaks"], kind="stable")
    return table.reset_index(drop=True).astype({"count": np.int64, "paid_hours": float})


def _agent_table(
    families: Sequence[ShiftFamily],
    cands: Candidates,
    solution: ModelSolution,
    req: Requirement,
    slot_s: int,
    table: pd.DataFrame,
    tours: bool,
    *,
    types: Sequence[TourType] = (),
    lines: Sequence[tuple[int, tuple[int, ...]]] = (),
    weeks: int = 1,
) -> pd.DataFrame:
    """One row per person and working day (see :class:`Schedule`).

    With tours, people rotate through the week's lines for ``weeks`` weeks.
    """
    weekday0 = int((req.first_day.astype(np.int64) + 3) % 7)
    expanded = table.loc[table.index.repeat(table["count"])].reset_index(drop=True)
    expanded["paid_hours"] = expanded["paid_hours"] / expanded["count"]
    expanded = expanded.drop(columns="count")
    if not tours:
        expanded.insert(0, "agent", np.arange(1, len(expanded) + 1, dtype=np.int64))
        names = [w.capitalize() for w in WEEKDAYS]
        expanded.insert(1, "days", [names[d.day_of_week] for d in expanded["day"]])
        return expanded[list(AGENT_COLUMNS)]
    weekend = frozenset({(5 - weekday0) % 7, (6 - weekday0) % 7})
    # people in family order, each family's lines kept together
    order = sorted(range(len(lines)), key=lambda i: (types[lines[i][0]].family, lines[i][1]))
    ordered = [lines[i] for i in order]
    rota = rotation(ordered, types, weeks, weekend)
    rota.sort(key=lambda r: (types[ordered[r[0]][0]].family, r))
    by_name = {f.name: i for i, f in enumerate(families)}
    fam_of_row = expanded["shift"].map(by_name).to_numpy()
    day_index = (
        ((expanded["day"] - pd.Timestamp(req.first_day)) / pd.Timedelta(days=1))
        .astype(np.int64)
        .to_numpy()
    )
    parts = []
    for week in range(weeks):
        shift = pd.Timedelta(days=7 * week)
        for f in range(len(families)):
            mine = [p for p, r in enumerate(rota) if types[ordered[r[0]][0]].family == f]
            for d in range(7):
                workers = [p for p in mine if d not in ordered[rota[p][week]][1]]
                today = expanded.loc[(fam_of_row == f) & (day_index == d)]
                if len(workers) != len(today):
                    raise RuntimeError("tour heads differ from the day's shifts")
                block = today.copy()
                for name in ("day", "start", "end"):
                    block[name] = block[name] + shift
                block.insert(0, "agent", np.array(workers, dtype=np.int64) + 1)
                block.insert(
                    1,
                    "days",
                    [
                        format_weekdays(
                            (weekday0 + w) % 7
                            for w in range(7)
                            if w not in ordered[rota[p][week]][1]
                        )
                        for p in workers
                    ],
                )
                parts.append(block)
    agents = pd.concat(parts, ignore_index=True) if parts else expanded.iloc[:0]
    agents = agents.sort_values(["agent", "day"], kind="stable").reset_index(drop=True)
    return agents[list(AGENT_COLUMNS)].astype({"agent": np.int64})
