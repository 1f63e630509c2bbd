"""Deferred work: hand-worked plans, blending, errors, monotonicity, and a simulation check.

The reference figures are worked by hand in each test's docstring from the fluid model of
:func:`staffing.planner.deferred.plan_deferred` (cumulative work due by t must be handled
by t). The simulation below is independent of the planner: it draws items, serves them one
by one at the planned capacity and counts those handled within their deadline.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.errors import InputError, StaffingError, TargetError
from staffing.planner.deferred import (
    DEFERRED_CLASS_COLUMNS,
    DEFERRED_INTERVAL_COLUMNS,
    DEFERRED_SUMMARY_COLUMNS,
    DeferredTarget,
    deferred_target,
    open_intervals,
    plan_deferred,
    plan_deferred_forecast,
)
from staffing.queueing import ServiceLevel

QUARTER = 900.0


def day_open(n_days: int = 1, start: str = "2024-03-04", hours: str = "08:00-18:00"):
    """15-minute interval starts over ``n_days`` and their open flags (every day open)."""
    starts = pd.date_range(start, periods=96 * n_days, freq="15min")
    return starts, open_intervals(starts, hours)


# --------------------------------------------------------------------------- the simulator


def simulate(
    plan,
    arrivals: np.ndarray,
    aht_s: np.ndarray,
    targets: list[DeferredTarget],
    *,
    is_open: np.ndarray,
    business_hours: bool,
    rng: np.random.Generator,
    policy: str = "edf",
) -> list[tuple[int, int]]:
    """One replication: (items handled within the deadline, items whose fate is known) per class.

    Model: items of class c arrive in interval k as a Poisson number with mean
    ``arrivals[c, k]``, at uniform instants within the interval; each needs an exponential
    amount of work with mean ``aht_s[c, k]`` agent-seconds. The planned capacity of each
    interval (``capacity_hours``) is one server working at the planned agents' combined
    rate; the simulation runs on the server's own clock (agent-seconds of capacity used so
    far), on which it works at rate 1 and which stands still while nothing is open. Items
    are taken one at a time and finished once started. A free server takes the waiting
    item with the smallest key: ``"edf"`` the earliest current due time, then the higher
    priority; ``"strict"`` the higher priority, then the earliest current due time. An
    item's current due time is its deadline until that passes, then its final limit
    (``late_within_s``). Deadlines run on the calendar or on open time
    (``business_hours``). An item's fate is known when it is handled within the horizon
    or its deadline lies within it.
    """
    k = arrivals.shape[1]
    bounds = QUARTER * np.arange(k + 1)
    capacity = plan.intervals["capacity_hours"].to_numpy() * 3600.0
    phi = np.concatenate([[0.0], np.cumsum(capacity)])  # server clock at the bounds
    rate = is_open.astype(float) if business_hours else np.ones(k)
    clock = np.concatenate([[0.0], np.cumsum(rate * QUARTER)])  # deadline clock

    def due(t: np.ndarray, seconds: np.ndarray) -> np.ndarray:
        """First instant the deadline clock reaches its reading at ``t`` plus ``seconds``."""
        goal = np.interp(t, bounds, clock) + seconds
        i = np.searchsorted(clock, goal - 1e-9, side="left")
        out = np.full(t.shape, np.inf)
        ok = (i >= 1) & (i <= k)
        j = i[ok]
        out[ok] = bounds[j - 1] + (goal[ok] - clock[j - 1]) / rate[j - 1]
        return out

    times, work, cls = [], [], []
    for c in range(arrivals.shape[0]):
        n = rng.poisson(arrivals[c])
        which = np.repeat(np.arange(k), n)
        times.append(bounds[which] + rng.uniform(0.0, QUARTER, which.size))
        work.append(rng.exponential(aht_s[c][which]))
        cls.append(np.full(which.size, c))
    t = np.concatenate(times)
    w = np.concatenate(work)
    c_of = np.concatenate(cls)
    order = np.argsort(t, kind="stable")
    t, w, c_of = t[order], w[order], c_of[order]
    deadline = np.array([targets[c].deadline_s for c in range(len(targets))])[c_of]
    final = np.array([targets[c].final_s for c in range(len(targets))])[c_of]
    due_first, due_last = due(t, deadline), due(t, final)
    never = 10.0 * phi[-1] + 1e12
    at = np.interp(t, bounds, phi)
    first = np.where(np.isfinite(due_first), np.interp(due_first, bounds, phi), never)
    last = np.where(np.isfinite(due_last), np.interp(due_last, bounds, phi), never)

    def key(i: int, fresh: bool) -> tuple[float, int, int]:
        when = first[i] if fresh else last[i]
        if policy == "edf":
            return (when, int(c_of[i]), i)
        return (int(c_of[i]), when, i)  # type: ignore[return-value]

    done = np.full(t.size, np.inf)
    waiting: list[tuple[tuple[float, int, int], int, bool]] = []
    now, nxt = 0.0, 0
    while nxt < t.size or waiting:
        if not waiting:
            now = max(now, at[nxt])
        while nxt < t.size and at[nxt] <= now:
            heapq.heappush(waiting, (key(nxt, True), nxt, True))
            nxt += 1
        while True:
            _, i, fresh = heapq.heappop(waiting)
            if fresh and first[i] < now - 1e-9:  # missed its deadline: wait for the final limit
                heapq.heappush(waiting, (key(i, False), i, False))
                continue
            break
        now += w[i]
        done[i] = now
        if now > phi[-1] + 1e-6:
            break
    handled = done <= phi[-1] + 1e-6
    within = handled & np.isfinite(due_first) & (done <= first + 1e-6)
    within |= handled & ~np.isfinite(due_first)
    known = handled | np.isfinite(due_first)
    return [
        (int((within & (c_of == c)).sum()), int((known & (c_of == c)).sum()))
        for c in range(len(targets))
    ]


def replicate(plan, arrivals, aht_s, targets, *, reps: int, seed: int, **kw) -> np.ndarray:
    """Achieved share within the deadline per replication and class, shape (reps, classes)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(reps):
        counts = simulate(plan, arrivals, aht_s, targets, rng=rng, **kw)
        out.append([a / b for a, b in counts])
    return np.array(out)


