"""SLA service credits: shortfall per period, credit per started step, cap, earn-back.

A service-level agreement sets a target such as 80/20 over a period (a week, a month).
When the provider misses it, the client takes a *service credit*: a price reduction of
``credit_per_step`` of the period's fee for each **started** ``step`` points below target,
up to a ``cap``. Many contracts let the provider *earn back* a credit by staying at or
above an earn-back target for the following periods.

The credit table
----------------
:func:`service_credits` (from interval history) and :func:`credit_table` (from service
levels already per period) return one row per period and a total row, with the columns
:data:`CREDIT_COLUMNS`:

=================  ====================================================================
column             meaning
=================  ====================================================================
``period_start``   first day of the period; ``NaT`` on the total row
``service_level``  volume-weighted service level of the period [fraction]
``shortfall_pts``  ``max(0, 100 (target - service_level))`` [percentage points]
``credit_pct``     credit for the period, capped [% of the period's fee]
``credit_amount``  ``fee * credit_pct / 100`` [currency]; NaN when no fee is given
``earned_back``    the period's credit is forgiven (``<NA>`` on the total row)
``band``           escalation band of the shortfall (as in ``staffing evaluate``)
=================  ====================================================================

On the total row, ``service_level`` and ``shortfall_pts`` are those of the whole horizon,
and ``credit_pct`` and ``credit_amount`` are what is still **owed after earn-back**:
the credits of periods not earned back, as a percentage of all the periods' fees and as
an amount.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.contracts.terms import CreditTerms
from staffing.errors import InputError, StaffingError, TargetError
from staffing.frames import local_dates, period_start
from staffing.planner.bands import escalation_band
from staffing.queueing.targets import ServiceLevel, TargetSet
from staffing.vocabulary import (
    SERVICE_LEVEL_COUNTS,
    AbandonPolicy,
    Period,
    check_abandon_policy,
    parse_week_start,
    period_ordinal,
)

__all__ = [
    "CREDIT_COLUMNS",
    "POLICY_COLUMNS",
    "CreditTerms",
    "credit_pct",
    "credit_table",
    "earned_back",
    "period_service_level",
    "service_credits",
    "service_level_target",
    "shortfall_points",
]

#: Columns of the credit table, in order.
CREDIT_COLUMNS: tuple[str, ...] = (
    "period_start",
    "service_level",
    "shortfall_pts",
    "credit_pct",
    "credit_amount",
    "earned_back",
    "band",
)

#: Columns each abandon policy needs: (numerator columns, denominator: +column / -column),
#: the vocabulary's one table (:data:`staffing.vocabulary.SERVICE_LEVEL_COUNTS`).
POLICY_COLUMNS = SERVICE_LEVEL_COUNTS

# Tolerance for counting steps: a shortfall of exactly k steps is k steps, not k + 1.
_DIGITS = 9


def service_level_target(target: Any) -> ServiceLevel:
    """The one service-level target (``80/20``) a credit clause is written on.

    Examples
    --------
    >>> service_level_target("80/20")
    ServiceLevel(fraction=0.8, threshold_s=20.0)
    """
    parsed = TargetSet.parse(target)
    if len(parsed) != 1 or not parsed.service_levels:
        raise TargetError(
            f"target {str(parsed)!r}: a credit clause needs exactly one service-level target, "
            "e.g. 80/20"
        )
    return parsed.service_levels[0]


def period_service_level(
    history: pd.DataFrame,
    *,
    period: Period = "week",
    abandon_policy: AbandonPolicy = "fail",
    source: str | None = None,
    week_start: int | str = 0,
) -> pd.DataFrame:
    """Volume-weighted service level per period from interval counts.

    Parameters
    ----------
    history : DataFrame
        Interval history in the form :func:`staffing.io.read_history` returns:
        ``interval_start``, ``offered``, ``answered``, ``answered_within`` and, for the
        ``exclude_within`` and ``count_within`` policies, ``abandoned_within``.
    period : {"day", "week", "month", "quarter"}, default "week"
        Weeks start on Monday.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        How abandoned calls enter the service level (see :func:`staffing.evaluate`).
    source : str, optional
        Name used in error messages; defaults to ``history.attrs["source"]``.

    Returns
    -------
    DataFrame
        Columns ``period_start``, ``offered``, ``within``, ``base``, ``service_level``:
        one row per period holding any interval, in calendar order. ``within`` and
        ``base`` are the numerator and denominator of the policy's service level
        [calls]; ``service_level`` is NaN where ``base`` is zero.

    Notes
    -----
    Counts are summed over the period (and every queue in ``history``) before dividing,
    so busy intervals weigh more than quiet ones:

    * ``fail``: ``sum(answered_within) / sum(offered)``
    * ``exclude``: ``sum(answered_within) / sum(answered)``
    * ``exclude_within``: ``sum(answered_within) / (sum(offered) - sum(abandoned_within))``
    * ``count_within``: ``(sum(answered_within) + sum(abandoned_within)) / sum(offered)``

    Examples
    --------
    >>> h = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2024-03-04 09:00", "2024-03-04 09:30"]),
    ...     "offered": [100, 300], "answered": [95, 280], "answered_within": [90, 210]})
    >>> period_service_level(h, period="day")["service_level"].tolist()
    [0.75]
    """
    check_abandon_policy(abandon_policy)
    src = source or str(history.attrs.get("source", "history"))
    within_cols, base_cols, minus_cols = POLICY_COLUMNS[abandon_policy]
    needed = ("interval_start", *within_cols, *base_cols, *minus_cols)
    missing = [c for c in needed if c not in history.columns]
    unknown = [
        c
        for c in needed
        if c in history.columns and c != "interval_start" and history[c].isna().all()
    ]
    if missing or unknown:
        name = (missing or unknown)[0]
        raise InputError(
            f"abandon policy '{abandon_policy}' needs column '{name}', which the history does "
            "not give; choose another --abandon-policy or map the column with --column",
            source=src,
        )
    for c in needed[1:]:
        values = pd.to_numeric(history[c], errors="coerce")
        ok = values.notna() & (values >= 0)
        if not ok.all():
            rows = [int(i) + 2 for i in history.index[~ok.to_numpy()]]
            raise InputError("negative or missing counts", source=src, column=c, rows=rows)

    starts = period_start(history["interval_start"], period, parse_week_start(week_start))
    frame = pd.DataFrame(
        {
            "period_start": starts.to_numpy(),
            "offered": history["offered"].to_numpy(dtype=float)
            if "offered" in history.columns
            else np.nan,
            "within": sum(history[c].to_numpy(dtype=float) for c in within_cols),
            "base": sum(history[c].to_numpy(dtype=float) for c in base_cols)
            - sum((history[c].to_numpy(dtype=float) for c in minus_cols), np.zeros(len(history))),
        }
    )
    out = frame.groupby("period_start", sort=True, as_index=False)[
        ["offered", "within", "base"]
    ].sum(min_count=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sl = np.where(out["base"] > 0, out["within"] / out["base"], np.nan)
    out["service_level"] = np.clip(sl, 0.0, 1.0)
    return out.reset_index(drop=True)


def credit_pct(
    shortfall_pts: Any,
    *,
    step: float = 0.5,
    credit_per_step: float = 0.01,
    cap: float | None = None,
) -> np.ndarray:
    """Credit for each shortfall: ``credit_per_step`` per started ``step`` points, capped.

    Parameters
    ----------
    shortfall_pts : float or array-like
        Points below target (``<= 0`` or NaN: no credit).
    step : float, default 0.5
        Width of one credit step [percentage points].
    credit_per_step : float or str, default 0.01
        Price reduction per started step [share of the fee: ``0.01``, ``"1%"``].
    cap : float or str, optional
        Largest credit for one period [share of the fee].

    Returns
    -------
    ndarray of float
        Credit [% of the fee], e.g. ``3.0`` for 3%.

    Notes
    -----
    ``credit = min(ceil(shortfall / step) * credit_per_step, cap)``. The quotient is
    rounded to 9 decimals first, so a shortfall of exactly ``k`` steps (1.0 point at
    0.5-point steps) counts ``k`` steps and not ``k + 1`` through floating-point noise.

    Examples
    --------
    >>> credit_pct([0.0, 0.2, 0.5, 0.51, 1.0, 6.0], step=0.5, credit_per_step=0.01, cap=0.1)
    array([ 0.,  1.,  1.,  2.,  2., 10.])
    """
    terms = CreditTerms(step=step, credit_per_step=credit_per_step, cap=cap)
    step, credit_per_step, cap = terms.step, terms.credit_per_step, terms.cap
    s = np.asarray(shortfall_pts, dtype=float)
    with np.errstate(invalid="ignore"):
        steps = np.where(s > 0, np.ceil(np.round(s / step, _DIGITS)), 0.0)
    credit = steps * credit_per_step
    if cap is not None:
        credit = np.minimum(credit, cap)
    return np.asarray(100.0 * credit, dtype=float)


def earned_back(
    service_level: Any,
    positions: Any,
    has_credit: Any,
    *,
    earn_back_target: float,
    earn_back_periods: int = 1,
) -> np.ndarray:
    """Which credits are forgiven by good performance in the following periods.

    Parameters
    ----------
    service_level : array-like of float
        Service level of each period present [fraction]; NaN counts as not reached.
    positions : array-like of int
        Calendar position of each period (consecutive periods differ by 1; see
        :func:`period_position`), increasing.
    has_credit : array-like of bool
        Periods carrying a credit.
    earn_back_target : float
        Service level to stay at or above [fraction].
    earn_back_periods : int, default 1
        How many following periods must all reach it.

    Returns
    -------
    ndarray of bool
        True where a credit is forgiven.

    Notes
    -----
    Period ``i``'s credit is forgiven when each of the calendar periods ``i+1 ... i+k``
    (``k = earn_back_periods``) is present and reaches ``earn_back_target``. A missing
    period (no data) or one beyond the end of the history breaks the run: a credit is
    never forgiven on performance not yet seen.

    Examples
    --------
    >>> earned_back([0.78, 0.86, 0.87, 0.79, 0.90], [0, 1, 2, 3, 4],
    ...             [True, False, False, True, False], earn_back_target=0.85,
    ...             earn_back_periods=2).tolist()
    [True, False, False, False, False]
    """
    return earned_back_matrix(
        np.asarray(service_level, dtype=float)[None, :],
        positions,
        np.asarray(has_credit, dtype=bool)[None, :],
        earn_back_target=earn_back_target,
        earn_back_periods=earn_back_periods,
    )[0]


def earned_back_matrix(
    service_level: np.ndarray,
    positions: Any,
    has_credit: np.ndarray,
    *,
    earn_back_target: float,
    earn_back_periods: int = 1,
) -> np.ndarray:
    """:func:`earned_back` for many replications at once (rows) over the same periods."""
    if not (isinstance(earn_back_periods, int | np.integer) and earn_back_periods >= 1):
        raise StaffingError(f"`earn_back_periods` {earn_back_periods!r}: give a whole number >= 1")
    if not 0.0 < earn_back_target < 1.0:
        raise StaffingError(
            f"earn-back target {earn_back_target:g}: give a service level between 0 and 100%"
        )
    sl = np.atleast_2d(np.asarray(service_level, dtype=float))
    credit = np.atleast_2d(np.asarray(has_credit, dtype=bool))
    pos = np.asarray(positions, dtype=np.int64)
    if pos.size == 0:
        return np.zeros(sl.shape, dtype=bool)
    # Reached target on a dense calendar (absent periods never reach it).
    offset = pos - pos.min()
    reached = np.zeros((sl.shape[0], int(offset.max()) + 1 + earn_back_periods), dtype=bool)
    with np.errstate(invalid="ignore"):
        reached[:, offset] = sl >= earn_back_target - 1e-12
    # Periods reached among offset+1 ... offset+k, from cumulative counts.
    done = np.concatenate(
        [np.zeros((sl.shape[0], 1), dtype=np.int64), np.cumsum(reached, axis=1)], axis=1
    )
    following = done[:, offset + 1 + earn_back_periods] - done[:, offset + 1]
    return credit & (following >= earn_back_periods)


def credit_table(
    periods: pd.DataFrame,
    target: Any,
    *,
    terms: CreditTerms | None = None,
) -> pd.DataFrame:
    """The credit table from service levels already computed per period.

    Parameters
    ----------
    periods : DataFrame
        ``period_start`` and ``service_level`` [fraction], one row per period; optional
        ``within`` and ``base`` (numerator and denominator of the service level) make the
        total row's service level volume-weighted, otherwise it is the mean.
    target : str or ServiceLevel
        The contract's service-level target, e.g. ``"80/20"``.
    terms : CreditTerms, optional
        The clause: period length (for finding the periods that follow one another),
        step, credit per step, cap, fee, earn-back and band edges (default
        ``CreditTerms()``).

    Returns
    -------
    DataFrame
        Columns :data:`CREDIT_COLUMNS`, one row per period and a total row (see the
        module notes).

    Examples
    --------
    A contract at 80/20, 1% per started half point, capped at 10%, fee 100,000 a week:

    >>> p = pd.DataFrame({"period_start": pd.date_range("2024-01-01", periods=3, freq="7D"),
    ...                   "service_level": [0.81, 0.788, 0.70]})
    >>> terms = CreditTerms(step=0.5, credit_per_step="1%", cap="10%", fee=100_000)
    >>> t = credit_table(p, "80/20", terms=terms)
    >>> t["credit_pct"].round(4).tolist()
    [0.0, 3.0, 10.0, 4.3333]
    >>> t["credit_amount"].tolist(), t["band"].tolist()[:3]
    ([0.0, 3000.0, 10000.0, 13000.0], ['met', 'warning', 'interrupt offline'])
    """
    goal = service_level_target(target)
    terms = terms or CreditTerms()
    period, fee, band_edges = terms.period, terms.fee, terms.band_edges
    p = periods.sort_values("period_start").reset_index(drop=True)
    sl = p["service_level"].to_numpy(dtype=float)
    shortfall = shortfall_points(goal.fraction, sl)
    credit = credit_pct(
        shortfall, step=terms.step, credit_per_step=terms.credit_per_step, cap=terms.cap
    )
    if terms.earn_back_target is None:
        forgiven = np.zeros(len(p), dtype=bool)
    else:
        forgiven = earned_back(
            sl,
            period_position(p["period_start"], period, terms.week_start),
            credit > 0,
            earn_back_target=terms.earn_back_target,
            earn_back_periods=terms.earn_back_periods,
        )
    amount = credit / 100.0 * fee if fee is not None else np.full(len(p), np.nan)
    table = pd.DataFrame(
        {
            "period_start": p["period_start"],
            "service_level": sl,
            "shortfall_pts": shortfall,
            "credit_pct": credit,
            "credit_amount": amount,
            "earned_back": pd.array(forgiven, dtype="boolean"),
            "band": escalation_band(shortfall, band_edges),
        }
    )

    # Total: the horizon's service level; credits still owed after earn-back.
    if {"within", "base"} <= set(p.columns) and p["base"].sum() > 0:
        total_sl = float(p["within"].sum() / p["base"].sum())
    else:
        total_sl = float(np.nanmean(sl)) if np.isfinite(sl).any() else np.nan
    total_shortfall = shortfall_points(goal.fraction, np.array([total_sl]))
    owed = np.where(forgiven, 0.0, credit)
    n = max(len(p), 1)
    total = pd.DataFrame(
        {
            "period_start": pd.Series([pd.NaT], dtype=table["period_start"].dtype),
            "service_level": [total_sl],
            "shortfall_pts": total_shortfall,
            "credit_pct": [float(owed.sum() / n)],
            "credit_amount": [float(owed.sum() / 100.0 * fee) if fee is not None else np.nan],
            "earned_back": pd.array([pd.NA], dtype="boolean"),
            "band": escalation_band(total_shortfall, band_edges),
        }
    )
    out = pd.concat([table, total], ignore_index=True)
    out.attrs.update(
        {
            "target": str(goal),
            "period": period,
            "credits_gross_pct": float(credit.sum() / n),
            "periods_missed": int(np.count_nonzero(credit > 0)),
            "periods_earned_back": int(np.count_nonzero(forgiven)),
        }
    )
    return out


def service_credits(
    history: pd.DataFrame,
    target: Any,
    *,
    terms: CreditTerms | None = None,
    queues: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Service credits per period from an interval (or daily) performance history.

    Parameters
    ----------
    history : DataFrame
        From :func:`staffing.io.read_history`, read with ``threshold_s`` equal
        to the target's threshold (its ``attrs["threshold_s"]`` is checked).
    target : str or ServiceLevel
        The contract's target, e.g. ``"80/20"``.
    terms : CreditTerms, optional
        The clause (period, steps, cap, fee, earn-back, abandon policy, band edges).
    queues : sequence of str, optional
        Queues the contract covers; all queues of the history when omitted.

    Returns
    -------
    DataFrame
        Columns :data:`CREDIT_COLUMNS`: one row per period present in the history and a
        total row (see the module notes).

    Raises
    ------
    InputError
        A column the policy needs is missing, counts are negative, or the history counts
        calls answered within another threshold than the target's.

    Examples
    --------
    >>> h = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2024-03-04 09:00", "2024-03-11 09:00"]),
    ...     "offered": [1000, 1000], "answered": [950, 990],
    ...     "answered_within": [770, 860]})
    >>> t = service_credits(h, "80/20", terms=CreditTerms(fee=50_000))
    >>> cols = ["service_level", "shortfall_pts", "credit_pct", "credit_amount"]
    >>> t[cols].round(4).to_numpy().tolist()
    [[0.77, 3.0, 6.0, 3000.0], [0.86, 0.0, 0.0, 0.0], [0.815, 0.0, 3.0, 3000.0]]
    """
    goal = service_level_target(target)
    terms = terms or CreditTerms()
    src = str(history.attrs.get("source", "history"))
    counted = history.attrs.get("threshold_s")
    if counted is not None and not np.isclose(float(counted), goal.threshold_s):
        raise InputError(
            f"the history counts calls answered within {float(counted):g} s but the target "
            f"{goal} needs {goal.threshold_s:g} s; read it with threshold {goal.threshold_s:g}",
            source=src,
        )
    if queues:
        if "queue" not in history.columns:
            raise InputError("`queues` given but the history has no 'queue' column", source=src)
        wanted = [str(q) for q in queues]
        known = set(history["queue"].astype(str))
        unknown = [q for q in wanted if q not in known]
        if unknown:
            raise InputError(
                f"queue {unknown[0]!r} not in the history; queues: {', '.join(sorted(known))}",
                source=src,
            )
        history = history[history["queue"].astype(str).isin(wanted)]
    per = period_service_level(
        history,
        period=terms.period,
        abandon_policy=terms.abandon_policy,
        source=src,
        week_start=terms.week_start,
    )
    return credit_table(per, goal, terms=terms)


