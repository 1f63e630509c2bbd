"""The requirement: the fewest agents per interval meeting every target, and its FTE.

Intervals sharing a target set are solved together in one vectorised call of
:func:`staffing.required_agents` (Erlang C where patience is unknown, Erlang A where it
is given), in chunks so that memory stays flat, and evaluated in one call of
:func:`staffing.evaluate`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from staffing.planner.intervals import (
    chunks,
    forecast_arrays,
    interval_table,
    measures,
    setup,
)
from staffing.planner.models import FteRules, QueueModel
from staffing.planner.sanity import check_plan_sanity
from staffing.planner.summary import summarise
from staffing.planner.tables import INTERVAL_COLUMNS, Plan
from staffing.queueing import parse_targets, required_agents
from staffing.vocabulary import Period, check_period

__all__ = ["Progress", "plan"]

#: Called with the number of intervals just solved.
Progress = Callable[[int], None]


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
    progress: Progress | None = None,
    whole_heads: bool = False,
) -> Plan:
    """Agents per interval for a forecast, scheduled staff, and FTE per period.

    Parameters
    ----------
    forecast : DataFrame
        Long format: ``interval_start``, optional ``queue``, ``calls``, ``aht_s``,
        optional ``patience_s`` and ``interval_s`` (see :func:`read_forecast`).
    targets : str, target or sequence, optional
        Targets for every interval (``"80/20"``, ``["80/20", "abandon<=5%"]``); with a
        ``targets_table``, the default for intervals no rule matches.
    targets_table : DataFrame, optional
        Targets per queue and weekday/time window (see :mod:`staffing.planner.windows`;
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
    progress : callable, optional
        Called with the number of intervals just solved, as the work proceeds.
    whole_heads : bool, default False
        Round ``scheduled`` up to whole people per interval (int64), for WFM tools that
        take integers. The summary still sums the unrounded figures, so FTE and
        scheduled hours do not carry up to one head of rounding per interval.

    Returns
    -------
    Plan
        ``.intervals`` (:data:`INTERVAL_COLUMNS`) and ``.summary``
        (:data:`SUMMARY_COLUMNS`).

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
    """
    check_period(period)
    model = model or QueueModel()
    fte = fte or FteRules()
    f, patience, keys, thresholds = setup(
        forecast, targets, targets_table, interval_s, model, threshold_s
    )
    calls, _, aht, interval = forecast_arrays(f)

    agents = np.zeros(len(f), dtype=np.int64)
    for key in pd.unique(keys):
        rows = np.flatnonzero(keys == key)
        parsed = parse_targets(key)
        for part in chunks(rows):
            agents[part] = required_agents(
                calls[part],
                aht[part],
                parsed,
                interval_s=interval[part],
                patience_s=patience[part],
                abandon_policy=model.abandon_policy,
            )
            if progress is not None:
                progress(int(part.size))
    values = measures(
        calls, aht, agents.astype(float), interval, thresholds, patience, model.abandon_policy
    )
    intervals = interval_table(INTERVAL_COLUMNS, f, agents, values, fte, patience, keys, thresholds)
    intervals.attrs = {
        "source": f.attrs.get("source", "forecast"),
        "abandon_policy": model.abandon_policy,
    }
    check_plan_sanity(intervals, str(intervals.attrs["source"]))
    summary = summarise(intervals, period=period, fte=fte)
    if whole_heads:
        # a hair below a whole number is that number: 14 / (1 - 0.3) * (1 - 0.3) is not 14
        heads = np.ceil(np.round(intervals["scheduled"].to_numpy(dtype=float), 9))
        intervals["scheduled"] = heads.astype(np.int64)
    return Plan(intervals=intervals, summary=summary)
