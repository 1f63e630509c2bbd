"""Expected service-credit exposure of a staffing plan, by seeded simulation.

A plan staffs each interval for its *forecast* calls. Real calls arrive at random around
the forecast, so each period's service level is a random variable, and so is the credit
it triggers. :func:`credit_exposure` simulates it.

Notes
-----
Each replication (``n_sims`` of them, seeded):

1. Calls per interval ``N_i ~ Poisson(m_d lambda_i)``, ``lambda_i`` the forecast and
   ``m_d`` a volume multiplier shared by all intervals of day ``d``:
   ``m_d ~ Gamma(1/cv^2, cv^2)`` (mean 1, coefficient of variation ``volume_cv``), or
   ``m_d = 1`` when ``volume_cv = 0`` (pure Poisson arrivals around the forecast).
2. With the plan's agents, Erlang C or Erlang A at the realised rate ``N_i / interval``
   gives each caller's chances ``p_aw`` (answered within the threshold), ``p_bw``
   (abandoned within it) and ``p_ab`` (abandoned at all); the interval's counts are drawn
   as independent callers: ``AW ~ Bin(N, p_aw)``, ``BW ~ Bin(N - AW, p_bw / (1 - p_aw))``,
   ``AB - BW ~ Bin(N - AW - BW, (p_ab - p_bw) / (1 - p_aw - p_bw))``.
3. The counts are summed per period into the service level of the chosen abandon policy,
   exactly as :func:`staffing.contracts.credits.period_service_level` does for real
   history, and priced by the same credit clause (steps, cap, earn-back).

What is left out: callers of one interval share its busy spells, so their outcomes are
positively correlated; drawing them independently given the rate understates the spread
of an interval's service level, so the spread reported is a lower bound. Intervals are
independent given the day's multiplier (no carry-over of a queue across interval
boundaries), and agents are exactly as planned (add absenteeism to ``volume_cv`` or plan
it into the agents).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts._measures import expected_counts, outcome_probabilities, policy_counts
from staffing.contracts.credits import (
    credit_pct,
    earned_back_matrix,
    period_position,
    service_level_target,
    shortfall_points,
)
from staffing.contracts.terms import CreditTerms
from staffing.errors import StaffingError
from staffing.frames import check_column, local_dates, numeric_column, period_start, require_columns
from staffing.prepared import QueueModel, check_simulable, prepare, validate_forecast
from staffing.queueing.erlang import MAX_AGENTS

__all__ = ["EXPOSURE_COLUMNS", "credit_exposure", "prepare_plan"]

#: Columns of the exposure table, in order.
EXPOSURE_COLUMNS: tuple[str, ...] = (
    "period_start",
    "calls",
    "planned_service_level",
    "service_level_mean",
    "service_level_sd",
    "service_level_p05",
    "service_level_p95",
    "p_miss",
    "credit_pct_mean",
    "credit_pct_sd",
    "credit_amount_mean",
    "credit_amount_sd",
)

_CELLS = 2_000_000  # interval x replication cells drawn at once
_PLAN_COLUMNS = ("interval_start", "calls", "aht_s", "agents")


def prepare_plan(plan: pd.DataFrame, *, interval_s: float | str | None = None) -> pd.DataFrame:
    """A plan's interval table checked for simulation: a valid forecast plus ``agents``.

    The forecast columns are checked as :func:`staffing.prepared.validate_forecast` checks
    them (duplicate intervals of a queue, mixed lengths and an empty table included);
    ``agents`` must be present, finite, at least 0 and at most
    :data:`~staffing.queueing.erlang.MAX_AGENTS` on every row.

    Raises
    ------
    InputError
        Naming the table, the column and the rows.
    """
    src = str(plan.attrs.get("source", "plan"))
    require_columns(plan, list(_PLAN_COLUMNS), source=src)
    out = validate_forecast(plan, interval_s=interval_s, source=src)
    agents = numeric_column(plan.reset_index(drop=True), "agents", source=src)
    check_column(
        out, "agents", np.isfinite(agents) & (agents >= 0), "negative or missing agents", source=src
    )
    too_many = f"above {MAX_AGENTS:,.0f}, the supported range"
    check_column(out, "agents", agents.to_numpy() <= MAX_AGENTS, too_many, source=src)
    out["agents"] = agents.to_numpy()
    return out


def credit_exposure(
    intervals: pd.DataFrame,
    target: Any,
    *,
    terms: CreditTerms | None = None,
    model: QueueModel | None = None,
    interval_s: float | str | None = None,
    volume_cv: float = 0.0,
    n_sims: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Distribution of each period's service level and credit under a staffing plan.

    Parameters
    ----------
    intervals : DataFrame
        A plan's interval table (``staffing plan --out``): ``interval_start``, ``calls``
        (the forecast), ``aht_s``, ``agents``; optional ``queue``, ``patience_s``
        (Erlang A where finite) and ``interval_s``. Of a mixed-channel plan, the voice
        queues alone and the one voice queue of a pool (its ``agents`` are its own).
    target : str or ServiceLevel
        The contract's target, e.g. ``"80/20"``.
    terms : CreditTerms, optional
        The credit clause (period, steps, cap, fee, earn-back, abandon policy).
    model : QueueModel, optional
        Patience for the simulation, by the planner's one rule (the plan's
        ``patience_s`` column, else the model's ``patience_s``; Erlang C where none).
        The clause's abandon policy counts the calls.
    interval_s : float or str, optional
        Interval length; default: the ``interval_s`` column, else inferred per queue.
    volume_cv : float, default 0
        Coefficient of variation of a daily volume multiplier (forecast error beyond
        Poisson randomness); 0 means calls are Poisson around the forecast.
    n_sims : int, default 1000
        Replications.
    seed : int, default 0
        Seed of the random generator: the same seed gives the same table.

    Returns
    -------
    DataFrame
        Columns :data:`EXPOSURE_COLUMNS`, one row per period and a total row
        (``period_start`` NaT). Per period: forecast ``calls``; the service level at the
        forecast (``planned_service_level``, volume-weighted); mean, standard deviation,
        5th and 95th percentiles of the simulated service level [fraction]; ``p_miss``,
        the chance it ends below target; mean and standard deviation of the credit [% of
        the period's fee] and of its amount (NaN without a fee). Period credits are
        before earn-back; the total row gives the horizon's service level and the credit
        still owed after earn-back [% of all the periods' fees, and amount], so its
        standard deviation is the spread of the quarter's bill. ``attrs["n_sims"]``,
        ``attrs["seed"]`` and ``attrs["method"]`` record how it was made.

    Raises
    ------
    InputError
        A bad plan (:func:`prepare_plan`); rows of a mixed-channel plan that are chat,
        deferred work or the voice classes of a priority pool
        (:func:`staffing.prepared.channels.check_simulable`).
    StaffingError
        Bad ``n_sims`` or ``volume_cv``.

    Notes
    -----
    See the module notes for the model. The Monte Carlo standard error of a mean is its
    standard deviation over ``sqrt(n_sims)``.

    Examples
    --------
    >>> plan = pd.DataFrame({
    ...     "interval_start": pd.date_range("2024-03-04 09:00", periods=4, freq="30min"),
    ...     "calls": [100.0] * 4, "aht_s": [180.0] * 4, "agents": [14] * 4})
    >>> t = credit_exposure(plan, "80/20", terms=CreditTerms(period="day"), n_sims=400, seed=1)
    >>> round(float(t["planned_service_level"].iloc[0]), 4)
    0.8884
    >>> bool(0.8 < t["service_level_mean"].iloc[0] < 0.9), bool(t["p_miss"].iloc[0] < 0.5)
    (True, True)
    """
    goal = service_level_target(target)
    terms = terms or CreditTerms()
    model = model or QueueModel()
    period, abandon_policy, fee = terms.period, terms.abandon_policy, terms.fee
    if not (isinstance(n_sims, int | np.integer) and n_sims >= 2):
        raise StaffingError(f"n_sims {n_sims!r}: give a whole number of replications >= 2")
    if not (np.isfinite(volume_cv) and volume_cv >= 0):
        raise StaffingError(f"volume_cv {volume_cv!r}: give a coefficient of variation >= 0")
    check_simulable(intervals, what="the credit exposure")
    plan = prepare_plan(intervals, interval_s=interval_s)
    prepared = prepare(plan, goal, model=model)
    calls, aht, length = prepared.calls, prepared.aht_s, prepared.interval_s
    agents = plan["agents"].to_numpy(dtype=float)
    patience = prepared.patience_s if np.isfinite(prepared.patience_s).any() else None

    starts = period_start(plan["interval_start"], period, int(terms.week_start))
    codes, labels = pd.factorize(starts, sort=True)
    n_periods = len(labels)
    day_codes = pd.factorize(local_dates(plan["interval_start"]), sort=True)[0]
    positions = period_position(pd.Series(labels), period, terms.week_start)

    planned_within, planned_base = expected_counts(
        calls, aht, agents, length, goal.threshold_s, patience, abandon_policy
    )

    rng = np.random.default_rng(seed)
    within = np.zeros((n_sims, n_periods))
    base = np.zeros((n_sims, n_periods))
    chunk = max(1, _CELLS // max(len(plan), 1))
    for first in range(0, n_sims, chunk):  # over blocks of replications, not intervals
        reps = min(chunk, n_sims - first)
        if volume_cv > 0:
            shape = 1.0 / volume_cv**2
            mult = rng.gamma(shape, 1.0 / shape, size=(reps, int(day_codes.max()) + 1))
            rate = calls[None, :] * mult[:, day_codes]
        else:
            rate = np.broadcast_to(calls, (reps, calls.size))
        n = rng.poisson(rate)
        w, b = _simulate_counts(
            rng, n, aht, agents, length, goal.threshold_s, patience, abandon_policy
        )
        # Sum per (replication, period) in one pass.
        cell = (np.arange(reps)[:, None] * n_periods + codes[None, :]).reshape(-1)
        size = reps * n_periods
        block = slice(first, first + reps)
        within[block] = np.bincount(cell, weights=w.reshape(-1), minlength=size).reshape(
            reps, n_periods
        )
        base[block] = np.bincount(cell, weights=b.reshape(-1), minlength=size).reshape(
            reps, n_periods
        )

    with np.errstate(divide="ignore", invalid="ignore"):
        sl = np.where(base > 0, within / base, np.nan)
    sl = np.clip(sl, 0.0, 1.0)
    shortfall = shortfall_points(goal.fraction, sl)
    credit = credit_pct(
        shortfall, step=terms.step, credit_per_step=terms.credit_per_step, cap=terms.cap
    )
    if terms.earn_back_target is None:
        forgiven = np.zeros(credit.shape, dtype=bool)
    else:
        forgiven = earned_back_matrix(
            sl,
            positions,
            credit > 0,
            earn_back_target=terms.earn_back_target,
            earn_back_periods=terms.earn_back_periods,
        )
    owed = np.where(forgiven, 0.0, credit).sum(axis=1) / n_periods
    with np.errstate(divide="ignore", invalid="ignore"):
        total_sl = within.sum(axis=1) / base.sum(axis=1)

    per_calls = np.bincount(codes, weights=calls, minlength=n_periods)
    pw = np.bincount(codes, weights=planned_within, minlength=n_periods)
    pb = np.bincount(codes, weights=planned_base, minlength=n_periods)
    with np.errstate(divide="ignore", invalid="ignore"):
        planned_sl = np.where(pb > 0, pw / pb, np.nan)
    fee_factor = fee / 100.0 if fee is not None else np.nan

    def describe(values: np.ndarray) -> dict[str, np.ndarray]:
        # A period without calls has no service level in any replication: NaN, quietly.
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return {
                "mean": np.nanmean(values, axis=0),
                "sd": np.nanstd(values, axis=0, ddof=1),
                "p05": np.nanquantile(values, 0.05, axis=0),
                "p95": np.nanquantile(values, 0.95, axis=0),
            }

    s = describe(sl)
    with np.errstate(invalid="ignore"):
        p_miss = np.mean(sl < goal.fraction - 1e-12, axis=0)
    table = pd.DataFrame(
        {
            "period_start": pd.Series(labels),
            "calls": per_calls,
            "planned_service_level": planned_sl,
            "service_level_mean": s["mean"],
            "service_level_sd": s["sd"],
            "service_level_p05": s["p05"],
            "service_level_p95": s["p95"],
            "p_miss": p_miss,
            "credit_pct_mean": credit.mean(axis=0),
            "credit_pct_sd": credit.std(axis=0, ddof=1),
            "credit_amount_mean": credit.mean(axis=0) * fee_factor,
            "credit_amount_sd": credit.std(axis=0, ddof=1) * fee_factor,
        }
    )
    ts = describe(total_sl[:, None])
    total = pd.DataFrame(
        {
            "period_start": pd.Series([pd.NaT], dtype=table["period_start"].dtype),
            "calls": [per_calls.sum()],
            "planned_service_level": [pw.sum() / pb.sum() if pb.sum() > 0 else np.nan],
            "service_level_mean": ts["mean"],
            "service_level_sd": ts["sd"],
            "service_level_p05": ts["p05"],
            "service_level_p95": ts["p95"],
            "p_miss": [float(np.mean(total_sl < goal.fraction - 1e-12))],
            "credit_pct_mean": [owed.mean()],
            "credit_pct_sd": [owed.std(ddof=1)],
            "credit_amount_mean": [owed.mean() * n_periods * fee_factor],
            "credit_amount_sd": [owed.std(ddof=1) * n_periods * fee_factor],
        }
    )
    out = pd.concat([table, total], ignore_index=True)
    out.attrs.update(
        {
            "target": str(goal),
            "period": period,
            "n_sims": int(n_sims),
            "seed": int(seed),
            "volume_cv": float(volume_cv),
            "method": "simulation: Poisson calls around the forecast"
            + (f" with a daily volume multiplier (cv {volume_cv:g})" if volume_cv > 0 else "")
            + f", {n_sims} replications, seed {seed}",
        }
    )
    return out


def _simulate_counts(
    rng: np.random.Generator,
    n: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    length: np.ndarray,
    threshold_s: float,
    patience: np.ndarray | None,
    policy: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw each interval's outcomes for realised call counts ``n`` (replications x intervals)."""
    size = n.shape[1]
    column = np.broadcast_to(np.arange(size), n.shape)
    # Evaluate the queue once per distinct (interval, realised calls) pair.
    key = column.astype(np.int64) * (int(n.max()) + 1) + n
    uniq, inverse = np.unique(key.reshape(-1), return_inverse=True)
    col_u = uniq // (int(n.max()) + 1)
    n_u = (uniq % (int(n.max()) + 1)).astype(float)
    need_bw = policy in ("exclude_within", "count_within")
    aw, bw, ab = outcome_probabilities(
        n_u,
        aht[col_u],
        agents[col_u],
        length[col_u],
        threshold_s,
        None if patience is None else patience[col_u],
        need_bw,
    )
    p_aw = aw[inverse].reshape(n.shape)
    n_aw = rng.binomial(n, np.clip(p_aw, 0.0, 1.0))
    rest = n - n_aw
    with np.errstate(divide="ignore", invalid="ignore"):
        free = np.clip(1.0 - p_aw, 0.0, 1.0)
        if need_bw:
            p_bw = bw[inverse].reshape(n.shape)
            n_bw = rng.binomial(rest, np.where(free > 0, np.clip(p_bw / free, 0.0, 1.0), 0.0))
            free2 = np.clip(free - p_bw, 0.0, 1.0)
        else:
            p_bw = np.zeros(n.shape)
            n_bw = np.zeros(n.shape, dtype=np.int64)
            free2 = free
        if policy == "exclude":
            p_after = np.clip(ab[inverse].reshape(n.shape) - p_bw, 0.0, 1.0)
            n_after = rng.binomial(
                rest - n_bw, np.where(free2 > 0, np.clip(p_after / free2, 0.0, 1.0), 0.0)
            )
        else:
            n_after = np.zeros(n.shape, dtype=np.int64)
    offered = n.astype(float)
    return policy_counts(
        policy, offered, n_aw.astype(float), n_bw.astype(float), (n_bw + n_after).astype(float)
    )
