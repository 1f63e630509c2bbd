"""Outsourcer sizing: split the volume, size both sides, price the split, judge the partner.

Part of the calls goes to a partner, either a fixed **share** of every interval or the
**overflow** above what an in-house capacity (agents per interval and queue) can serve at
the targets. Contracts come in two kinds:

* **per call**: the partner takes its share with the same targets; what it needs to meet
  them is an estimate of its own staffing (and so of its price);
* **per FTE**: the partner is paid for staffed agents, so the contract is a *commitment*:
  agents per interval and FTE per period, with the service level that commitment yields
  on the planned volume (and on 10% more, since forecast error is ours to carry).

Splitting costs agents: one pooled queue needs fewer agents than two separate queues
carrying the same calls (economies of scale of the Erlang formulas). :func:`outsource`
reports in-house, partner and pooled requirements side by side and the difference.

:func:`attribute_partner` compares a partner's actuals with its commitment and splits
each miss, in service-level points, into the part due to volume (calls and handle time
above plan), to staffing (agents below the commitment) and to everything else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts._measures import expected_counts, plan_counts
from staffing.contracts._periods import period_start
from staffing.contracts.credits import _POLICY_COLUMNS
from staffing.errors import InputError, StaffingError, TargetError
from staffing.queueing import required_agents
from staffing.queueing.performance import check_policy
from staffing.queueing.targets import ServiceLevel, parse_targets

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "ATTRIBUTION_SUMMARY_COLUMNS",
    "COMMITMENT_COLUMNS",
    "CONTRACTS",
    "OUTSOURCE_INTERVAL_COLUMNS",
    "OUTSOURCE_SUMMARY_COLUMNS",
    "PARTIES",
    "Attribution",
    "Outsourcing",
    "attribute_partner",
    "outsource",
]

#: Contract kinds.
CONTRACTS: tuple[str, ...] = ("per-fte", "per-call")
#: ``party`` labels of the side-by-side summary, in order.
PARTIES: tuple[str, ...] = ("in-house", "partner", "pooled", "split cost")

#: Columns of :attr:`Outsourcing.intervals`, in order.
OUTSOURCE_INTERVAL_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "aht_s",
    "in_house_calls",
    "partner_calls",
    "pooled_agents",
    "in_house_agents",
    "partner_agents",
    "split_extra_agents",
    "pooled_service_level",
    "in_house_service_level",
    "partner_service_level",
)
#: Columns of :attr:`Outsourcing.summary`, in order.
OUTSOURCE_SUMMARY_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "party",
    "calls",
    "agent_hours",
    "scheduled_hours",
    "fte",
    "peak_agents",
    "service_level",
    "abandon_rate",
    "occupancy",
    "asa_s",
    "period_days",
)
#: Columns of :attr:`Outsourcing.commitment`, in order.
COMMITMENT_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "contract",
    "target",
    "calls",
    "agent_hours",
    "fte",
    "peak_agents",
    "service_level",
    "service_level_10pct_more_calls",
)
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
_BISECTIONS = 48


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


@dataclass(frozen=True)
class Outsourcing:
    """In-house and partner requirements side by side, and the cost of splitting.

    Attributes
    ----------
    intervals : DataFrame
        Columns :data:`OUTSOURCE_INTERVAL_COLUMNS`: per interval the calls each side takes
        and the agents it needs; ``split_extra_agents = in_house + partner - pooled``.
    summary : DataFrame
        Columns :data:`OUTSOURCE_SUMMARY_COLUMNS`: the planner's summary per period and
        queue (and totals) for each ``party`` of :data:`PARTIES`. ``split cost`` rows
        hold the extra agent-hours, scheduled hours, FTE (at in-house shrinkage) and peak
        agents two separate queues need over one pooled queue.
    commitment : DataFrame
        Columns :data:`COMMITMENT_COLUMNS`: what the partner is held to per period and
        queue. ``service_level`` is what its agents yield on the planned volume,
        ``service_level_10pct_more_calls`` on 10% more calls.
    partner_plan : DataFrame
        The partner's plan intervals (:data:`staffing.planner.INTERVAL_COLUMNS`), the
        input of ``staffing credits --plan``.
    contract : str
        ``"per-fte"`` or ``"per-call"``.
    attribution : Attribution or None
        When actuals were given.
    """

    intervals: pd.DataFrame
    summary: pd.DataFrame
    commitment: pd.DataFrame
    partner_plan: pd.DataFrame
    contract: str
    attribution: Attribution | None = field(default=None)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (one sheet each in an ``.xlsx``)."""
        out = {
            "summary": self.summary,
            "commitment": self.commitment,
            "intervals": self.intervals,
        }
        if self.attribution is not None:
            out.update(self.attribution.tables())
        return out

    def split_cost(self) -> pd.Series:
        """The horizon's ``split cost`` row: extra agent-hours, FTE and peak agents."""
        rows = self.summary[(self.summary["party"] == "split cost")]
        return rows.iloc[-1]

    def __repr__(self) -> str:
        cost = self.split_cost()
        partner = self.summary[self.summary["party"] == "partner"].iloc[-1]
        return (
            f"Outsourcing({self.contract}: partner {partner['calls']:.0f} calls, "
            f"{partner['fte']:.1f} FTE; splitting costs {cost['agent_hours']:.1f} agent-hours, "
            f"{cost['fte']:.1f} FTE)"
        )