# --------------------------------------------------------------------------- targets and hours


def test_targets_from_every_spelling() -> None:
    """Tuples go through the vocabulary; a ServiceLevel's threshold is the deadline."""
    assert deferred_target(("90%", "4h")) == DeferredTarget(0.9, 14400.0)
    assert deferred_target((90, 14400, "6h")) == DeferredTarget(0.9, 14400.0, 21600.0)
    assert deferred_target(ServiceLevel(0.8, 3600.0)).deadline_s == 3600.0
    assert deferred_target("90/14400") == DeferredTarget(0.9, 14400.0)
    assert deferred_target(("100%", "1 day")).final_s == 86400.0
    assert DeferredTarget(0.9, 3600.0).final_s == 7200.0
    with pytest.raises(TargetError, match="share"):
        DeferredTarget(1.5, 3600.0)
    with pytest.raises(TargetError, match="late_within_s"):
        DeferredTarget(0.9, 3600.0, 1800.0)
    with pytest.raises(TargetError, match="takes a share within a deadline"):
        deferred_target("90/20+asa<=30")
    with pytest.raises(StaffingError, match="ambiguous"):
        deferred_target((1, "4h"))


def test_open_hours_per_weekday() -> None:
    """Mon-Fri 08:00-18:00 and Saturday mornings; Sunday closed; int weekdays and seconds."""
    starts = pd.date_range("2024-03-08 07:00", periods=4 * 24, freq="h")  # Friday 07:00 on
    flags = open_intervals(starts, {"Mon-Fri": "08:00-18:00", "Sat": ("09:00", "13:00")})
    hours = pd.Series(flags, index=starts)
    assert not hours["2024-03-08 07:00"] and hours["2024-03-08 08:00"]
    assert hours["2024-03-08 17:00"] and not hours["2024-03-08 18:00"]
    assert hours["2024-03-09 09:00":"2024-03-09 12:00"].all()
    assert not hours["2024-03-09 13:00":"2024-03-10 23:00"].any()
    assert hours["2024-03-11 08:00"]
    same = open_intervals(starts, {4: (28800, 64800), 5: "09:00-13:00", 0: "08:00-18:00"})
    np.testing.assert_array_equal(same, flags)
    # hours that end before they start run past midnight, as in every command
    night = pd.date_range("2024-03-11 17:00", periods=16, freq="h")  # Monday 17:00 on
    wrapped = open_intervals(night, {"Mon": "18:00-08:00"})
    assert wrapped.tolist() == [False] + [True] * 14 + [False]
    with pytest.raises(StaffingError, match="twice"):
        open_intervals(starts, {"Mon-Fri": "08:00-18:00", "Fri": "08:00-12:00"})


def test_time_zone_aware_starts_use_the_wall_clock() -> None:
    """Opening hours are local: 08:00 in Paris is open whatever the UTC offset."""
    starts = pd.date_range("2024-03-29 06:00", periods=8, freq="h", tz="Europe/Paris")
    flags = open_intervals(starts, "08:00-12:00")
    assert flags.tolist() == [False, False, True, True, True, True, False, False]


