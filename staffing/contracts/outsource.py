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

With a partner's actuals, :func:`~staffing.contracts.attribute_partner` judges each
miss (:mod:`staffing.contracts.attribution`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts._measures import plan_counts, weighted
from staffing.contracts.attribution import Attribution, attribute_partner, service_level_goal
from staffing.errors import StaffingError
from staffing.planner import (
    ChannelRules,
    FteRules,
    Plan,
    PlanWarning,
    QueueModel,
    plan,
    summarise,
)
from staffing.prepared.channels import CHANNEL_COLUMNS
from staffing.queueing import required_agents
from staffing.vocabulary import AbandonPolicy, Period, check_period, parse_rate

__all__ = [
    "COMMITMENT_COLUMNS",
    "CONTRACTS",
    "OUTSOURCE_INTERVAL_COLUMNS",
    "OUTSOURCE_SUMMARY_COLUMNS",
    "PARTIES",
    "Outsourcing",
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
    "threshold_s",
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
_BISECTIONS = 48


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
        Columns :data:`COMMITMENT_COLUMNS` (then ``level``, ``channel``, ``pool`` for a
        mixed-channel forecast): what the partner is held to per period and queue.
        ``service_level`` is what its agents yield on the planned volume,
        ``service_level_10pct_more_calls`` on 10% more calls.
    partner_plan : DataFrame
        The partner's plan intervals (:data:`staffing.planner.tables.INTERVAL_COLUMNS`), the
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


def _capacity_split(
    pooled: pd.DataFrame, capacity: np.ndarray, abandon_policy: AbandonPolicy
) -> np.ndarray:
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
                abandon_policy=abandon_policy,
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


def outsource(
    forecast: pd.DataFrame,
    targets: Any = None,
    *,
    targets_table: pd.DataFrame | None = None,
    share: float | str | None = None,
    capacity_agents: float | Mapping[str, float] | None = None,
    contract: str = "per-fte",
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    partner_fte: FteRules | None = None,
    period: Period = "week",
    actuals: pd.DataFrame | None = None,
    channels: ChannelRules | None = None,
) -> Outsourcing:
    """Size an outsourcing split: in-house and partner side by side, and the split cost.

    Parameters
    ----------
    forecast : DataFrame
        As for :func:`staffing.planner.plan`.
    targets, targets_table
        Targets, as for :func:`staffing.planner.plan`; the partner's share is held to the
        same targets.
    share : float or str, optional
        Share of every interval's calls routed to the partner, e.g. ``0.4`` or ``"40%"``.
    capacity_agents : float or mapping, optional
        Instead of a share: agents in-house per interval (one number for every queue, or
        queue -> agents); the calls these cannot serve at the targets overflow to the
        partner.
    contract : {"per-fte", "per-call"}, default "per-fte"
        How the partner is paid (see the module notes); it labels the commitment.
    interval_s, model
        As in :func:`staffing.planner.plan`.
    fte : FteRules, optional
        In-house shrinkage and paid hours per FTE (also used for the pooled queue).
    partner_fte : FteRules, optional
        The partner's; default the same as in-house.
    period : {"day", "week", "month", "quarter"}, default "week"
        Summary period.
    actuals : DataFrame, optional
        The partner's interval history (:func:`staffing.calibration.prepare_history`, at
        the target's threshold): adds :attr:`Outsourcing.attribution`.
    channels : ChannelRules, optional
        For a forecast naming channels: as for :func:`staffing.planner.plan`.

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

    **Mixed-channel forecasts** (:mod:`staffing.prepared.channels`): the share of every
    queue goes to the partner, each side planned with its channels, pools and deferred
    work; the tables keep the planner's mixed-channel rows (the summary adds ``level``,
    ``channel`` and ``pool``), and ``service_level_10pct_more_calls`` covers the voice
    queues outside priority pools. An overflow above ``capacity_agents`` and
    ``actuals`` are for voice-only forecasts.

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
    if contract not in CONTRACTS:
        raise StaffingError(f"`contract` {contract!r}: use one of {', '.join(CONTRACTS)}")
    if (share is None) == (capacity_agents is None):
        raise StaffingError(
            "give either a partner `share` (e.g. 40%) or an in-house `capacity_agents`"
        )
    check_period(period)
    model = model or QueueModel()
    fte = fte or FteRules()
    partner_fte = partner_fte or fte
    fraction = None if share is None else parse_rate(share, what="`share`")
    pooled = plan(
        forecast,
        targets,
        targets_table=targets_table,
        interval_s=interval_s,
        model=model,
        fte=fte,
        period=period,
        channels=channels,
    )
    pi = pooled.intervals
    mixed = "channel" in pi.columns
    if mixed and capacity_agents is not None:
        raise StaffingError(
            "an overflow above `capacity_agents` is sized for voice-only forecasts; give a "
            "partner `share` for a forecast with channels"
        )
    if mixed and actuals is not None:
        raise StaffingError(
            "`actuals` are judged against voice-only plans; leave them out for a forecast "
            "with channels"
        )
    calls = pi["calls"].to_numpy(dtype=float)
    if fraction is not None:
        partner_calls = fraction * calls
        in_house_calls = calls - partner_calls
        how = f"share {100 * fraction:g}%"
    else:
        assert capacity_agents is not None
        cap = _capacity_per_row(pi["queue"], capacity_agents)
        in_house_calls = _capacity_split(pi, cap, model.abandon_policy)
        partner_calls = calls - in_house_calls
        how = "overflow above in-house capacity"
    # Plan each side on the prepared forecast (same rows, same order as pooled).
    kept = ["interval_start", "queue", "calls", "aht_s", "interval_s", "patience_s"]
    if mixed:
        kept += list(CHANNEL_COLUMNS)
    base = pi[kept].copy()
    base.attrs = dict(pi.attrs)
    # ... whose interval_s and patience_s columns already hold what the pooled plan used.
    side = QueueModel(abandon_policy=model.abandon_policy)

    def one_side(calls_of_side: np.ndarray, rules: FteRules) -> Plan:
        return plan(
            _with_calls(base, calls_of_side),
            targets,
            targets_table=targets_table,
            model=side,
            fte=rules,
            period=period,
            channels=channels,
        )

    with warnings.catch_warnings():
        # each side is a share of a forecast already checked above, not the user's input
        warnings.simplefilter("ignore", PlanWarning)
        in_house = one_side(in_house_calls, fte)
        partner = one_side(partner_calls, partner_fte)

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
        pooled.summary, in_house.summary, partner.summary, ih, pa, pi, fte, period
    )
    commitment = _commitment(partner, contract, period, model.abandon_policy, fte.week_start)
    attribution = None
    if actuals is not None:
        goal = service_level_goal(targets, pa)
        attribution = attribute_partner(
            actuals,
            pa,
            goal,
            abandon_policy=model.abandon_policy,
            period=period,
            week_start=fte.week_start,
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
    fte: FteRules,
    period: Period,
) -> pd.DataFrame:
    # Two separate queues: agents of both sides together at each interval.
    separate = pi.copy()
    separate["agents"] = ih["agents"].to_numpy() + pa["agents"].to_numpy()
    separate = separate.drop(columns=["scheduled"])
    both = summarise(separate, period=period, fte=fte)
    split = pooled.copy()
    for name in ("agent_hours", "scheduled_hours", "fte", "peak_agents"):
        split[name] = both[name].to_numpy() - pooled[name].to_numpy()
    split["calls"] = 0.0
    for name in ("service_level", "threshold_s", "abandon_rate", "occupancy", "asa_s"):
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
    columns = list(OUTSOURCE_SUMMARY_COLUMNS)
    if "level" in out.columns:
        columns += ["level", "channel", "pool"]
    return out[columns].reset_index(drop=True)


def _commitment(
    partner: Plan,
    contract: str,
    period: Period,
    abandon_policy: AbandonPolicy,
    week_start: int | str = 0,
) -> pd.DataFrame:
    """What the partner is held to, per period and queue (the partner's plan summary)."""
    pa = partner.intervals
    busy = pa["calls"].to_numpy(dtype=float) > 0
    more = pa["calls"].to_numpy(dtype=float) * 1.1
    within = np.zeros(len(pa))
    base = np.zeros(len(pa))
    if "channel_model" in pa.columns:
        # Erlang C/A holds for voice queues that are the only voice of their pool
        voice = (pa["channel_model"] == "immediate").to_numpy()
        pools = pa.loc[voice & (pa["pool"] != "").to_numpy()].groupby("pool")["queue"].nunique()
        shared = pools.index[pools > 1]
        busy &= voice & ~pa["pool"].isin(shared).to_numpy()
    if busy.any():
        threshold = pa["threshold_s"].to_numpy(dtype=float)
        within[busy], base[busy] = plan_counts(pa, more, busy, threshold, abandon_policy)
    extra = pa.assign(_more_within=within, _more_base=base)
    s = summarise(extra, period=period, extra=["_more_within", "_more_base"], week_start=week_start)
    # FTE from the partner's own plan summary (its shrinkage).
    s["fte"] = partner.summary["fte"].to_numpy()
    targets = (
        pa.groupby("queue", observed=True)["target"]
        .agg(lambda x: " | ".join(map(str, pd.unique(x))))
        .astype(object)
    )
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
            "service_level_10pct_more_calls": weighted(s["_more_within"], s["_more_base"]),
        }
    )
    if "level" not in s.columns:
        return out[list(COMMITMENT_COLUMNS)]
    # a mixed-channel summary: only queue rows carry one queue's targets
    out.loc[(s["level"] != "queue").to_numpy(), "target"] = all_targets
    for column in ("level", "channel", "pool"):
        out[column] = s[column].to_numpy()
    return out[[*COMMITMENT_COLUMNS, "level", "channel", "pool"]]