def _fraction(share: float) -> float:
    if not (np.isfinite(share) and 0.0 <= share <= 1.0):
        raise StaffingError(f"share {share!r}: give a fraction of the calls in [0, 1], e.g. 40%")
    return float(share)


def _capacity_per_row(queues: pd.Series, capacity: float | Mapping[str, float]) -> np.ndarray:
    if isinstance(capacity, Mapping):
        known = {str(k): float(v) for k, v in capacity.items()}
        missing = sorted(set(queues.astype(str)) - set(known))
        if missing:
            raise StaffingError(
                f"no in-house capacity for queue {missing[0]!r} (given for "
                f"{', '.join(sorted(known))})"
            )
        values = queues.astype(str).map(known).to_numpy(dtype=float)
    else:
        values = np.full(len(queues), float(capacity))
    if not np.all(np.isfinite(values) & (values >= 0)):
        raise StaffingError("in-house capacity: give a number of agents >= 0")
    return values


def _capacity_split(pooled: pd.DataFrame, capacity: np.ndarray, abandon_policy: str) -> np.ndarray:
    """In-house calls: the most each interval's capacity serves at its targets.

    Required agents grow with the calls, so the largest load ``c`` with
    ``required_agents(c) <= capacity`` is found by bisection on ``[0, calls]``, all
    intervals at once (grouped by target set, one vectorised solve per step).
    """
    calls = pooled["calls"].to_numpy(dtype=float)
    over = pooled["agents"].to_numpy(dtype=float) > capacity
    in_house = calls.copy()
    if not over.any():
        return in_house
    idx = np.flatnonzero(over)
    aht = pooled["aht_s"].to_numpy(dtype=float)[idx]
    length = pooled["interval_s"].to_numpy(dtype=float)[idx]
    patience = pooled["patience_s"].to_numpy(dtype=float)[idx]
    keys = pooled["target"].to_numpy()[idx]
    cap = capacity[idx]
    lo = np.zeros(idx.size)
    hi = calls[idx].copy()
    for _ in range(_BISECTIONS):  # bisection steps; each solves every interval at once
        mid = 0.5 * (lo + hi)
        need = np.zeros(idx.size)
        for key in pd.unique(keys):
            rows = keys == key
            need[rows] = required_agents(
                mid[rows],
                aht[rows],
                key,
                interval_s=length[rows],
                patience_s=patience[rows],
                abandon_policy=abandon_policy,  # type: ignore[arg-type]
            )
        ok = need <= cap
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    in_house[idx] = lo
    return in_house


def _with_calls(forecast: pd.DataFrame, calls: np.ndarray) -> pd.DataFrame:
    f = forecast.copy()
    f["calls"] = calls
    f.attrs = dict(forecast.attrs)
    return f


def _weighted(num: pd.Series, den: pd.Series) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den.where(den > 0, 1.0), np.nan)