# --------------------------------------------------------------------------- hand-worked plans


def test_constant_arrivals_need_no_safety_staffing() -> None:
    """60 emails/h x 6 min, open 08:00-18:00, deadlines on the clock: 6 agents, 60 agent-hours.

    Every item arrives during opening hours and falls due before the next opening, so all
    600 items (60 agent-hours) must be handled the same day; the least and most level way
    is the workload itself, 60/h x 0.1 h = 6 agents in each of the 40 open intervals,
    with no safety margin, for either target.
    """
    starts, is_open = day_open()
    arrivals = np.where(is_open, 15.0, 0.0)
    for target in [("100%", "4h"), ("90%", "2h")]:
        p = plan_deferred(arrivals, 360, target, interval_start=starts, open=is_open)
        agents = p.intervals["agents"].to_numpy()
        np.testing.assert_allclose(agents[is_open], 6.0, atol=1e-6)
        np.testing.assert_allclose(agents[~is_open], 0.0, atol=1e-9)
        assert p.agent_hours == pytest.approx(60.0, rel=1e-6)
        assert p.summary["share_within"].iloc[0] == pytest.approx(1.0)
        assert p.summary["backlog_end"].iloc[0] == pytest.approx(0.0, abs=1e-6)
        assert p.status == 0 and p.solve_time_s >= 0.0


def test_deadline_smooths_a_burst() -> None:
    """120 items (12 agent-hours) in the first hour, due within 4 h: 2.4 agents for 5 hours.

    Work due by t (4 <= t <= 5 h) is 12 (t - 4) agent-hours; a level capacity m from the
    start covers it when m t >= 12 (t - 4) for all t, i.e. m >= 12/5 = 2.4 at t = 5. The
    burst handled as it came would need 48 agents (Whitt 1999: response times smooth
    demand).
    """
    is_open = np.arange(40) < 32
    arrivals = np.zeros(40)
    arrivals[:4] = 30.0
    p = plan_deferred(arrivals, 360, ("100%", "4h"), interval_s=QUARTER, open=is_open)
    agents = p.intervals["agents"].to_numpy()
    np.testing.assert_allclose(agents[:20], 2.4, atol=1e-6)
    np.testing.assert_allclose(agents[20:], 0.0, atol=1e-9)
    assert p.intervals["oldest_age_s"].max() <= 4 * 3600 + 1e-6
    assert p.summary["share_within"].iloc[0] == pytest.approx(1.0)


def test_monday_backlog_built_over_the_weekend_clears_by_its_deadline() -> None:
    """400 weekend emails (40 agent-hours), 4 business hours: 10 agents on Monday.

    Saturday to Tuesday, open Mon-Fri 08:00-18:00, 60 emails/h x 6 min when open.
    By Monday 12:00 the weekend's 40 agent-hours fall due, so Monday's level is at least
    40/4 = 10; ten agents also handle Monday's own 60 agent-hours by 18:00 (10 x 10 = 100).
    Tuesday must handle what arrives 08:00-14:00 (due by 18:00): a level m with
    m (t - 8) >= 6 (t - 12) for 12 <= t <= 18, so m = 36/10 = 3.6 (the rest is due
    Wednesday, beyond the horizon). First come first served, the weekend is done exactly at
    12:00, when the oldest waiting email arrived at 08:00 (4 h old).
    """
    starts, _ = day_open(4, start="2024-03-02")
    is_open = open_intervals(starts, {"Mon-Fri": "08:00-18:00"})
    weekend = np.asarray(starts.day_of_week >= 5)
    arrivals = np.where(weekend, 400.0 / weekend.sum(), np.where(is_open, 15.0, 0.0))
    p = plan_deferred(
        arrivals, 360, ("100%", "4h"), interval_start=starts, open=is_open, business_hours=True
    )
    iv = p.intervals.set_index("interval_start")
    monday = iv.loc["2024-03-04 08:00":"2024-03-04 17:45", "agents"]
    tuesday = iv.loc["2024-03-05 08:00":"2024-03-05 17:45", "agents"]
    np.testing.assert_allclose(monday, 10.0, atol=1e-6)
    np.testing.assert_allclose(tuesday, 3.6, atol=1e-6)
    assert p.agent_hours == pytest.approx(136.0, rel=1e-6)
    noon = iv.loc["2024-03-04 11:45"]
    assert noon["backlog"] == pytest.approx(240.0, abs=1e-6)  # Monday's own 08:00-12:00
    assert noon["oldest_age_s"] == pytest.approx(4 * 3600.0, abs=1.0)
    assert iv.loc["2024-03-04 11:30", "oldest_age_s"] > 4 * 3600.0  # weekend items waiting
    assert p.summary["share_within"].iloc[0] == pytest.approx(1.0)