def shortfall_points(target: float, sl: np.ndarray) -> np.ndarray:
    """Shortfall below a service-level target [percentage points], never negative.

    Parameters
    ----------
    target : float
        The target's fraction (0.8 for 80/20).
    sl : ndarray
        Service levels achieved (fractions); NaN stays NaN.

    Returns
    -------
    ndarray
        ``max(0, 100 (target - sl))``, rounded so that a level exactly on target has none.

    Examples
    --------
    >>> shortfall_points(0.8, np.array([0.75, 0.8, 0.9])).tolist()
    [5.0, 0.0, 0.0]
    """
    with np.errstate(invalid="ignore"):
        gap = np.round(100.0 * (target - sl), _DIGITS)
    return np.where(np.isnan(gap), np.nan, np.maximum(gap, 0.0))


def period_position(
    starts: pd.Series | pd.Index, period: str, week_start: int | str = 0
) -> np.ndarray:
    """Position of each period start on the calendar: consecutive periods differ by 1.

    Counted on wall-clock dates, so local weeks across a daylight-saving change are still
    consecutive.

    Examples
    --------
    >>> mondays = pd.Series(pd.to_datetime(["2025-03-24", "2025-03-31", "2025-04-07"]))
    >>> period_position(mondays.dt.tz_localize("Europe/London"), "week").tolist()
    [0, 1, 2]
    """
    s = pd.Series(starts)
    if s.empty:
        return np.zeros(0, dtype=np.int64)
    ordinal = period_ordinal(local_dates(s), period, parse_week_start(week_start))
    return ordinal - ordinal.min()