def outsource(
    forecast: pd.DataFrame,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | str | os.PathLike[str] | None = None,
    share: float | None = None,
    capacity_agents: float | Mapping[str, float] | None = None,
    contract: str = "per-fte",
    interval_s: float | str | None = None,
    patience_s: float | None = None,
    calibration: Mapping[str, Any] | str | os.PathLike[str] | None = None,
    in_centre: float = 0.0,
    out_of_centre: float = 0.0,
    shrinkage: float | None = None,
    partner_shrinkage: float | None = None,
    hours_per_fte: float = 37.5,
    period: str = "week",
    abandon_policy: str = "fail",
    actuals: pd.DataFrame | None = None,
) -> Outsourcing:
    """Size an outsourcing split: in-house and partner side by side, and the split cost.

    Parameters
    ----------
    forecast : DataFrame
        As for :func:`staffing.planner.plan`.
    targets, targets_table
        Targets, as for :func:`staffing.planner.plan`; the partner's share is held to the
        same targets.
    share : float, optional
        Fraction of every interval's calls routed to the partner, e.g. ``0.4``.
    capacity_agents : float or mapping, optional
        Instead of a share: agents in-house per interval (one number for every queue, or
        queue -> agents); the calls these cannot serve at the targets overflow to the
        partner.
    contract : {"per-fte", "per-call"}, default "per-fte"
        How the partner is paid (see the module notes); it labels the commitment.
    interval_s, patience_s, calibration, abandon_policy
        As in :func:`staffing.planner.plan`.
    in_centre, out_of_centre, shrinkage, hours_per_fte
        In-house shrinkage and paid hours per FTE (also used for the pooled queue).
    partner_shrinkage : float, optional
        The partner's total shrinkage for its FTE; default the same as in-house.
    period : {"day", "week", "month"}, default "week"
        Summary period.
    actuals : DataFrame, optional
        The partner's interval history (:func:`staffing.calibration.read_history`, read
        at the target's threshold): adds :attr:`Outsourcing.attribution`.

    Returns
    -------
    Outsourcing

    Raises
    ------
    StaffingError
        Neither or both of ``share`` and ``capacity_agents``; a share outside [0, 1].

    Notes
    -----
    *Share*: ``partner = share * calls``. *Overflow*: in-house keeps the largest load
    ``c <= calls`` whose requirement fits the capacity, ``required_agents(c) <=
    capacity``; the partner takes ``calls - c``. This is the planning (fluid) view of
    overflow routing: in real time the overflow comes in bursts when the in-house queue
    is busy, which is peakier than Poisson, so the partner's true need is somewhat above
    what is shown.

    The split cost is ``in-house + partner - pooled`` agents per interval, where
    *pooled* plans the whole forecast as one queue per queue name; it is never negative
    for Erlang C and Erlang A with the same targets (the requirement is subadditive).

    Examples
    --------
    100 calls of 180 s in one half-hour, 80/20, Erlang C, 40% to a partner:

    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00"], "calls": [100.0],
    ...                   "aht_s": [180.0], "interval_s": [1800.0]})
    >>> o = outsource(f, "80/20", share=0.4)
    >>> o.intervals[["in_house_agents", "partner_agents", "pooled_agents",
    ...              "split_extra_agents"]].to_numpy().tolist()
    [[9, 7, 14, 2]]

    One queue of 100 calls needs 14 agents; split 60/40 it needs 9 + 7 = 16: splitting
    costs 2 agents in that half-hour.
    """
    from staffing.planner import plan

    if contract not in CONTRACTS:
        raise StaffingError(f"contract {contract!r}: use one of {', '.join(CONTRACTS)}")
    if (share is None) == (capacity_agents is None):
        raise StaffingError("give either a partner share (e.g. 40%) or an in-house capacity")
    check_policy(abandon_policy)
    if share is not None:
        share = _fraction(share)
    kw: dict[str, Any] = {
        "targets_table": targets_table,
        "interval_s": interval_s,
        "patience_s": patience_s,
        "calibration": calibration,
        "hours_per_fte": hours_per_fte,
        "period": period,
        "abandon_policy": abandon_policy,
    }
    ours: dict[str, Any] = {
        "in_centre": in_centre,
        "out_of_centre": out_of_centre,
        "shrinkage": shrinkage,
    }
    theirs: dict[str, Any] = ours
    if partner_shrinkage is not None:
        theirs = {"in_centre": 0.0, "out_of_centre": 0.0, "shrinkage": partner_shrinkage}

    pooled = plan(forecast, targets, **kw, **ours)
    pi = pooled.intervals
    calls = pi["calls"].to_numpy(dtype=float)
    if share is not None:
        partner_calls = share * calls
        in_house_calls = calls - partner_calls
        how = f"share {100 * share:g}%"
    else:
        assert capacity_agents is not None
        cap = _capacity_per_row(pi["queue"], capacity_agents)
        in_house_calls = _capacity_split(pi, cap, abandon_policy)
        partner_calls = calls - in_house_calls
        how = "overflow above in-house capacity"
    # Plan each side on the prepared forecast (same rows, same order as pooled).
    base = pi[["interval_start", "queue", "calls", "aht_s", "interval_s", "patience_s"]].copy()
    base.attrs = dict(pi.attrs)
    # ... whose interval_s and patience_s columns already hold what the pooled plan used.
    kw_side = {**kw, "calibration": None, "patience_s": None, "interval_s": None}
    in_house = plan(_with_calls(base, in_house_calls), targets, **kw_side, **ours)
    partner = plan(_with_calls(base, partner_calls), targets, **kw_side, **theirs)

    ih, pa = in_house.intervals, partner.intervals
    intervals = pd.DataFrame(
        {
            "interval_start": pi["interval_start"],
            "queue": pi["queue"],
            "calls": calls,
            "aht_s": pi["aht_s"],
            "in_house_calls": in_house_calls,
            "partner_calls": partner_calls,
            "pooled_agents": pi["agents"],
            "in_house_agents": ih["agents"].to_numpy(),
            "partner_agents": pa["agents"].to_numpy(),
            "split_extra_agents": ih["agents"].to_numpy()
            + pa["agents"].to_numpy()
            - pi["agents"].to_numpy(),
            "pooled_service_level": pi["service_level"],
            "in_house_service_level": ih["service_level"].to_numpy(),
            "partner_service_level": pa["service_level"].to_numpy(),
        }
    )
    summary = _side_by_side(
        pooled.summary, in_house.summary, partner.summary, ih, pa, pi, ours, hours_per_fte, period
    )
    commitment = _commitment(partner, contract, period, abandon_policy)
    attribution = None
    if actuals is not None:
        goal = _service_level_goal(targets, pa)
        attribution = attribute_partner(
            actuals, pa, goal, abandon_policy=abandon_policy, period=period
        )
    intervals.attrs.update({"contract": contract, "split": how})
    return Outsourcing(
        intervals=intervals,
        summary=summary,
        commitment=commitment,
        partner_plan=pa,
        contract=contract,
        attribution=attribution,
    )