def test_deadline_shorter_than_the_night_is_infeasible_on_the_clock() -> None:
    """Emails arrive around the clock, 100% within 4 h on the clock, open 08:00-18:00.

    An email arriving at 00:00 is due at 04:00 with nobody at work: no staffing meets the
    target, and the message names the arrivals and what to change.
    """
    starts, is_open = day_open()
    with pytest.raises(TargetError) as err:
        plan_deferred(np.full(96, 5.0), 360, ("100%", "4h"), interval_start=starts, open=is_open)
    text = str(err.value)
    assert "2024-03-04 00:00:00" in text and "falls due" in text
    assert "`business_hours=True`" in text and "`open`" in text and "late_within_s" in text


def test_night_arrivals_need_the_right_capacity_at_opening() -> None:
    """10 emails/h around the clock (1 agent of work), 100% within 2 business hours.

    The night brings 80 emails (8 agent-hours) due at 10:00, two open hours after the
    08:00 opening: 4 agents from 08:00 (4 x 2 h = 8); afterwards work due by t is
    8 + (t - 10), which 4 agents from 08:00 cover with room to spare.
    """
    starts, is_open = day_open()
    p = plan_deferred(
        np.full(96, 2.5),
        360,
        ("100%", "2h"),
        interval_start=starts,
        open=is_open,
        business_hours=True,
    )
    iv = p.intervals.set_index("interval_start")
    np.testing.assert_allclose(iv.loc["2024-03-04 08:00":"2024-03-04 09:45", "agents"], 4.0)
    assert iv.loc["2024-03-04 09:45", "oldest_age_s"] <= 2 * 3600.0 + 1.0
    assert p.intervals["agents"].max() == pytest.approx(4.0)
    assert p.summary["share_within"].iloc[0] == pytest.approx(1.0)
    # one agent fewer at opening cannot be made up later: it is the least peak
    assert p.lp_agent_hours == pytest.approx(p.agent_hours)


def test_share_below_100_is_late_never_dropped() -> None:
    """90% within 1 h, all within 2 h, a 40-item burst (4 agent-hours) at 08:00.

    The on-time 90% (3.6 agent-hours) is due by 09:00..09:15 and the late 10% by
    10:00..10:15; the level m from 08:00 needs 1.25 m >= 3.6 + 0.4 x 0 at 09:15 and
    2.25 m >= 4 at 10:15: m = max(2.88, 1.78) = 2.88. Every item is handled by 10:15,
    and at least 90% within the hour.
    """
    arrivals = np.zeros(16)
    arrivals[0] = 40.0
    p = plan_deferred(arrivals, 360, ("90%", "1h"), interval_s=QUARTER)
    agents = p.intervals["agents"].to_numpy()
    assert agents.max() == pytest.approx(2.88, abs=1e-6)
    assert p.intervals["backlog"].iloc[8] == pytest.approx(0.0, abs=1e-6)
    assert p.summary["share_within"].iloc[0] >= 0.9 - 1e-9
    assert p.summary["max_oldest_age_s"].iloc[0] <= 2 * 3600.0 + 1.0
    assert p.summary["late_within_s"].iloc[0] == 7200.0
    later = plan_deferred(arrivals, 360, ("90%", "1h"), interval_s=QUARTER, late_within_s="3h")
    assert later.summary["late_within_s"].iloc[0] == 10800.0
    assert later.agent_hours <= p.agent_hours + 1e-6


def test_deadline_inside_an_interval_is_met_at_every_instant() -> None:
    """40 items (4 agent-hours) in the first 15 minutes, 100% within 50 minutes.

    The least agent-hours are the 4 of work. An item arriving at s is due at s + 50 min,
    so all 4 are due by 65 min, a third into the fifth interval. Capacity flows evenly
    within an interval, so handled work at 65 min is (2/3) S(60) + (1/3) S(75) >= 4 with
    S(75) <= 4: S(60) = 4, i.e. 4 agents for the first hour. Checked at interval ends only
    (2.67 due at 60 min, 4 at 75) the level would be 4/1.25 = 3.2 agents over five
    intervals, and the items arriving after 00:12:30 would be handled late.
    """
    arrivals = np.zeros(8)
    arrivals[0] = 40.0
    p = plan_deferred(arrivals, 360, ("100%", "50min"), interval_s=QUARTER)
    np.testing.assert_allclose(p.intervals["agents"], [4, 4, 4, 4, 0, 0, 0, 0], atol=1e-6)
    assert p.intervals["oldest_age_s"].max() <= 3000.0 + 1e-6
    assert p.summary["share_within"].iloc[0] == pytest.approx(1.0)
    assert p.summary["late_within_s"].iloc[0] == 3000.0


