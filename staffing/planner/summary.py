"""Calls, agent-hours, FTE and volume-weighted performance per period and queue.

**Shrinkage and FTE** follow :class:`~staffing.planner.FteRules`: one FTE is paid
``hours_per_fte`` hours per 7 calendar days, so a period of ``days`` calendar days (1 for
a day, 7 for a week, 28-31 for a month) is worth ``hours_per_fte * days / 7`` hours: the
mean of the daily FTE over a week is the weekly FTE.

**Aggregation.** Nothing is rounded before it is summed: ``agent_hours`` is the sum of
``agents * interval_s / 3600``; ``service_level`` is weighted by the calls in its
denominator (``sl_calls``), ``abandon_rate`` by calls offered, ``asa_s`` by calls answered
and ``occupancy`` by agent-hours, so each equals the ratio of the totals, never an average
of interval percentages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from staffing.frames import local_dates, period_start
from staffing.planner.models import FteRules
from staffing.planner.tables import CHANNEL_SUMMARY_COLUMNS, LEVELS, SUMMARY_COLUMNS, TOTAL
from staffing.vocabulary import Period, check_period, period_days, period_floor

__all__ = ["PERIODS", "summarise", "summarise_channels"]

#: Summary periods.
PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter")


def _horizon_weeks(t: pd.Series) -> tuple[np.datetime64, np.datetime64]:
    """First Monday and the day after the last Sunday of the whole Monday-to-Sunday weeks
    holding the timestamps (wall clock)."""
    mondays = period_floor(local_dates(pd.Series([t.min(), t.max()])), "week")
    return mondays.min(), mondays.max() + np.timedelta64(7, "D")


def _period_days(
    start: pd.Series, period: str, horizon: tuple[np.datetime64, np.datetime64]
) -> np.ndarray:
    """Days each period's FTE is scaled by: a day is 1, a week 7, a month or quarter its
    days inside the horizon of whole weeks (a one-week forecast summarised by month is one
    week of FTE, not a week's hours spread over the month)."""
    if period in ("day", "week"):
        return period_days(local_dates(start), period).astype(float)
    first = local_dates(start)
    end = first + period_days(first, period).astype("timedelta64[D]")
    lo, hi = np.maximum(first, horizon[0]), np.minimum(end, horizon[1])
    return (hi - lo).astype(np.int64).astype(float)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


_SUMMED = (
    "calls",
    "agent_hours",
    "scheduled_hours",
    "sl_num",
    "sl_calls",
    "ab_num",
    "busy_hours",
    "answered",
    "asa_num",
)


def _summary_block(sums: dict[str, np.ndarray], peak: np.ndarray) -> dict[str, np.ndarray]:
    """Summary columns from summed parts (ratios of totals)."""
    return {
        "calls": sums["calls"],
        "agent_hours": sums["agent_hours"],
        "scheduled_hours": sums["scheduled_hours"],
        "peak_agents": peak,
        "service_level": _ratio(sums["sl_num"], sums["sl_calls"]),
        "abandon_rate": _ratio(sums["ab_num"], sums["calls"]),
        "occupancy": _ratio(sums["busy_hours"], sums["agent_hours"]),
        "asa_s": _ratio(sums["asa_num"], sums["answered"]),
    }


def summarise(
    intervals: pd.DataFrame,
    *,
    period: Period = "week",
    fte: FteRules | None = None,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """Calls, agent-hours, FTE and volume-weighted performance per period and queue.

    Parameters
    ----------
    intervals : DataFrame
        :attr:`Plan.intervals` (or any table with ``interval_start``, ``queue``,
        ``calls``, ``agents``, ``interval_s``, ``service_level``, ``abandon_rate``,
        ``occupancy``; ``scheduled``, ``asa_s`` and ``sl_calls`` are used when present).
    period : {"day", "week", "month", "quarter"}, default "week"
        Weeks start on Monday; a month or quarter is a calendar one.
    fte : FteRules, optional
        Shrinkage and paid hours (default: none and 37.5 h a week).
    extra : sequence of str
        Further numeric columns of ``intervals`` to sum per period (appended).

    Returns
    -------
    DataFrame
        Columns :data:`SUMMARY_COLUMNS` (then ``extra``): one row per period and queue
        (periods in time order, queues by name); when there are several queues and
        several periods, a ``total`` row per period after its queues; and last one
        ``total`` row over everything with an empty (``NaT``) ``period_start``.
        ``peak_agents`` of a total row is the peak of agents summed over queues at the
        same interval start. ``threshold_s`` is the threshold the row's service level is
        measured at; NaN where its intervals mix thresholds (a premium line at 10 s and
        a general one at 20 s summed together). ``period_days`` are the calendar days
        FTE are scaled by:
        1 a day, 7 a week, for a month its days inside the whole Monday-to-Sunday weeks
        the intervals fall in, and for the grand total those weeks' days (days without
        intervals are closed days: an FTE is paid per week whether or not the centre
        opens on Sunday).

    Notes
    -----
    An interval table with a ``channel`` column (a mixed-channel plan) is summarised by
    queue, pool, channel and in total instead (:func:`summarise_channels`).

    ``fte = agent_hours / ((1 - in_centre) (1 - out_of_centre)) / (hours_per_fte *
    period_days / 7)`` (:class:`FteRules`);
    ``service_level = sum(service_level * sl_calls) / sum(sl_calls)``;
    ``abandon_rate = sum(abandon_rate * calls) / sum(calls)``; ``occupancy = sum(occupancy
    * agent_hours) / sum(agent_hours)``; ``asa_s`` is weighted by answered calls. Ratios
    over no calls are NaN.

    Examples
    --------
    One queue, Monday and Tuesday, 30-minute intervals; 10 then 20 agents on Monday
    (``(10 + 20) * 0.5 = 15`` agent-hours), 8 on Tuesday (4 agent-hours), 25% shrinkage,
    35 paid hours per FTE per week:

    >>> iv = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 09:30",
    ...                                       "2025-03-04 09:00"]),
    ...     "queue": "sales", "calls": [100.0, 300.0, 50.0], "agents": [10, 20, 8],
    ...     "interval_s": 1800.0, "service_level": [0.9, 0.6, 1.0],
    ...     "abandon_rate": [0.0, 0.1, 0.0], "occupancy": [0.8, 0.9, 0.5]})
    >>> s = summarise(iv, period="day", fte=FteRules(total=0.25, hours_per_fte=35.0))
    >>> s[["queue", "agent_hours", "scheduled_hours", "fte", "service_level", "period_days"]]
    ... # doctest: +NORMALIZE_WHITESPACE
       queue  agent_hours  scheduled_hours       fte  service_level  period_days
    0  sales         15.0        20.000000  4.000000       0.675000          1.0
    1  sales          4.0         5.333333  1.066667       1.000000          1.0
    2  total         19.0        25.333333  0.723810       0.711111          7.0

    Monday: ``15 / (1 - 0.25) / (35 * 1/7) = 4`` FTE. Its service level is 90% of 100
    calls and 60% of 300 calls: ``(90 + 180) / 400 = 67.5%``, not the 75% average of the
    two percentages. The total covers the whole week the forecast falls in (the other days
    are closed): ``19 / 0.75 / 35 = 0.724`` FTE, and ``(90 + 180 + 50) / 450 = 71.1%``.
    """
    check_period(period)
    if "channel" in intervals.columns:
        return summarise_channels(intervals, period=period, fte=fte, extra=extra)
    rules = fte or FteRules()
    iv = intervals
    n = len(iv)
    hours = iv["interval_s"].to_numpy(dtype=float) / 3600.0
    agents = iv["agents"].to_numpy(dtype=float)
    calls = iv["calls"].to_numpy(dtype=float)
    scheduled = (
        iv["scheduled"].to_numpy(dtype=float) if "scheduled" in iv else rules.scheduled(agents)
    )
    sl_calls = iv["sl_calls"].to_numpy(dtype=float) if "sl_calls" in iv else calls
    ab = iv["abandon_rate"].to_numpy(dtype=float)
    answered = calls * (1.0 - ab)
    asa = iv["asa_s"].to_numpy(dtype=float) if "asa_s" in iv else np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        asa_num = np.where(answered > 0, asa * answered, 0.0)
    parts = {
        "calls": calls,
        "agent_hours": agents * hours,
        "scheduled_hours": scheduled * hours,
        "sl_num": iv["service_level"].to_numpy(dtype=float) * sl_calls,
        "sl_calls": sl_calls,
        "ab_num": ab * calls,
        "busy_hours": iv["occupancy"].to_numpy(dtype=float) * agents * hours,
        "answered": answered,
        "asa_num": asa_num,
        **{name: iv[name].to_numpy(dtype=float) for name in extra},
    }

    # group codes: periods in time order, queues by name; group = period * nq + queue
    p_codes, periods = pd.factorize(period_start(iv["interval_start"], period), sort=True)
    q_codes, queues = pd.factorize(iv["queue"].astype(str).to_numpy(), sort=True)
    n_p, n_q = len(periods), len(queues)
    group = p_codes * n_q + q_codes

    def sums(ids: np.ndarray, size: int) -> dict[str, np.ndarray]:
        return {k: np.bincount(ids, weights=v, minlength=size) for k, v in parts.items()}

    def peaks(values: np.ndarray, ids: np.ndarray, size: int) -> np.ndarray:
        out = np.zeros(size)
        if values.size:
            top = pd.Series(values).groupby(ids).max()
            out[top.index.to_numpy()] = top.to_numpy()
        return out

    thresholds = (
        iv["threshold_s"].to_numpy(dtype=float) if "threshold_s" in iv else np.full(n, np.nan)
    )

    def common(ids: np.ndarray, size: int) -> np.ndarray:
        """The one threshold of each group's intervals; NaN where they mix thresholds."""
        lo, hi = np.full(size, np.inf), np.full(size, -np.inf)
        np.fmin.at(lo, ids, thresholds)
        np.fmax.at(hi, ids, thresholds)
        return np.where(lo == hi, lo, np.nan)

    present = np.bincount(group, minlength=n_p * n_q) > 0
    by_queue = {
        k: v[present]
        for k, v in _summary_block(sums(group, n_p * n_q), peaks(agents, group, n_p * n_q)).items()
    }
    by_queue["threshold_s"] = common(group, n_p * n_q)[present]
    sums_q = sums(group, n_p * n_q)
    cells = np.flatnonzero(present)
    period_index = [cells // n_q]
    queue_label = [np.asarray(queues, dtype=object)[cells % n_q]]
    order_key = [(cells // n_q) * (n_q + 1) + cells % n_q]
    blocks = [{**by_queue, **{k: sums_q[k][present] for k in extra}}]

    # concurrent agents over all queues at each interval start, then the peak per period
    t_codes, t_uniques = pd.factorize(iv["interval_start"])
    concurrent = np.bincount(t_codes, weights=agents, minlength=len(t_uniques))
    period_of_t = np.zeros(len(t_uniques), dtype=np.int64)
    period_of_t[t_codes] = p_codes
    if n_q > 1 and n_p > 1:
        sums_p = sums(p_codes, n_p)
        block = _summary_block(sums_p, peaks(concurrent, period_of_t, n_p))
        block["threshold_s"] = common(p_codes, n_p)
        blocks.append({**block, **{k: sums_p[k] for k in extra}})
        period_index.append(np.arange(n_p))
        queue_label.append(np.full(n_p, TOTAL, dtype=object))
        order_key.append(np.arange(n_p) * (n_q + 1) + n_q)
    order = np.argsort(np.concatenate(order_key), kind="stable")
    p_index = np.concatenate(period_index)[order]
    table = pd.DataFrame({k: np.concatenate([blk[k] for blk in blocks])[order] for k in blocks[0]})
    starts = pd.Series(periods).take(p_index).reset_index(drop=True)
    table.insert(0, "queue", np.concatenate(queue_label)[order])
    table.insert(0, "period_start", starts)
    horizon = _horizon_weeks(iv["interval_start"])
    days = _period_days(pd.Series(periods), period, horizon)
    table["period_days"] = days[p_index]

    grand_sums = {k: np.array([v.sum()]) for k, v in parts.items()}
    grand = pd.DataFrame(
        {
            **_summary_block(grand_sums, np.array([concurrent.max() if n else 0.0])),
            "threshold_s": common(np.zeros(n, dtype=np.int64), 1),
            **{k: grand_sums[k] for k in extra},
        }
    )
    grand.insert(0, "queue", np.array([TOTAL], dtype=object))
    grand.insert(0, "period_start", pd.Series([pd.NaT], dtype=starts.dtype))
    grand["period_days"] = float((horizon[1] - horizon[0]).astype(np.int64))
    out = pd.concat([table, grand], ignore_index=True)
    out["fte"] = rules.fte(out["agent_hours"], out["period_days"])
    if iv["agents"].dtype.kind in "iu":
        out["peak_agents"] = out["peak_agents"].astype(np.int64)
    if "asa_s" not in iv:
        out["asa_s"] = np.nan
    return out[[*SUMMARY_COLUMNS, *extra]]


def _channel_parts(
    iv: pd.DataFrame, rules: FteRules, extra: Sequence[str]
) -> dict[str, np.ndarray]:
    """The summed parts of a mixed-channel table; rows without a measure add nothing to it.

    A deferred row's service level is NaN where its share is not known by the horizon's
    end (its ``sl_calls`` are 0) and its ASA is NaN: both are left out of the weights.
    """
    hours = iv["interval_s"].to_numpy(dtype=float) / 3600.0
    agents = iv["agents"].to_numpy(dtype=float)
    calls = iv["calls"].to_numpy(dtype=float)
    scheduled = (
        iv["scheduled"].to_numpy(dtype=float) if "scheduled" in iv else rules.scheduled(agents)
    )
    sl = iv["service_level"].to_numpy(dtype=float)
    sl_calls = iv["sl_calls"].to_numpy(dtype=float) if "sl_calls" in iv else calls.copy()
    sl_calls = np.where(np.isnan(sl), 0.0, sl_calls)
    ab = np.nan_to_num(iv["abandon_rate"].to_numpy(dtype=float))
    answered = calls * (1.0 - ab)
    asa = iv["asa_s"].to_numpy(dtype=float) if "asa_s" in iv else np.full(len(iv), np.nan)
    timed = ~np.isnan(asa) & (answered > 0)
    with np.errstate(invalid="ignore"):
        asa_num = np.where(timed, asa * answered, 0.0)
    occupancy = np.nan_to_num(iv["occupancy"].to_numpy(dtype=float))
    return {
        "calls": calls,
        "agent_hours": agents * hours,
        "scheduled_hours": scheduled * hours,
        "sl_num": np.where(sl_calls > 0, sl * sl_calls, 0.0),
        "sl_calls": sl_calls,
        "ab_num": ab * calls,
        "busy_hours": occupancy * agents * hours,
        "answered": np.where(timed, answered, 0.0),
        "asa_num": asa_num,
        **{name: iv[name].to_numpy(dtype=float) for name in extra},
    }


def summarise_channels(
    intervals: pd.DataFrame,
    *,
    period: Period = "week",
    fte: FteRules | None = None,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """Calls, agent-hours, FTE and performance per queue, pool, channel and in total.

    Parameters
    ----------
    intervals : DataFrame
        A mixed-channel interval table
        (:data:`~staffing.planner.tables.CHANNEL_INTERVAL_COLUMNS`): ``interval_start``,
        ``queue``, ``channel``, ``pool``, ``calls``, ``agents`` and the measures.
    period, fte, extra
        As for :func:`summarise`.

    Returns
    -------
    DataFrame
        Columns :data:`~staffing.planner.tables.CHANNEL_SUMMARY_COLUMNS` (then
        ``extra``). For each period in time order, rows of ``level``:

        * ``queue``: one per queue (by name), its own agents (a pool's queues share the
          pool's agents in the proportions of :class:`~staffing.planner.tables.Plan`);
        * ``pool``: one per named pool, its queues together;
        * ``channel``: one per channel (by name), its queues together;
        * ``total``: everything, when there are several periods;

        then over the whole horizon (``period_start`` empty), when there are several
        periods, one ``pool`` row per pool and one ``channel`` row per channel, and
        always a last ``total`` row. ``queue`` holds the
        row's name (the queue, pool or channel; ``total``), ``channel`` the channels of
        the row's queues (``+``-joined), ``pool`` the pool (``""`` for a queue alone).
        Every row's ``agent_hours`` is the sum of its queues' rows, so agents are never
        counted twice: the total is the sum of the channel rows, and of the pool rows
        plus the rows of queues in no pool. ``peak_agents`` is the peak of the row's
        agents summed at each interval start (a pool row's: its ``pool_agents``).

    Notes
    -----
    Volume weighting as in :func:`summarise`; a deferred row enters the service level
    only where its share within the deadline is known, and no ASA.

    Examples
    --------
    >>> iv = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2025-03-03 09:00"] * 3),
    ...     "queue": ["premium", "general", "web"], "channel": ["voice", "voice", "chat"],
    ...     "pool": ["phones", "phones", ""], "calls": [40.0, 160.0, 60.0],
    ...     "agents": [6.4, 25.6, 8.0], "interval_s": 1800.0,
    ...     "service_level": [0.92, 0.84, 0.99], "threshold_s": [10.0, 20.0, 60.0],
    ...     "abandon_rate": 0.0, "occupancy": [0.83, 0.83, 0.61], "asa_s": [2.1, 12.8, 1.0]})
    >>> s = summarise_channels(iv)
    >>> s[["level", "queue", "agent_hours", "peak_agents"]].iloc[-4:]
         level   queue  agent_hours  peak_agents
    3     pool  phones         16.0         32.0
    4  channel    chat          4.0          8.0
    5  channel   voice         16.0         32.0
    6    total   total         20.0         40.0
    """
    check_period(period)
    rules = fte or FteRules()
    iv = intervals
    n = len(iv)
    parts = _channel_parts(iv, rules, extra)
    agents = iv["agents"].to_numpy(dtype=float)
    queue = iv["queue"].astype(str).to_numpy(dtype=object)
    channel = iv["channel"].astype(str).to_numpy(dtype=object)
    pool = iv["pool"].fillna("").astype(str).to_numpy(dtype=object)
    thresholds = (
        iv["threshold_s"].to_numpy(dtype=float) if "threshold_s" in iv else np.full(n, np.nan)
    )
    p_codes, periods = pd.factorize(period_start(iv["interval_start"], period), sort=True)
    t_codes, t_uniques = pd.factorize(iv["interval_start"])
    n_t = max(len(t_uniques), 1)

    def block(labels: np.ndarray, p: np.ndarray, n_p: int, level: str) -> pd.DataFrame:
        """One summary row per (period, label) present; NaN labels are left out."""
        keep = np.flatnonzero(pd.notna(labels) & (labels != ""))
        if keep.size == 0:
            return pd.DataFrame()
        codes, names = pd.factorize(labels[keep], sort=True)
        n_l = len(names)
        group = p[keep] * n_l + codes
        size = n_p * n_l
        sums = {k: np.bincount(group, weights=v[keep], minlength=size) for k, v in parts.items()}
        # peak of the agents summed at each interval start
        at = group.astype(np.int64) * n_t + t_codes[keep]
        cells, inverse = np.unique(at, return_inverse=True)
        together = np.bincount(inverse, weights=agents[keep])
        peak = np.zeros(size)
        np.maximum.at(peak, cells // n_t, together)
        lo, hi = np.full(size, np.inf), np.full(size, -np.inf)
        np.fmin.at(lo, group, thresholds[keep])
        np.fmax.at(hi, group, thresholds[keep])
        present = np.flatnonzero(np.bincount(group, minlength=size) > 0)
        joined = {}
        for column, values in (("channel", channel), ("pool", pool)):
            found = (
                pd.Series(values[keep])
                .groupby(group)
                .agg(lambda x: "+".join(sorted({v for v in x if v})))
            )
            joined[column] = found.reindex(present).fillna("").to_numpy(dtype=object)
        table = pd.DataFrame(
            {
                **{k: v[present] for k, v in _summary_block(sums, peak).items()},
                "threshold_s": np.where(lo == hi, lo, np.nan)[present],
                **{k: sums[k][present] for k in extra},
            }
        )
        table.insert(0, "queue", np.asarray(names, dtype=object)[present % n_l])
        table["_period"] = present // n_l
        table["_level"] = LEVELS.index(level)
        table["level"] = level
        table["channel"] = joined["channel"]
        table["pool"] = joined["pool"] if level == "queue" else ""
        if level == "pool":
            table["pool"] = table["queue"]
        return table

    n_p = len(periods)
    everything = np.full(n, TOTAL, dtype=object)
    blocks = [
        block(queue, p_codes, n_p, "queue"),
        block(pool, p_codes, n_p, "pool"),
        block(channel, p_codes, n_p, "channel"),
    ]
    if n_p > 1:
        blocks.append(block(everything, p_codes, n_p, "total"))
    per_period = pd.concat([b for b in blocks if len(b)], ignore_index=True)
    per_period = per_period.sort_values(["_period", "_level", "queue"], kind="stable")
    starts = pd.Series(periods).take(per_period["_period"].to_numpy()).reset_index(drop=True)
    per_period = per_period.reset_index(drop=True)
    per_period.insert(0, "period_start", starts)
    horizon = _horizon_weeks(iv["interval_start"])
    days = _period_days(pd.Series(periods), period, horizon)
    per_period["period_days"] = days[per_period["_period"].to_numpy()]

    whole = np.zeros(n, dtype=np.int64)
    levels = [(everything, "total")]
    if n_p > 1:
        levels = [(pool, "pool"), (channel, "channel"), *levels]
    grand = pd.concat(
        [b for b in (block(labels, whole, 1, level) for labels, level in levels) if len(b)],
        ignore_index=True,
    )
    grand.insert(0, "period_start", pd.Series([pd.NaT] * len(grand), dtype=starts.dtype))
    grand["period_days"] = float((horizon[1] - horizon[0]).astype(np.int64))
    out = pd.concat([per_period, grand], ignore_index=True)
    out["fte"] = rules.fte(out["agent_hours"], out["period_days"])
    return out[[*CHANNEL_SUMMARY_COLUMNS, *extra]]