def _side_by_side(
    pooled: pd.DataFrame,
    in_house: pd.DataFrame,
    partner: pd.DataFrame,
    ih: pd.DataFrame,
    pa: pd.DataFrame,
    pi: pd.DataFrame,
    ours: Mapping[str, Any],
    hours_per_fte: float,
    period: str,
) -> pd.DataFrame:
    from staffing.planner import summarise

    # Two separate queues: agents of both sides together at each interval.
    separate = pi.copy()
    separate["agents"] = ih["agents"].to_numpy() + pa["agents"].to_numpy()
    separate = separate.drop(columns=["scheduled"])
    both = summarise(separate, period=period, hours_per_fte=hours_per_fte, **ours)  # type: ignore[arg-type]
    split = pooled.copy()
    for name in ("agent_hours", "scheduled_hours", "fte", "peak_agents"):
        split[name] = both[name].to_numpy() - pooled[name].to_numpy()
    split["calls"] = 0.0
    for name in ("service_level", "abandon_rate", "occupancy", "asa_s"):
        split[name] = np.nan
    frames = []
    for k, (party, table) in enumerate(
        zip(PARTIES, (in_house, partner, pooled, split), strict=True)
    ):
        t = table.copy()
        t.insert(2, "party", party)
        t["_row"] = np.arange(len(t))
        t["_party"] = k
        frames.append(t)
    out = pd.concat(frames, ignore_index=True).sort_values(["_row", "_party"], kind="stable")
    return out[list(OUTSOURCE_SUMMARY_COLUMNS)].reset_index(drop=True)