def test_whole_agents_round_up_and_leave_no_more_backlog() -> None:
    """Whole agents are the fractional plan rounded up per interval, as the planner does."""
    starts, is_open = day_open()
    rate = np.where(is_open, 7.0 + 3.0 * np.sin(np.arange(96) / 6.0), 0.0)
    frac = plan_deferred(rate, 420, ("90%", "4h"), interval_start=starts, open=is_open)
    whole = plan_deferred(
        rate, 420, ("90%", "4h"), interval_start=starts, open=is_open, whole_agents=True
    )
    assert whole.intervals["agents"].dtype == np.int64
    np.testing.assert_array_equal(
        whole.intervals["agents"], np.ceil(frac.intervals["agents"] - 1e-6).astype(np.int64)
    )
    assert whole.agent_hours >= frac.agent_hours
    assert whole.lp_agent_hours == pytest.approx(frac.lp_agent_hours)
    assert whole.summary["share_within"].iloc[0] >= 0.9 - 1e-9


def test_tables_have_their_columns() -> None:
    """Fixed column lists; a Series with a DatetimeIndex names the intervals."""
    starts, is_open = day_open()
    arrivals = pd.Series(np.where(is_open, 10.0, 0.0), index=starts)
    p = plan_deferred(arrivals, 360, ("100%", "4h"), open=is_open)
    assert tuple(p.intervals.columns) == DEFERRED_INTERVAL_COLUMNS
    assert tuple(p.classes.columns) == DEFERRED_CLASS_COLUMNS
    assert tuple(p.summary.columns) == DEFERRED_SUMMARY_COLUMNS
    assert p.intervals["interval_start"].iloc[1] == starts[1]
    assert p.summary["priority"].tolist() == ["all", "total"]
    assert set(p.tables()) == {"intervals", "classes", "summary"}
    assert "agent-hours" in repr(p)
    # handled, backlog and arrivals balance
    iv = p.intervals
    np.testing.assert_allclose(iv["arrivals"].cumsum() - iv["handled"].cumsum(), iv["backlog"])


# --------------------------------------------------------------------------- blending


def test_ample_voice_idle_time_needs_no_extra_agents() -> None:
    """Voice leaves 20 x 0.9 - 12 = 6 idle agents; 3 agents of email fit in them."""
    starts, is_open = day_open()
    arrivals = np.where(is_open, 7.5, 0.0)
    voice = np.where(is_open, 20.0, 0.0)
    load = np.where(is_open, 12.0, 0.0)
    p = plan_deferred(
        arrivals,
        360,
        ("100%", "4h"),
        interval_start=starts,
        open=is_open,
        voice_agents=voice,
        voice_workload_erlangs=load,
    )
    assert p.agent_hours == pytest.approx(0.0, abs=1e-9)
    iv = p.intervals
    np.testing.assert_allclose(iv["handled_in_idle"], iv["handled"])
    np.testing.assert_allclose(iv["pool_agents"], voice)
    assert (iv.loc[is_open, "occupancy"] <= 0.9 + 1e-9).all()
    assert p.summary["share_within"].iloc[0] == pytest.approx(1.0)


def test_short_voice_idle_time_adds_the_rest() -> None:
    """4 agents of email, 3 idle voice agents at 90%: 1/0.9 extra agents all day.

    Voice: 20 agents, 15 Erlangs, so 20 x 0.9 - 15 = 3 agents idle; email needs 4 agents'
    work (40/h x 6 min) handled before the 18:00 closure (clock deadlines), so the other
    1 agent's work (10 agent-hours) comes from agents held to 90% occupancy: 1/0.9 = 1.111
    agents in each of 40 intervals, 11.11 agent-hours.
    """
    starts, is_open = day_open()
    arrivals = np.where(is_open, 10.0, 0.0)
    voice = np.where(is_open, 20.0, 0.0)
    load = np.where(is_open, 15.0, 0.0)
    p = plan_deferred(
        arrivals,
        360,
        ("100%", "4h"),
        interval_start=starts,
        open=is_open,
        voice_agents=voice,
        voice_workload_erlangs=load,
    )
    iv = p.intervals
    np.testing.assert_allclose(iv.loc[is_open, "agents"], 1.0 / 0.9, atol=1e-6)
    assert p.agent_hours == pytest.approx(10.0 / 0.9, rel=1e-6)
    np.testing.assert_allclose(iv.loc[is_open, "handled_in_idle"], 7.5, atol=1e-6)
    np.testing.assert_allclose(iv.loc[is_open, "occupancy"], 0.9, atol=1e-9)
    np.testing.assert_allclose(iv["pool_agents"], voice + iv["agents"])


