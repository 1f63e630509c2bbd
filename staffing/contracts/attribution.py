"""Judging a partner: each service-level miss split into volume, staffing and other causes.

:func:`attribute_partner` compares a partner's actuals with its commitment and splits
each miss, in service-level points, into the part due to volume (calls and handle time
above plan), to staffing (agents below the commitment) and to everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts._measures import expected_counts, weighted
from staffing.contracts.credits import POLICY_COLUMNS
from staffing.errors import InputError, TargetError
from staffing.frames import period_start
from staffing.queueing.targets import ServiceLevel, TargetSet
from staffing.vocabulary import (
    AbandonPolicy,
    Period,
    check_abandon_policy,
    check_period,
    parse_week_start,
)

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "ATTRIBUTION_SUMMARY_COLUMNS",
    "Attribution",
    "attribute_partner",
    "service_level_goal",
]

#: Columns of :attr:`Attribution.intervals`, in order.
ATTRIBUTION_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "planned_calls",
    "calls",
    "planned_aht_s",
    "aht_s",
    "committed_agents",
    "agents",
    "planned_service_level",
    "committed_service_level",
    "expected_service_level",
    "service_level",
    "volume_effect_pts",
    "staffing_effect_pts",
    "other_effect_pts",
    "cause",
)
#: Columns of :attr:`Attribution.summary`, in order.
ATTRIBUTION_SUMMARY_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "planned_calls",
    "calls",
    "committed_agent_hours",
    "agent_hours",
    "planned_service_level",
    "committed_service_level",
    "expected_service_level",
    "service_level",
    "volume_effect_pts",
    "staffing_effect_pts",
    "other_effect_pts",
    "cause",
)

_TOTAL = "total"


@dataclass(frozen=True)
class Attribution:
    """A partner's delivered service level next to what its staffing should have given.

    Attributes
    ----------
    intervals : DataFrame
        Columns :data:`ATTRIBUTION_COLUMNS`, one row per interval found in both the
        actuals and the plan.
    summary : DataFrame
        Columns :data:`ATTRIBUTION_SUMMARY_COLUMNS` per period and queue, then total rows
        (``queue == "total"``; the last has ``period_start`` NaT).
    target : ServiceLevel
        The service-level target the misses are judged against.
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame
    target: ServiceLevel

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"attribution": summary, "attribution_intervals": intervals}``."""
        return {"attribution": self.summary, "attribution_intervals": self.intervals}


def service_level_goal(targets: Any, partner_intervals: pd.DataFrame) -> ServiceLevel:
    """The service-level target a partner's actuals are judged on.

    Parameters
    ----------
    targets : str, TargetSet or None
        The targets given; ``None`` reads the partner plan's own ``target`` column.
    partner_intervals : DataFrame
        The partner's plan intervals (their ``target`` column is read without ``targets``).

    Returns
    -------
    ServiceLevel
        The first service-level target found.

    Raises
    ------
    TargetError
        When no target holds a service level (``80/20``).
    """
    keys = [targets] if targets is not None else list(pd.unique(partner_intervals["target"]))
    for key in keys:
        levels = TargetSet.parse(key).service_levels
        if levels:
            return levels[0]
    raise TargetError("judging actuals needs a service-level target such as 80/20")


def attribute_partner(
    actuals: pd.DataFrame,
    partner_plan: pd.DataFrame,
    target: Any,
    *,
    abandon_policy: AbandonPolicy = "fail",
    period: Period = "week",
    week_start: int | str = 0,
) -> Attribution:
    """Split a partner's service-level misses into volume, staffing and other causes.

    Parameters
    ----------
    actuals : DataFrame
        The partner's interval history (:func:`staffing.calibration.prepare_history`,
        or :func:`staffing.io.read_history`, at the target's threshold) with
        ``offered``, ``answered``, ``answered_within`` (and what the abandon policy
        needs), ``aht_s`` and ``agents`` (staffed).
    partner_plan : DataFrame
        The partner's plan intervals (:attr:`Outsourcing.partner_plan`, or a
        ``staffing plan`` interval table): ``interval_start``, ``queue``, ``calls``,
        ``aht_s``, ``agents`` (the commitment), ``interval_s``, ``patience_s``.
    target : str or ServiceLevel
        The contract's service-level target, e.g. ``"80/20"``.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
    period : {"day", "week", "month", "quarter"}, default "week"
    week_start : str or int, default "mon"
        The weekday weeks start on (:func:`staffing.vocabulary.parse_week_start`).

    Returns
    -------
    Attribution

    Notes
    -----
    Four service levels per interval, each from Erlang C/A with the plan's patience
    except the last:

    * ``planned``: committed agents, planned calls and handle time;
    * ``committed``: committed agents, *actual* calls and handle time;
    * ``expected``: *staffed* agents, actual calls and handle time: what the partner's
      staffing should have delivered;
    * ``service_level``: what it did deliver (from the counts).

    The gap splits exactly into ``volume = committed - planned``, ``staffing = expected
    - committed`` and ``other = delivered - expected`` [points]; per period each level is
    volume-weighted (the policy's denominators) before the differences are taken. A
    missed interval or period is put down to its most negative part: ``volume`` (more
    calls or longer calls than planned: under a per-FTE contract, the client's
    forecast), ``staffing`` (fewer agents than committed: the partner) or ``other``
    (staffed as committed for the volume, yet slower than the model: adherence, routing,
    outages).

    Examples
    --------
    >>> plan_iv = pd.DataFrame({"interval_start": pd.to_datetime(["2025-03-03 09:00"]),
    ...     "queue": "main", "calls": [100.0], "aht_s": [180.0], "agents": [14],
    ...     "interval_s": [1800.0], "patience_s": [np.nan]})
    >>> act = pd.DataFrame({"interval_start": pd.to_datetime(["2025-03-03 09:00"]),
    ...     "queue": "main", "offered": [100], "answered": [100], "answered_within": [70],
    ...     "aht_s": [180.0], "agents": [12.0]})
    >>> a = attribute_partner(act, plan_iv, "80/20")
    >>> a.intervals[["committed_service_level", "expected_service_level", "cause"]].round(4)
    ... # doctest: +NORMALIZE_WHITESPACE
       committed_service_level  expected_service_level     cause
    0                   0.8884                  0.6402  staffing
    """
    goal = TargetSet.parse(target)
    if len(goal) != 1 or not goal.service_levels:
        raise TargetError(f"target {target!r}: judging actuals needs one target such as 80/20")
    sl_goal = goal.service_levels[0]
    check_abandon_policy(abandon_policy)
    check_period(period)
    src = str(actuals.attrs.get("source", "actuals"))
    counted = actuals.attrs.get("threshold_s")
    if counted is not None and not np.isclose(float(counted), sl_goal.threshold_s):
        raise InputError(
            f"the actuals count calls answered within {float(counted):g} s but the target "
            f"{sl_goal} needs {sl_goal.threshold_s:g} s",
            source=src,
        )
    within_cols, base_cols, minus_cols = POLICY_COLUMNS[abandon_policy]
    needed = ["interval_start", "offered", "aht_s", "agents", *within_cols, *base_cols, *minus_cols]
    for name in dict.fromkeys(needed):
        if name not in actuals.columns or (name != "interval_start" and actuals[name].isna().all()):
            raise InputError(
                f"the actuals need column '{name}' (partner calls, handle time and staffed "
                "agents per interval); map it with `columns`",
                source=src,
            )

    act = actuals.reset_index(drop=True).copy()
    act["_row"] = np.arange(len(act)) + 2
    plan_iv = partner_plan.reset_index(drop=True)
    one_queue = _constant(plan_iv["queue"]) and (
        "queue" not in act.columns or _constant(act["queue"])
    )
    if "queue" not in act.columns and not one_queue:
        raise InputError(
            "the actuals have no 'queue' column but the plan has queues "
            f"{', '.join(sorted(map(str, pd.unique(plan_iv['queue']))))}: give the queue "
            "of every interval",
            source=src,
        )
    if one_queue:
        act["queue"] = plan_iv["queue"].iloc[0] if len(plan_iv) else "main"
    act["queue"] = act["queue"].astype(str)
    keys = ["interval_start", "queue"]
    planned_cols = plan_iv[
        ["interval_start", "queue", "calls", "aht_s", "agents", "interval_s", "patience_s"]
    ].rename(
        columns={"calls": "planned_calls", "aht_s": "planned_aht_s", "agents": "committed_agents"}
    )
    planned_cols["queue"] = planned_cols["queue"].astype(str)
    clash = [c for c in ("interval_s", "patience_s") if c in act.columns]
    merged = act.drop(columns=clash).merge(
        planned_cols, on=keys, how="inner", validate="one_to_one"
    )
    if merged.empty:
        raise InputError(
            "no interval of the actuals is in the plan (compare their dates, times and queue "
            "names with the forecast's)",
            source=src,
        )
    unmatched = len(act) - len(merged)
    for name in ("offered", "aht_s", "agents"):
        values = pd.to_numeric(merged[name], errors="coerce")
        ok = values.notna() & (values >= 0)
        if name == "aht_s":
            ok = ok & ((values > 0) | (merged["offered"] == 0))
        if not ok.all():
            raise InputError(
                "missing or negative values",
                source=src,
                column=name,
                rows=merged.loc[~ok, "_row"].tolist(),
            )

    offered = merged["offered"].to_numpy(dtype=float)
    aht = np.where(offered > 0, merged["aht_s"].to_numpy(dtype=float), 1.0)
    staffed = merged["agents"].to_numpy(dtype=float)
    p_calls = merged["planned_calls"].to_numpy(dtype=float)
    p_aht = np.where(p_calls > 0, merged["planned_aht_s"].to_numpy(dtype=float), 1.0)
    committed = merged["committed_agents"].to_numpy(dtype=float)
    length = merged["interval_s"].to_numpy(dtype=float)
    patience_raw = merged["patience_s"].to_numpy(dtype=float)
    patience = patience_raw if np.isfinite(patience_raw).any() else None
    t = sl_goal.threshold_s

    w_p, b_p = expected_counts(p_calls, p_aht, committed, length, t, patience, abandon_policy)
    w_c, b_c = expected_counts(offered, aht, committed, length, t, patience, abandon_policy)
    w_e, b_e = expected_counts(offered, aht, staffed, length, t, patience, abandon_policy)
    counts = {c: merged[c].to_numpy(dtype=float) for c in dict.fromkeys(needed[4:])}
    counts["offered"] = offered
    w_d = sum((counts[c] for c in within_cols), np.zeros(len(merged)))
    b_d = sum((counts[c] for c in base_cols), np.zeros(len(merged))) - sum(
        (counts[c] for c in minus_cols), np.zeros(len(merged))
    )

    parts = pd.DataFrame(
        {
            "interval_start": merged["interval_start"],
            "queue": merged["queue"],
            "planned_calls": p_calls,
            "calls": offered,
            "planned_aht_s": merged["planned_aht_s"].to_numpy(dtype=float),
            "aht_s": merged["aht_s"].to_numpy(dtype=float),
            "committed_agents": committed,
            "agents": staffed,
            "_w_p": w_p,
            "_b_p": b_p,
            "_w_c": w_c,
            "_b_c": b_c,
            "_w_e": w_e,
            "_b_e": b_e,
            "_w_d": w_d,
            "_b_d": b_d,
            "_hours": length / 3600.0,
        }
    )
    intervals = _levels(parts, sl_goal.fraction)
    intervals = intervals.sort_values(keys, kind="stable").reset_index(drop=True)
    intervals = intervals[list(ATTRIBUTION_COLUMNS)]

    # Per period and queue, then totals: sum the parts, then take the ratios.
    parts["period_start"] = period_start(
        parts["interval_start"], period, parse_week_start(week_start)
    )
    parts["committed_agent_hours"] = committed * parts["_hours"]
    parts["agent_hours"] = staffed * parts["_hours"]
    summed = [
        "planned_calls",
        "calls",
        "committed_agent_hours",
        "agent_hours",
        "_w_p",
        "_b_p",
        "_w_c",
        "_b_c",
        "_w_e",
        "_b_e",
        "_w_d",
        "_b_d",
    ]
    frames = [parts.groupby(["period_start", "queue"], sort=True)[summed].sum().reset_index()]
    if not _constant(parts["queue"]) and not _constant(parts["period_start"]):
        per = parts.groupby("period_start", sort=True)[summed].sum().reset_index()
        per.insert(1, "queue", _TOTAL)
        frames.append(per)
    grand = parts[summed].sum().to_frame().T
    grand.insert(0, "queue", _TOTAL)
    grand.insert(0, "period_start", pd.Series([pd.NaT], dtype=parts["period_start"].dtype))
    body = pd.concat(frames, ignore_index=True)
    body["_order"] = (body["queue"] == _TOTAL).astype(int)
    body = body.sort_values(["period_start", "_order", "queue"], kind="stable")
    summary = pd.concat([body.drop(columns="_order"), grand], ignore_index=True)
    summary = _levels(summary, sl_goal.fraction)[list(ATTRIBUTION_SUMMARY_COLUMNS)]
    summary.attrs.update({"target": str(sl_goal), "unmatched": int(unmatched), "source": src})
    intervals.attrs.update(summary.attrs)
    return Attribution(intervals=intervals, summary=summary, target=sl_goal)


def _constant(values: pd.Series) -> bool:
    array = values.to_numpy()
    return bool(len(array) == 0 or (array[0] == array).all())


def _levels(parts: pd.DataFrame, target: float) -> pd.DataFrame:
    """Service levels from numerators/denominators, their differences, and the cause."""
    out = parts.copy()
    for name, w, b in (
        ("planned_service_level", "_w_p", "_b_p"),
        ("committed_service_level", "_w_c", "_b_c"),
        ("expected_service_level", "_w_e", "_b_e"),
        ("service_level", "_w_d", "_b_d"),
    ):
        out[name] = np.clip(weighted(out[w], out[b]), 0.0, 1.0)
    out["volume_effect_pts"] = 100.0 * (
        out["committed_service_level"] - out["planned_service_level"]
    )
    out["staffing_effect_pts"] = 100.0 * (
        out["expected_service_level"] - out["committed_service_level"]
    )
    out["other_effect_pts"] = 100.0 * (out["service_level"] - out["expected_service_level"])
    effects = out[["volume_effect_pts", "staffing_effect_pts", "other_effect_pts"]].to_numpy()
    names = np.array(["volume", "staffing", "other"], dtype=object)
    worst = names[np.argmin(np.nan_to_num(effects, nan=np.inf), axis=1)]
    missed = out["service_level"].to_numpy() < target - 1e-12
    out["cause"] = np.where(missed, worst, np.where(out["service_level"].isna(), "n/a", "met"))
    return out