def _commitment(partner: Any, contract: str, period: str, abandon_policy: str) -> pd.DataFrame:
    """What the partner is held to, per period and queue (the partner's plan summary)."""
    from staffing.planner import summarise

    pa = partner.intervals
    busy = pa["calls"].to_numpy(dtype=float) > 0
    more = pa["calls"].to_numpy(dtype=float) * 1.1
    within = np.zeros(len(pa))
    base = np.zeros(len(pa))
    if busy.any():
        threshold = pa["threshold_s"].to_numpy(dtype=float)
        within[busy], base[busy] = plan_counts(pa, more, busy, threshold, abandon_policy)
    extra = pa.assign(_more_within=within, _more_base=base)
    s = summarise(extra, period=period, extra=["_more_within", "_more_base"])  # type: ignore[arg-type]
    # FTE from the partner's own plan summary (its shrinkage).
    s["fte"] = partner.summary["fte"].to_numpy()
    targets = pa.groupby("queue")["target"].agg(lambda x: " | ".join(pd.unique(x)))
    all_targets = " | ".join(pd.unique(pa["target"]))
    out = pd.DataFrame(
        {
            "period_start": s["period_start"],
            "queue": s["queue"],
            "contract": contract,
            "target": s["queue"].map(targets).fillna(all_targets),
            "calls": s["calls"],
            "agent_hours": s["agent_hours"],
            "fte": s["fte"],
            "peak_agents": s["peak_agents"],
            "service_level": s["service_level"],
            "service_level_10pct_more_calls": _weighted(s["_more_within"], s["_more_base"]),
        }
    )
    return out[list(COMMITMENT_COLUMNS)]


def _service_level_goal(targets: Any, partner_intervals: pd.DataFrame) -> ServiceLevel:
    keys = [targets] if targets is not None else list(pd.unique(partner_intervals["target"]))
    for key in keys:
        for tg in parse_targets(key):
            if isinstance(tg, ServiceLevel):
                return tg
    raise TargetError("judging actuals needs a service-level target such as 80/20")


def attribute_partner(
    actuals: pd.DataFrame,
    partner_plan: pd.DataFrame,
    target: Any,
    *,
    abandon_policy: str = "fail",
    period: str = "week",
) -> Attribution:
    """Split a partner's service-level misses into volume, staffing and other causes.

    Parameters
    ----------
    actuals : DataFrame
        The partner's interval history (:func:`staffing.calibration.read_history`, read
        at the target's threshold) with ``offered``, ``answered``, ``answered_within``
        (and what the abandon policy needs), ``aht_s`` and ``agents`` (staffed).
    partner_plan : DataFrame
        The partner's plan intervals (:attr:`Outsourcing.partner_plan`, or a
        ``staffing plan`` interval table): ``interval_start``, ``queue``, ``calls``,
        ``aht_s``, ``agents`` (the commitment), ``interval_s``, ``patience_s``.
    target : str or ServiceLevel
        The contract's service-level target, e.g. ``"80/20"``.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
    period : {"day", "week", "month", "quarter"}, default "week"

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
    goal = parse_targets(target)
    if len(goal) != 1 or not isinstance(goal[0], ServiceLevel):
        raise TargetError(f"target {target!r}: judging actuals needs one target such as 80/20")
    sl_goal = goal[0]
    check_policy(abandon_policy)
    src = str(actuals.attrs.get("source", "actuals"))
    counted = actuals.attrs.get("threshold_s")
    if counted is not None and not np.isclose(float(counted), sl_goal.threshold_s):
        raise InputError(
            f"the actuals count calls answered within {float(counted):g} s but the target "
            f"{sl_goal} needs {sl_goal.threshold_s:g} s",
            source=src,
        )
    within_cols, base_cols, minus_cols = _POLICY_COLUMNS[abandon_policy]
    needed = ["interval_start", "offered", "aht_s", "agents", *within_cols, *base_cols, *minus_cols]
    for name in dict.fromkeys(needed):
        if name not in actuals.columns or (name != "interval_start" and actuals[name].isna().all()):
            raise InputError(
                f"the actuals need column '{name}' (partner calls, handle time and staffed "
                "agents per interval); map it with --actuals-column",
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
    parts["period_start"] = period_start(parts["interval_start"], period)
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
        out[name] = np.clip(_weighted(out[w], out[b]), 0.0, 1.0)
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