def test_voice_idle_time_alone_too_short_is_named() -> None:
    """Closed to added agents from 02:00 with 0.5 idle voice agents; 20 items/15 min due in 30 min.

    From interval 8 on only the voice idle time (0.5 agents, 0.125 agent-hours per
    interval) is there for 1 agent-hour arriving per interval: the work due by the end of
    interval 10 cannot be handled, and the message says where and what to change.
    """
    is_open = np.arange(16) < 8
    with pytest.raises(TargetError) as err:
        plan_deferred(
            np.r_[np.zeros(8), np.full(8, 20.0)],
            180,
            ("100%", "30min"),
            interval_s=QUARTER,
            open=is_open,
            voice_agents=np.full(16, 10.0),
            voice_workload_erlangs=np.full(16, 9.5),
            max_occupancy="100%",
        )
    text = str(err.value)
    assert "voice idle time" in text and "end of interval" in text and "`open`" in text


# --------------------------------------------------------------------------- priorities


def test_priority_classes_each_meet_their_target() -> None:
    """P1 100% in 1 h, P2 90% in 4 h, P3 80% in 8 h, business hours, from one backlog."""
    starts, is_open = day_open(2)
    hour = np.asarray(starts.hour + starts.minute / 60.0)
    base = np.where(is_open, 10.0 + 20.0 * np.exp(-0.5 * ((hour - 10.0) / 1.5) ** 2), 2.0)
    arrivals = {"P1": 0.1 * base, "P2": 0.3 * base, "P3": 0.6 * base}
    targets = {"P1": ("100%", "1h"), "P2": ("90%", "4h"), "P3": ("80%", "8h")}
    p = plan_deferred(
        arrivals,
        {"P1": 900.0, "P2": 600.0, "P3": 360.0},
        targets,
        interval_start=starts,
        open=is_open,
        business_hours=True,
    )
    s = p.summary.set_index("priority")
    for name, (share, _) in targets.items():
        assert s.loc[name, "share_within"] >= float(share.rstrip("%")) / 100 - 1e-9
    assert s.loc["total", "arrivals"] == pytest.approx(sum(a.sum() for a in arrivals.values()))
    assert list(p.classes["priority"].unique()) == ["P1", "P2", "P3"]
    # one class alone needs no more than the three together
    alone = plan_deferred(
        arrivals["P2"],
        600.0,
        targets["P2"],
        interval_start=starts,
        open=is_open,
        business_hours=True,
    )
    assert alone.agent_hours <= p.agent_hours + 1e-6


def test_forecast_table_front_end() -> None:
    """A long forecast with a priority column gives the same plan as the arrays."""
    starts, is_open = day_open()
    p1 = np.where(is_open, 2.0, 0.5)
    p2 = np.where(is_open, 8.0, 1.0)
    f = pd.DataFrame(
        {
            "interval_start": np.concatenate([starts, starts]),
            "priority": ["P2"] * 96 + ["P1"] * 96,
            "calls": np.concatenate([p2, p1]),
            "aht_s": [360.0] * 96 + [900.0] * 96,
            "open": np.concatenate([is_open, is_open]),
        }
    )
    targets = {"P1": ("100%", "2h"), "P2": ("90%", "8h")}
    via_table = plan_deferred_forecast(f, targets, business_hours=True)
    direct = plan_deferred(
        {"P1": p1, "P2": p2},
        {"P1": 900.0, "P2": 360.0},
        targets,
        interval_start=starts,
        open=is_open,
        business_hours=True,
    )
    assert via_table.agent_hours == pytest.approx(direct.agent_hours, rel=1e-9)
    assert via_table.summary["priority"].tolist() == ["P1", "P2", "total"]
    with pytest.raises(InputError, match="no target"):
        plan_deferred_forecast(f, {"P1": ("100%", "2h")})


# --------------------------------------------------------------------------- bad input


