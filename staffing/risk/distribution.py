"""Will the period make its SLA? The distribution of a period's service level under a plan.

:func:`period_risk` replicates every queue-day of a plan with the day simulator (queues
carried over intervals, Poisson arrivals around a forecast that errs) and judges each
replication's period as the contract does. It answers with the probability that the
period meets its target, ``p_meet``: the decision metric of Robbins and Harrison (2010),
who show that a plan meeting the target "on average" meets the period's SLA only with
some probability, and that staffing to that probability is the cheaper decision when
credits are paid for misses.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts import CreditTerms
from staffing.contracts.credits import credit_pct, earned_back_matrix, period_position
from staffing.errors import StaffingError, StaffingWarning
from staffing.prepared import QueueModel, check_simulable, prepare
from staffing.queueing.targets import TargetSet
from staffing.risk.periods import SIMULATE, PeriodModel, plan_agents
from staffing.risk.replicate import COUNTS, quantiles, wilson_interval
from staffing.risk.volume import check_cv, forecast_volume_cv
from staffing.simulation.scaleout import SimulationOptions
from staffing.vocabulary import (
    check_period,
    format_percent,
    period_days,
    period_floor,
    period_label,
)

__all__ = [
    "INTERVAL_RISK_COLUMNS",
    "RISK_COLUMNS",
    "PeriodRisk",
    "RiskWarning",
    "build_model",
    "judge",
    "period_risk",
]

#: Columns of :attr:`PeriodRisk.periods`, in order (the credit columns with a clause only).
RISK_COLUMNS: tuple[str, ...] = (
    "period_start",
    "queue",
    "target",
    "calls",
    "agent_hours",
    "days",
    "expected_service_level",
    "sl_p05",
    "sl_p50",
    "sl_p95",
    "p_meet",
    "p_meet_lo",
    "p_meet_hi",
    "expected_abandon_rate",
    "expected_credit",
    "expected_credit_amount",
    "p_credit",
)
#: Columns of :attr:`PeriodRisk.intervals`, in order.
INTERVAL_RISK_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "queue",
    "calls",
    "agents",
    "expected_service_level",
    "sl_p05",
    "sl_p50",
    "sl_p95",
    "expected_abandon_rate",
    "threshold_s",
)
_CREDIT = ("expected_credit", "expected_credit_amount", "p_credit")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class PeriodRisk:
    """The distribution of each period's service level under a plan.

    Attributes
    ----------
    periods : DataFrame
        One row per queue and period, then a ``total`` row per period over its queues
        (when they share one target), columns :data:`RISK_COLUMNS` (the credit columns
        with a clause only): the forecast ``calls``, the plan's ``agent_hours``, the
        queue-``days`` with rows; the mean of the simulated period service level, its
        5th, 50th and 95th percentiles; ``p_meet``, the share of replications at or
        above target, with its 95% (Wilson) interval; the mean abandon rate; with a
        credit clause, the expected credit still owed after earn-back [% of the period's
        fee], its amount, and ``p_credit``, the chance one is owed.
    intervals : DataFrame
        One row per plan interval, columns :data:`INTERVAL_RISK_COLUMNS`: the service
        level of the interval pooled over replications at the threshold its period is
        judged by, its percentiles, the abandon rate.
    replications : DataFrame
        ``period_start, queue, replication, service_level``: every simulated period (and
        total), for drawing the distribution.
    model_text : str
        How it was simulated, in words.
    options : SimulationOptions
    callers : int
        Callers simulated.
    elapsed_s : float
        Wall time [s].
    """

    periods: pd.DataFrame
    intervals: pd.DataFrame
    replications: pd.DataFrame
    model_text: str
    options: SimulationOptions
    callers: int
    elapsed_s: float
    period: str = "week"

    def lines(self) -> list[str]:
        """One line per row of :attr:`periods`, as the command prints them.

        ``week 2025-03-03: P(SL >= 80%) = 71% (expected 81.2%, 5-95%: 76.8-84.9%)``.
        """
        t = self.periods
        several = len(set(t["queue"])) > 1
        labels = period_label(t["period_start"].to_numpy().astype("datetime64[D]"), self.period)
        out = []
        rows: list[Any] = list(t.itertuples(index=False))
        for label, row in zip(labels, rows, strict=True):
            who = f" {row.queue}" if several else ""
            out.append(risk_line(f"{self.period} {label}{who}", row))
        return out

    def __repr__(self) -> str:
        t = self.periods
        return (
            f"PeriodRisk({len(t)} rows, {self.options.replications} replications; "
            f"p_meet {', '.join(format_percent(x, 0) for x in t['p_meet'])})"
        )


def risk_line(name: str, row: Any) -> str:
    """``name: P(SL >= 80%) = 71% (expected 81.2%, 5-95%: 76.8-84.9%)``."""
    goal = target_percent(row.target)
    return (
        f"{name}: P(SL >= {goal}) = {format_percent(row.p_meet, 0)} "
        f"(expected {format_percent(row.expected_service_level)}, 5-95%: "
        f"{100 * row.sl_p05:.1f}-{format_percent(row.sl_p95)})"
    )


def target_percent(target: Any) -> str:
    """The percentage of a service-level target as text: ``80%``, ``92.5%``.

    Examples
    --------
    >>> target_percent("80/20"), target_percent("92.5/20")
    ('80%', '92.5%')
    """
    levels = TargetSet.parse(str(target)).service_levels
    if not levels:
        return "target"
    pct = 100.0 * levels[0].fraction
    return f"{pct:.0f}%" if abs(pct - round(pct)) < 1e-9 else f"{pct:g}%"


def build_model(
    plan: pd.DataFrame,
    target: Any,
    *,
    period: str,
    forecast: pd.DataFrame | None,
    coverage: float,
    aht_cv: Any,
    model: QueueModel | None,
    interval_s: float | str | None,
    options: SimulationOptions | None,
    what: str = "the period risk",
) -> PeriodModel:
    """Check and set up a plan for judging (shared by the risk functions)."""
    check_period(period)
    options = options or SimulationOptions(replications=2000, seed=1)
    if not 0.0 <= options.volume_cv <= 1.0:
        raise StaffingError(
            f"`volume_cv` {options.volume_cv:g} must lie between 0 and 1 (0% to 100%)"
        )
    aht = check_cv(aht_cv, "`aht_cv`")
    if forecast is not None and options.volume_cv > 0:
        raise StaffingError(
            "give the forecast error either as `volume_cv` or by a `forecast` with "
            "calls_lo and calls_hi, not both"
        )
    check_simulable(plan, what=what)
    p = prepare(
        plan,
        model=model,
        interval_s=interval_s,
        need_targets=False,
        column_targets=True,
    )
    agents = plan_agents(p.frame)
    cv = forecast_volume_cv(p, forecast, coverage) if forecast is not None else None
    m = PeriodModel(p, agents, period, options, target=target, volume_cv=cv, aht_cv=aht)
    _warn_partial(m)
    return m


class RiskWarning(StaffingWarning):
    """A period is judged on part of its days: named in the message."""


def _warn_partial(m: PeriodModel) -> None:
    """Say where the plan covers only part of a period (judged on the days it covers)."""
    dates = np.asarray(m.p.days.dates).astype("datetime64[D]")
    first, last = dates.min(), dates.max()
    starts = np.unique(period_floor(dates, m.period))
    for start in starts:
        days = int(period_days(np.array([start]), m.period)[0])
        end = start + np.timedelta64(days - 1, "D")
        lo, hi = max(start, first), min(end, last)
        covered = int((hi - lo).astype(int)) + 1
        if covered < days:
            label = period_label(np.array([start]), m.period)[0]
            warnings.warn(
                f"the plan covers {covered} of the {days} days of {m.period} {label} "
                f"({lo} to {hi}): the period is judged on those",
                RiskWarning,
                stacklevel=3,
            )


def describe_model(m: PeriodModel, coverage: float = 0.8) -> str:
    o = m.options
    if m.volume_cv is not None:
        volume = (
            f"Poisson calls around the forecast times a gamma factor per interval from "
            f"its {format_percent(coverage, 0)} prediction interval, moving together "
            "within each day"
        )
    elif o.volume_cv > 0:
        volume = (
            f"Poisson calls around the forecast times a daily gamma factor (CV "
            f"{format_percent(o.volume_cv)})"
        )
    else:
        volume = "Poisson calls around the forecast"
    aht = f", handle times times a daily factor (CV {format_percent(m.aht_cv)})" if m.aht_cv else ""
    service = (
        "exponential handle times"
        if o.service_cv is None
        else f"lognormal handle times (CV {o.service_cv:g})"
    )
    return f"{o.replications:,} replications, seed {o.seed}: {volume}, {service}{aht}"


def judge(
    m: PeriodModel,
    results: dict[int, dict[str, Any]],
    agents: np.ndarray,
    terms: CreditTerms | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The period table (:data:`RISK_COLUMNS`) and the replications of every row."""
    sums = m.group_sums(results)
    groups = m.groups
    p = m.p
    hours = np.asarray(agents, dtype=float) * p.interval_s / 3600.0
    row_group = m.row_group()
    calls = np.bincount(row_group, p.calls, minlength=len(groups))
    agent_hours = np.bincount(row_group, hours, minlength=len(groups))
    entries: list[dict[str, Any]] = []
    for g in range(len(groups)):
        row = groups.iloc[g]
        entries.append(
            {
                "period_start": row["period_start"],
                "queue": row["queue"],
                "target": row["target"],
                "fraction": row["fraction"],
                "threshold_s": row["threshold_s"],
                "calls": float(calls[g]),
                "agent_hours": float(agent_hours[g]),
                "days": int(row["days"]),
                "sums": sums[g],
            }
        )
    # a total per period over its queues, when they are judged alike
    for start, block in groups.groupby("period_start", sort=True):
        if len(block) < 2:
            continue
        same = len(set(block["fraction"])) == 1 and len(set(block["threshold_s"])) == 1
        if not same:
            continue
        total = {name: sum(sums[int(g)][name] for g in block.index) for name in COUNTS}
        first = block.iloc[0]
        entries.append(
            {
                "period_start": start,
                "queue": "total",
                "target": first["target"],
                "fraction": first["fraction"],
                "threshold_s": first["threshold_s"],
                "calls": float(calls[block.index].sum()),
                "agent_hours": float(agent_hours[block.index].sum()),
                "days": int(block["days"].sum()),
                "sums": total,
            }
        )
    entries.sort(key=lambda e: (e["period_start"], e["queue"] == "total"))
    r = m.replications
    levels = np.empty((r, len(entries)))
    for i, e in enumerate(entries):
        sl, _ = m.service_levels(e["sums"])
        levels[:, i] = sl
    fraction = np.array([e["fraction"] for e in entries])
    with np.errstate(invalid="ignore"):
        met = levels >= fraction[None, :] - 1e-12
    q = quantiles(levels, (0.05, 0.5, 0.95))
    meet = met.mean(axis=0)
    lo, hi = wilson_interval(met.sum(axis=0), r)
    offered = np.stack([e["sums"]["offered"] for e in entries], axis=1)
    abandoned = np.stack([e["sums"]["abandoned"] for e in entries], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        abandon = np.where(offered > 0, abandoned / offered, np.nan)
    table = pd.DataFrame(
        {
            "period_start": pd.to_datetime([e["period_start"] for e in entries]),
            "queue": [e["queue"] for e in entries],
            "target": [e["target"] for e in entries],
            "calls": [e["calls"] for e in entries],
            "agent_hours": [e["agent_hours"] for e in entries],
            "days": [e["days"] for e in entries],
            "expected_service_level": _mean(levels),
            "sl_p05": q[0],
            "sl_p50": q[1],
            "sl_p95": q[2],
            "p_meet": meet,
            "p_meet_lo": lo,
            "p_meet_hi": hi,
            "expected_abandon_rate": _mean(abandon),
        }
    )
    if terms is not None:
        credit, amount, p_credit = _credits(table, levels, fraction, terms, m.period)
        table["expected_credit"] = credit
        table["expected_credit_amount"] = amount
        table["p_credit"] = p_credit
    columns = [c for c in RISK_COLUMNS if c in table.columns]
    samples = pd.DataFrame(
        {
            "period_start": np.repeat(table["period_start"].to_numpy(), r),
            "queue": np.repeat(table["queue"].to_numpy(), r),
            "replication": np.tile(np.arange(r), len(entries)),
            "service_level": levels.T.reshape(-1),
        }
    )
    return table[columns], samples


def _mean(values: np.ndarray) -> np.ndarray:
    finite = np.isfinite(values)
    count = finite.sum(axis=0)
    total = np.where(finite, values, 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _credits(
    table: pd.DataFrame,
    levels: np.ndarray,
    fraction: np.ndarray,
    terms: CreditTerms,
    period: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected credit owed after earn-back per row [% of the fee], its amount, P(owed)."""
    with np.errstate(invalid="ignore"):
        gap = np.round(100.0 * (fraction[None, :] - levels), 9)  # as shortfall_points
    shortfall = np.where(np.isnan(gap), np.nan, np.maximum(gap, 0.0))
    credit = credit_pct(
        shortfall, step=terms.step, credit_per_step=terms.credit_per_step, cap=terms.cap
    )
    owed = credit.copy()
    if terms.earn_back_target is not None:
        for _, block in table.groupby("queue", sort=False):
            cols = block.index.to_numpy()
            forgiven = earned_back_matrix(
                levels[:, cols],
                period_position(block["period_start"], period),
                credit[:, cols] > 0,
                earn_back_target=terms.earn_back_target,
                earn_back_periods=terms.earn_back_periods,
            )
            owed[:, cols] = np.where(forgiven, 0.0, credit[:, cols])
    expected = owed.mean(axis=0)
    amount = (
        expected / 100.0 * terms.fee if terms.fee is not None else np.full(expected.size, np.nan)
    )
    return expected, amount, (owed > 0).mean(axis=0)


def interval_table(
    m: PeriodModel, results: dict[int, dict[str, Any]], agents: np.ndarray
) -> pd.DataFrame:
    """Per plan row: the pooled service level at its period's threshold and percentiles."""
    p = m.p
    n = len(p)
    got = {name: np.zeros(n) for name in (*COUNTS, "sl_p05", "sl_p50", "sl_p95")}
    for d, rows in enumerate(m.day_rows):
        res = results[d]["intervals"]
        for name in got:
            got[name][rows] = res[name]
    sl, _ = _pooled(m.policy, got)
    with np.errstate(divide="ignore", invalid="ignore"):
        abandon = np.where(got["offered"] > 0, got["abandoned"] / got["offered"], np.nan)
    threshold = m.groups["threshold_s"].to_numpy(dtype=float)[m.row_group()]
    staff = np.asarray(agents, dtype=float)
    return pd.DataFrame(
        {
            "interval_start": p.frame["interval_start"],
            "queue": p.frame["queue"].astype(str),
            "calls": p.calls,
            "agents": staff.astype(np.int64) if np.all(staff == np.round(staff)) else staff,
            "expected_service_level": sl,
            "sl_p05": got["sl_p05"],
            "sl_p50": got["sl_p50"],
            "sl_p95": got["sl_p95"],
            "expected_abandon_rate": abandon,
            "threshold_s": threshold,
        },
        columns=list(INTERVAL_RISK_COLUMNS),
    )


def _pooled(policy: str, means: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    from staffing.risk.periods import service_level_of

    return service_level_of(policy, means)


def period_risk(
    plan: pd.DataFrame,
    target: Any = None,
    *,
    period: str = "week",
    forecast: pd.DataFrame | None = None,
    coverage: float = 0.8,
    aht_cv: float | str = 0.0,
    terms: CreditTerms | None = None,
    model: QueueModel | None = None,
    interval_s: float | str | None = None,
    options: SimulationOptions | None = None,
    progress: Progress | None = None,
) -> PeriodRisk:
    """The probability that each period of a plan meets its SLA, by simulation.

    Parameters
    ----------
    plan : DataFrame
        A plan's interval table (``staffing plan --out``; an evaluation's intervals for a
        roster): ``interval_start``, optional ``queue``, ``calls``, ``aht_s``, ``agents``
        (the staff on the phones), optional ``patience_s``, ``interval_s``, ``target``,
        ``threshold_s``. Voice lines only, as for :func:`staffing.simulation.simulate_plan`.
    target : str or ServiceLevel, optional
        The service-level target every queue's period is judged by (``"80/20"``);
        default each queue-period's own: the first service-level target of the plan's
        target set of most of its calls.
    period : {"day", "week", "month", "quarter"}, default "week"
        The contract's period (weeks start on Monday).
    forecast : DataFrame, optional
        A forecast with ``interval_start``, optional ``queue``, ``calls``, ``calls_lo``
        and ``calls_hi`` (``staffing forecast``'s output): each interval's forecast error
        from its prediction interval (:func:`staffing.risk.volume.interval_cv`), instead
        of ``options.volume_cv``.
    coverage : float, default 0.8
        Coverage of the forecast's ``calls_lo``-``calls_hi`` interval.
    aht_cv : float or str, default 0
        Coefficient of variation of a per-day factor on handle times (handle-time
        forecast error), ``"5%"`` or ``0.05``.
    terms : CreditTerms, optional
        A credit clause: adds ``expected_credit``, ``expected_credit_amount`` and
        ``p_credit``. Its ``abandon_policy`` is not used: the model's counts.
    model : QueueModel, optional
        Patience (the plan's ``patience_s``, a calibration's Kaplan-Meier curves) and the
        abandon policy of the service level.
    interval_s : float or str, optional
        Interval length; default the plan's ``interval_s`` column, else inferred.
    options : SimulationOptions, optional
        Replications (default 2,000), seed (default 1), ``volume_cv`` (the per-day
        forecast error, 0 to 1), ``service_cv``, ``jobs``, ``scheduler``.
    progress : callable, optional
        Called with the intervals of each queue-day as it is done.

    Returns
    -------
    PeriodRisk
        ``.periods`` (:data:`RISK_COLUMNS`), ``.intervals``, ``.replications``,
        ``.lines()``.

    Raises
    ------
    InputError
        A bad plan or forecast (naming the file, column and rows); a queue with no
        service-level target and no ``target``.
    StaffingError
        A coefficient of variation below 0 or above 100%, both ``volume_cv`` and a
        ``forecast``, bad options.

    Notes
    -----
    Each replication draws every queue-day of the plan (the simulator of
    :mod:`staffing.simulation.engine`: Poisson arrivals at each interval's rate, first
    come first served, the queue carried over between intervals, each day starting
    empty) with a forecast error: the rates of a queue-day times gamma factors of mean 1
    and coefficient of variation ``volume_cv`` (one factor for the day) or the interval's
    own from the forecast (all at the same quantile within the day); queue-days draw
    independently. Replication ``r`` of a period is replication ``r`` of each of its
    queue-days, and its service level is the contract's: each count summed over the
    period, then divided, the abandons by the policy
    (:func:`staffing.vocabulary.service_level_parts`)::

        SL_r = sum_k AW_rk / sum_k N_rk          (abandons count as failures)

    ``p_meet = #{r: SL_r >= target} / R`` with a Wilson interval. With the same seed and
    no forecast error beyond ``volume_cv``, the queue-days are those of
    :func:`staffing.simulation.simulate_plan` (same streams).

    References
    ----------
    Robbins, T. R., and Harrison, T. P. (2010). A stochastic programming model for
    scheduling call centers with global Service Level Agreements. *European Journal of
    Operational Research*, 207(3), 1608-1619. doi:10.1016/j.ejor.2010.06.013

    Examples
    --------
    One queue over two days, staffed for 80/20 half-hour by half-hour:

    >>> plan = pd.DataFrame({
    ...     "interval_start": pd.date_range("2025-03-03 09:00", periods=4, freq="30min").append(
    ...         pd.date_range("2025-03-04 09:00", periods=4, freq="30min")),
    ...     "calls": 60.0, "aht_s": 300.0, "agents": 14, "target": "80/20"})
    >>> r = period_risk(plan, period="day", options=SimulationOptions(replications=200, seed=1))
    >>> r.periods[["period_start", "days", "p_meet"]]
      period_start  days  p_meet
    0   2025-03-03     1    0.82
    1   2025-03-04     1    0.84
    >>> r.lines()[0]
    'day 2025-03-03: P(SL >= 80%) = 82% (expected 88.4%, 5-95%: 71.2-99.5%)'

    A plan covering part of a period is judged on the days it covers, and says so
    (:class:`RiskWarning`).
    """
    clock = time.perf_counter()
    m = build_model(
        plan,
        target,
        period=period,
        forecast=forecast,
        coverage=coverage,
        aht_cv=aht_cv,
        model=model,
        interval_s=interval_s,
        options=options,
    )
    results = m.run(m.agents, SIMULATE, progress=progress)
    periods, samples = judge(m, results, m.agents, terms)
    return PeriodRisk(
        periods=periods,
        intervals=interval_table(m, results, m.agents),
        replications=samples,
        model_text=describe_model(m, coverage),
        options=m.options,
        callers=int(sum(res["callers"] for res in results.values())),
        elapsed_s=time.perf_counter() - clock,
        period=period,
    )
