"""The requirement: the fewest agents per interval meeting every target, and its FTE.

Intervals sharing a target set are solved together in one vectorised call of
:func:`staffing.required_agents` (Erlang C where patience is unknown, Erlang A where it
is given), in chunks so that memory stays flat, and evaluated in one call of
:func:`staffing.evaluate`.

The staffing methods (``method``: ``sipp``, ``mol``, ``simulation``) are
:mod:`staffing.planner.voice`'s; a forecast with channel columns is planned by
:mod:`staffing.planner.mixed`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import StaffingError
from staffing.planner.intervals import interval_table
from staffing.planner.mixed import plan_channels
from staffing.planner.models import FteRules
from staffing.planner.redials import forward_redials, redial_columns
from staffing.planner.sanity import check_plan_sanity
from staffing.planner.summary import summarise
from staffing.planner.tables import INTERVAL_COLUMNS, REDIAL_COLUMNS, Plan
from staffing.planner.voice import METHODS, Method, Progress, check_method, immediate_agents
from staffing.prepared import ChannelRules, PreparedForecast, QueueModel, has_channels, prepare
from staffing.simulation.scaleout import SimulationOptions
from staffing.vocabulary import Period, check_period

__all__ = ["METHODS", "Method", "Progress", "plan", "plan_intervals", "round_heads"]


def plan(
    forecast: pd.DataFrame,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    period: Period = "week",
    threshold_s: float | None = None,
    method: Method = "sipp",
    simulation: SimulationOptions | None = None,
    progress: Progress | None = None,
    whole_heads: bool = False,
    channels: ChannelRules | None = None,
) -> Plan:
    """Agents per interval for a forecast, scheduled staff, and FTE per period.

    Parameters
    ----------
    forecast : DataFrame
        Long format: ``interval_start``, optional ``queue``, ``calls``, ``aht_s``,
        optional ``patience_s`` and ``interval_s`` (see :func:`staffing.io.read_forecast`).
    targets : str, target or sequence, optional
        Targets for every interval (``"80/20"``, ``["80/20", "abandon<=5%"]``); with a
        ``targets_table``, the default for intervals no rule matches.
    targets_table : DataFrame, optional
        Targets per queue and weekday/time window (see :mod:`staffing.prepared.windows`;
        :func:`staffing.io.read_targets` reads a file).
    interval_s : float or str, optional
        Interval length [s] or ``"15min"``; inferred per queue from the timestamps when
        omitted.
    model : QueueModel, optional
        Patience (calibration, the forecast's ``patience_s`` column, a default) and the
        abandon policy; default Erlang C where the forecast gives no patience.
    fte : FteRules, optional
        Shrinkage and paid hours per FTE (default none and 37.5 h a week).
    period : {"day", "week", "month", "quarter"}, default "week"
        Summary period (weeks start on Monday).
    threshold_s : float, optional
        Threshold [s] at which ``service_level`` is reported for target sets without a
        service-level target (default 20 s).
    method : {"sipp", "mol", "simulation"}, default "sipp"
        Staffing method (module notes): stationary per interval, modified offered load,
        or simulation-based.
    simulation : SimulationOptions, optional
        For ``"simulation"``: replications (default 1,000) and seed of the search,
        ``volume_cv``, ``service_cv`` (also the offered load's under ``"mol"``), and
        where the queue-days run (``jobs``, ``scheduler``).
    progress : callable, optional
        Called with the number of intervals just solved, as the work proceeds.
    whole_heads : bool, default False
        Round ``scheduled`` up to whole people per interval (int64), for WFM tools that
        take integers. The summary still sums the unrounded figures, so FTE and
        scheduled hours do not carry up to one head of rounding per interval.
    channels : ChannelRules, optional
        For a forecast naming channels, pools or priorities (columns ``channel``,
        ``concurrency``, ``pool``, ``priority``; see :mod:`staffing.prepared.channels`):
        the mapping of channel names to models, the chat efficiency table, and the
        deferred work's opening hours, deadline clock and occupancy cap.

    Returns
    -------
    Plan
        ``.intervals`` (:data:`INTERVAL_COLUMNS`) and ``.summary``
        (:data:`SUMMARY_COLUMNS`); for a forecast with channel columns,
        :data:`~staffing.planner.tables.CHANNEL_INTERVAL_COLUMNS` and
        :data:`~staffing.planner.tables.CHANNEL_SUMMARY_COLUMNS`
        (:mod:`staffing.planner.mixed`). Whatever the method, ``service_level``, ``asa_s``,
        ``abandon_rate`` and ``occupancy`` are the stationary (Erlang C/A) figures of the
        interval's agents, so that methods compare on one scale;
        :func:`staffing.simulation.simulate_plan` gives them through the day.

    Raises
    ------
    InputError, TargetError, StaffingError
        Bad forecast, unknown or unreachable target.

    Examples
    --------
    Two half-hours on one queue, 80/20 with Erlang C:

    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "calls": [100.0, 0.0], "aht_s": [180.0, 180.0]})
    >>> p = plan(f, "80/20", fte=FteRules(in_centre=0.2, out_of_centre=0.1))
    >>> p.intervals[["agents", "scheduled"]].to_dict("list")
    {'agents': [14, 0], 'scheduled': [17.5, 0.0]}

    14 agents for half an hour are 7 agent-hours; one week holds 37.5 paid hours per FTE:
    ``7 / (0.8 * 0.9) / 37.5 = 0.259`` FTE.

    >>> round(float(p.summary["fte"].iloc[0]), 4)
    0.2593

    After a peak the calls in service carry over: the modified offered load asks for
    more agents in the half-hour after it than the stationary method does.

    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30",
    ...                                      "2025-03-03 10:00"],
    ...                   "calls": [60.0, 300.0, 60.0], "aht_s": 600.0})
    >>> plan(f, "80/20").intervals["agents"].tolist()
    [25, 110, 25]
    >>> plan(f, "80/20", method="mol").intervals[["agents", "method"]].to_numpy().tolist()
    [[25, 'mol'], [83, 'mol'], [51, 'mol']]
    """
    check_period(period)
    fte = fte or FteRules()
    intervals = plan_intervals(
        forecast,
        targets,
        targets_table=targets_table,
        interval_s=interval_s,
        model=model,
        fte=fte,
        threshold_s=threshold_s,
        method=method,
        simulation=simulation,
        progress=progress,
        channels=channels,
    )
    return _finish(intervals, period, fte, whole_heads)


def plan_intervals(
    forecast: pd.DataFrame,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    threshold_s: float | None = None,
    method: Method = "sipp",
    simulation: SimulationOptions | None = None,
    progress: Progress | None = None,
    channels: ChannelRules | None = None,
) -> pd.DataFrame:
    """The interval table of :func:`plan`, without the summary and the sanity warnings.

    For a forecast planned in chunks of whole queues: each chunk's table is what the
    whole plan's table holds for its rows, and :class:`~staffing.planner.summary.SummaryParts`
    and :class:`~staffing.planner.sanity.SanityCheck` gather the rest. Parameters as
    for :func:`plan`.

    Examples
    --------
    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "calls": [100.0, 0.0], "aht_s": [180.0, 180.0]})
    >>> plan_intervals(f, "80/20")["agents"].tolist()
    [14, 0]
    """
    check_method(method)
    fte = fte or FteRules()
    p = prepare(
        forecast,
        targets,
        targets_table=targets_table,
        interval_s=interval_s,
        model=model,
        threshold_s=threshold_s,
    )
    if p.has_redials:
        check_redial_plan(p, method)
        return _plan_redials(p, fte, method, progress)
    if has_channels(p.frame):
        return plan_channels(
            p,
            fte=fte,
            rules=channels or ChannelRules(),
            method=method,
            simulation=simulation,
            progress=progress,
        )
    agents = immediate_agents(p, method, simulation, progress)
    values = p.measures(agents.astype(float))
    intervals = interval_table(INTERVAL_COLUMNS, p, agents, values, fte, method=method)
    intervals.attrs = {
        "source": p.source,
        "abandon_policy": p.abandon_policy,
        "method": method,
    }
    return intervals


def check_redial_plan(p: PreparedForecast, method: str) -> None:
    """Refuse what redials are not planned with: channels, and methods other than sipp."""
    if has_channels(p.frame):
        raise StaffingError(
            "redials are followed through the day for voice queues alone: drop the redial "
            "share, or plan the channels without it"
        )
    if method != "sipp":
        raise StaffingError(
            f"`method` {method!r}: a plan with redials follows them interval by interval in "
            "steady state (sipp); simulate the plan to see it through the day"
        )


def _plan_redials(
    p: PreparedForecast, fte: FteRules, method: str, progress: Progress | None
) -> pd.DataFrame:
    """The interval table of a forecast whose callers call again."""
    day = forward_redials(p, progress=progress)
    agents = day.agents.astype(np.int64)
    values = p.measures(agents.astype(float), calls=day.attempts, aht_s=day.aht_s)
    intervals = interval_table(
        (*INTERVAL_COLUMNS, *REDIAL_COLUMNS),
        p,
        agents,
        values,
        fte,
        method=method,
        **redial_columns(p, day, values),
    )
    intervals.attrs = {"source": p.source, "abandon_policy": p.abandon_policy, "method": method}
    return intervals


def _finish(intervals: pd.DataFrame, period: Period, fte: FteRules, whole_heads: bool) -> Plan:
    """Sanity warnings, the summary, and whole heads: the plan of an interval table."""
    check_plan_sanity(intervals, str(intervals.attrs["source"]))
    summary = summarise(intervals, period=period, fte=fte)
    if whole_heads:
        round_heads(intervals)
    return Plan(intervals=intervals, summary=summary)


def round_heads(intervals: pd.DataFrame) -> None:
    """``scheduled`` rounded up to whole people (int64), in place (``whole_heads``)."""
    # a hair below a whole number is that number: 14 / (1 - 0.3) * (1 - 0.3) is not 14
    heads = np.ceil(np.round(intervals["scheduled"].to_numpy(dtype=float), 9))
    intervals["scheduled"] = heads.astype(np.int64)