def test_bad_input_is_refused() -> None:
    """Shapes, signs, gaps and missing options give one-line errors naming the parameter."""
    with pytest.raises(StaffingError, match="interval_s"):
        plan_deferred([1.0, 2.0], 360, ("90%", "4h"))
    with pytest.raises(StaffingError, match="negative"):
        plan_deferred([1.0, -2.0], 360, ("90%", "4h"), interval_s=900)
    with pytest.raises(StaffingError, match="3 values for 2"):
        plan_deferred([1.0, 2.0], [360, 360, 360], ("90%", "4h"), interval_s=900)
    with pytest.raises(StaffingError, match="voice_workload_erlangs"):
        plan_deferred([1.0, 2.0], 360, ("90%", "4h"), interval_s=900, voice_agents=[3, 3])
    with pytest.raises(StaffingError, match="interval_start"):
        plan_deferred([1.0, 2.0], 360, ("90%", "4h"), interval_s=900, open_hours="08:00-18:00")
    gap = pd.to_datetime(["2024-03-04 08:00", "2024-03-04 08:15", "2024-03-04 09:00"])
    with pytest.raises(InputError, match="without gaps"):
        plan_deferred([1.0, 2.0, 3.0], 360, ("90%", "4h"), interval_start=gap)
    with pytest.raises(StaffingError, match="no value for class 'P2'"):
        plan_deferred({"P1": [1.0], "P2": [1.0]}, 360, {"P1": ("90%", "4h")}, interval_s=900)


# --------------------------------------------------------------------------- properties


profiles = st.lists(st.floats(0.0, 20.0), min_size=24, max_size=24)


@settings(max_examples=15)
@given(
    arrivals=profiles,
    idle=st.lists(st.floats(0.0, 3.0), min_size=24, max_size=24),
    share=st.sampled_from([0.8, 0.9, 1.0]),
    deadline_q=st.integers(2, 12),
    longer_q=st.integers(0, 6),
    closes=st.integers(12, 24),
)
def test_longer_deadline_or_lower_share_never_needs_more(
    arrivals: list[float],
    idle: list[float],
    share: float,
    deadline_q: int,
    longer_q: int,
    closes: int,
) -> None:
    """Agent-hours and the sum of daily peaks do not rise with a longer deadline or lower share.

    Any plan meeting the stricter target meets the looser one (an item handled within d is
    handled within any d' >= d; relabelling on-time items as late loosens their deadline).
    Voice idle time makes the least agent-hours a genuine optimisation.
    """
    is_open = np.arange(24) < closes
    arr = np.where(is_open, arrivals, 0.0)
    kw = dict(
        interval_s=QUARTER,
        open=is_open,
        voice_agents=np.where(is_open, np.add(idle, 10.0), 0),
        voice_workload_erlangs=np.where(is_open, 9.0, 0.0),
        max_occupancy="100%",
    )
    d = deadline_q * QUARTER
    base = plan_deferred(arr, 300, (share, d) if share < 1 else ("100%", d), **kw)
    longer = plan_deferred(
        arr,
        300,
        (share, d + longer_q * QUARTER, 2 * d + longer_q * QUARTER)
        if share < 1
        else ("100%", d + longer_q * QUARTER),
        **kw,
    )
    assert longer.lp_agent_hours <= base.lp_agent_hours + 1e-6
    lower = plan_deferred(arr, 300, (share - 0.1, d, 2 * d), **kw)
    assert lower.lp_agent_hours <= base.lp_agent_hours + 1e-6
    for p in (base, longer, lower):
        assert p.summary["share_within"].iloc[0] >= p.summary["target_share"].iloc[0] - 1e-6 or (
            math.isnan(p.summary["share_within"].iloc[0])
        )


@settings(max_examples=15)
@given(arrivals=profiles, share=st.sampled_from([0.8, 1.0]))
def test_backlog_never_exceeds_what_arrived(arrivals: list[float], share: float) -> None:
    """0 <= backlog <= items arrived; the oldest waiting item is younger than its final limit."""
    arr = np.array(arrivals)
    target = (share, "1h") if share < 1 else ("100%", "1h")
    p = plan_deferred(arr, 300, target, interval_s=QUARTER)
    iv = p.intervals
    assert (iv["backlog"] >= -1e-9).all()
    assert (iv["backlog"] <= iv["arrivals"].cumsum() + 1e-9).all()
    final = deferred_target(target).final_s
    assert (iv["oldest_age_s"] <= final + QUARTER + 1e-6).all()


# --------------------------------------------------------------------------- timing


def test_a_week_of_quarter_hours_solves_quickly() -> None:
    """One queue, a week of 15-minute intervals, voice blending: a fraction of a second.

    Measured on a 2-core machine shared with others: about 0.3 s for the solves; the bound
    here is loose so that a busy machine does not fail it.
    """
    starts = pd.date_range("2024-03-04", periods=96 * 7, freq="15min")
    hour = np.asarray(starts.hour + starts.minute / 60.0)
    rate = 5.0 + 25.0 * np.exp(-0.5 * ((hour - 10.0) / 1.5) ** 2)
    voice = np.full(hour.size, 20.0)
    load = 15.0 + 3.0 * np.sin(hour / 24.0 * 2.0 * np.pi)
    p = plan_deferred(
        rate,
        360,
        ("90%", "4h"),
        interval_start=starts,
        voice_agents=voice,
        voice_workload_erlangs=load,
    )
    assert p.status == 0
    assert p.solve_time_s < 5.0


# --------------------------------------------------------------------------- simulation


def _peaked(n_days: int, scale: float) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    starts, is_open = day_open(n_days)
    hour = np.asarray(starts.hour + starts.minute / 60.0)
    per_hour = scale * (20.0 + 100.0 * np.exp(-0.5 * ((hour - 10.0) / 1.5) ** 2))
    return starts, is_open, per_hour / 4.0


@pytest.mark.slow
def test_simulated_share_meets_the_target() -> None:
    """90% within 4 business hours, peaked arrivals around the clock for 3 days.

    30 replications of the simulation at the planned (fractional) capacity, items served
    earliest deadline first; the mean achieved share must reach the target within three
    standard errors (measured: 0.900, standard error 0.007). The fluid plan has no safety
    margin, so the simulated share hovers around the target (a few points below it at a
    quarter of this volume, closer as volume grows). A plan for 80% simulated against the
    90% target must miss it (measured: 0.842).
    """
    starts, is_open, arrivals = _peaked(3, 4.0)
    target = deferred_target(("90%", "4h"))
    p = plan_deferred(
        arrivals, 360, target, interval_start=starts, open=is_open, business_hours=True
    )
    shares = replicate(
        p,
        arrivals[None, :],
        np.full((1, arrivals.size), 360.0),
        [target],
        reps=30,
        seed=11,
        is_open=is_open,
        business_hours=True,
    )[:, 0]
    mean, se = shares.mean(), shares.std(ddof=1) / math.sqrt(shares.size)
    assert mean >= 0.9 - 3 * se, (mean, se)
    assert mean <= 1.0
    # the check has power: a plan for 80% falls short of 90% by far more than its error
    weaker = plan_deferred(
        arrivals, 360, ("80%", "4h"), interval_start=starts, open=is_open, business_hours=True
    )
    shares = replicate(
        weaker,
        arrivals[None, :],
        np.full((1, arrivals.size), 360.0),
        [target],
        reps=15,
        seed=12,
        is_open=is_open,
        business_hours=True,
    )[:, 0]
    mean, se = shares.mean(), shares.std(ddof=1) / math.sqrt(shares.size)
    assert mean < 0.9 - 3 * se, (mean, se)


@pytest.mark.slow
def test_simulated_priority_classes_meet_their_targets() -> None:
    """P1 95%/1 h, P2 90%/4 h, P3 80%/8 h (business hours) from one backlog, 3 days.

    Earliest-due-first at the planned capacity meets every class within three standard
    errors over 15 replications. Strict priority (every P1 before any P2, then P3) at the
    same capacity leaves P3 well short: the plan's priority order is due-time order, as
    documented, and strict priority would need more agents.
    """
    starts, is_open, base = _peaked(3, 4.0)
    mix = {"P1": 0.1, "P2": 0.3, "P3": 0.6}
    aht = {"P1": 900.0, "P2": 600.0, "P3": 360.0}
    targets = {"P1": ("95%", "1h"), "P2": ("90%", "4h"), "P3": ("80%", "8h")}
    arrivals = {k: base * v for k, v in mix.items()}
    p = plan_deferred(
        arrivals, aht, targets, interval_start=starts, open=is_open, business_hours=True
    )
    a = np.vstack(list(arrivals.values()))
    h = np.vstack([np.full(base.size, v) for v in aht.values()])
    goals = [deferred_target(t) for t in targets.values()]
    edf = replicate(
        p, a, h, goals, reps=15, seed=5, is_open=is_open, business_hours=True, policy="edf"
    )
    mean, se = edf.mean(axis=0), edf.std(axis=0, ddof=1) / math.sqrt(edf.shape[0])
    shares = np.array([g.share for g in goals])
    assert (mean >= shares - 3 * se).all(), (mean, se)
    strict = replicate(
        p, a, h, goals, reps=5, seed=6, is_open=is_open, business_hours=True, policy="strict"
    )
    s_mean = strict.mean(axis=0)
    s_se = strict.std(axis=0, ddof=1) / math.sqrt(strict.shape[0])
    assert s_mean[2] < shares[2] - 3 * s_se[2], (s_mean, s_se)
