"""Effective staffing fitted from history: how many of the staffed agents really took calls.

A WFM or ACD report counts agents logged in; a queueing model needs the agents actually
available to callers. Between the two lie after-call work left out of the handle time,
not-ready states, agents serving other work, and whatever the staffing estimate itself
gets wrong. :class:`EffectiveStaffingFitter` measures the gap on the centre's own history
in one of two common forms:

* ``"factor"``: ``effective agents = factor x staffed agents`` (``1 - factor`` is a
  measured in-centre shrinkage);
* ``"acw"``: the staffed agents as reported, each call's handle time longer by ``acw_s``
  seconds of after-call work the log leaves out.

Either is fitted so that the model (Erlang A with the calibrated patience) reproduces the
service level the centre really gave over the fit period, with a confidence interval, per
queue and per period with drift flags; :func:`compare_forms` tells which form predicts
later data better.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special

from staffing.calibration.backtest import (
    backtest_rows,
    level_errors,
    level_units,
    observed_service_level,
    per_queue,
)
from staffing.calibration.patience import period_labels
from staffing.calibration.replay import replay_days
from staffing.errors import InputError, StaffingWarning
from staffing.vocabulary import check_abandon_policy

__all__ = [
    "EFFECTIVE_COLUMNS",
    "STAFFING_FORMS",
    "EffectiveStaffingFitter",
    "EffectiveStaffingWarning",
    "compare_forms",
    "smooth_rates",
]

#: The two forms of effective staffing.
STAFFING_FORMS: tuple[str, ...] = ("factor", "acw")
#: Columns of :attr:`EffectiveStaffingFitter.summary` (``period`` only per period).
EFFECTIVE_COLUMNS: list[str] = [
    "queue",
    "period",
    "intervals",
    "days",
    "calls",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "uncorrected",
    "bias",
    "service_level",
    "predicted_as_reported",
]
_BOUNDS = {"factor": (0.02, 20.0), "acw": (None, 20_000.0)}


def smooth_rates(history: pd.DataFrame, *, min_days: int = 3) -> np.ndarray:
    """Expected calls of each interval: its day's total spread by the time-of-day profile.

    Parameters
    ----------
    history : DataFrame
        One queue's intervals: ``interval_start`` and ``offered``.
    min_days : int, default 3
        A weekday with fewer days than this takes the profile of all days.

    Returns
    -------
    ndarray
        ``total_d x share_(w, k)``: day ``d``'s calls times the share of its weekday ``w``'s
        calls that fall in its interval ``k`` (over all days of that weekday), the usual
        "daily volume times intraday profile" description of a call centre's arrival
        rates, without the Poisson noise of each interval's own count.

    Examples
    --------
    >>> h = pd.DataFrame({"interval_start": pd.to_datetime(
    ...     ["2024-03-04 09:00", "2024-03-04 09:30", "2024-03-05 09:00", "2024-03-05 09:30"]),
    ...     "offered": [30.0, 70.0, 50.0, 50.0]})
    >>> smooth_rates(h, min_days=1).tolist()  # Monday and Tuesday, one day each
    [30.0, 70.0, 50.0, 50.0]
    >>> smooth_rates(h).tolist()  # too few days per weekday: one profile, 40% then 60%
    [40.0, 60.0, 40.0, 60.0]
    """
    t = pd.to_datetime(history["interval_start"])
    day = t.dt.normalize()
    slot = (t - day).to_numpy()
    calls = history["offered"].to_numpy(dtype=float)
    total = pd.Series(calls).groupby(day.to_numpy()).transform("sum").to_numpy()
    weekday = t.dt.day_of_week.to_numpy()
    days_of = pd.Series(day.to_numpy()).groupby(weekday).nunique()
    thin = days_of[days_of < min_days].index
    group = np.where(np.isin(weekday, thin), -1, weekday)
    frame = pd.DataFrame({"group": group, "slot": slot, "calls": calls, "day": day.to_numpy()})
    per_slot = frame.groupby(["group", "slot"])["calls"].transform("sum").to_numpy()
    day_totals = frame.drop_duplicates("day").assign(
        total=pd.Series(total)
        .groupby(day.to_numpy())
        .first()
        .reindex(frame.drop_duplicates("day")["day"].to_numpy())
        .to_numpy()
    )
    group_total = day_totals.groupby("group")["total"].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = per_slot / pd.Series(group).map(group_total).to_numpy()
    return np.where(np.isfinite(share), total * share, calls)


class EffectiveStaffingWarning(StaffingWarning):
    """Effective staffing could not be fitted for a queue or period, or rests on little data."""


def _predict(
    rows: pd.DataFrame, value: float, form: str, threshold_s: float, policy: str
) -> np.ndarray:
    """The model's service level of each row at ``value`` of the form.

    The stationary formulas of :func:`staffing.queueing.evaluate`, without the ASA it does
    not need.
    """
    from staffing.queueing.performance import check_inputs, performance, workload

    agents = rows["agents"].to_numpy(dtype=float)
    aht = rows["aht_s"].to_numpy(dtype=float)
    if form == "factor":
        agents = agents * value
    else:
        aht = aht + value
    theta = rows["patience_s"].to_numpy(dtype=float)
    theta = np.where(np.isfinite(theta) & (theta > 0), theta, np.nan)
    calls = rows["offered"].to_numpy(dtype=float)
    interval = rows["interval_s"].to_numpy(dtype=float)
    t = np.full(calls.shape, float(threshold_s))
    check_inputs(calls, aht, interval, theta, agents=agents, thresholds_s=[t])
    a = workload(calls, aht, interval, theta, agents=agents)
    res = performance(agents, a, aht, theta, [t], policy, want_asa=False)
    return np.asarray(res["service_level"][0], dtype=float)


def _solve(
    rows: pd.DataFrame, form: str, threshold_s: float, policy: str, *, with_se: bool = True
) -> tuple[float, float]:
    """The root of ``U(x) = sum(D p(x)) - sum(N)`` and its cluster-robust standard error.

    ``N``, ``D``: the observed service level's parts; ``p(x)`` the model's service level at
    ``x``. The sandwich variance is ``sum_d S_d^2 / U'(x)^2 * G / (G - 1)`` with ``S_d``
    the sum of ``D p - N`` over day ``d``'s intervals and ``G`` days.
    """
    num, den = observed_service_level(rows, policy)
    target = float(np.sum(num))

    def score(x: float) -> float:
        return float(np.sum(den * _predict(rows, x, form, threshold_s, policy))) - target

    # more agents serve better (factor): the score rises; more after-call work serves
    # worse (acw): it falls. Bracket near the usual values first, then widen.
    sign = 1.0 if form == "factor" else -1.0
    floor_, ceiling = _BOUNDS[form]
    if floor_ is None:  # acw: the handle time must stay positive
        floor_ = -0.95 * float(rows["aht_s"].min())
    brackets = (
        [(0.6, 1.3), (0.3, 2.5), (floor_, ceiling)]
        if form == "factor"
        else [
            (0.0, 120.0),
            (max(floor_, -60.0), 600.0),
            (floor_, ceiling),
        ]
    )
    found = None
    for lo, hi in brackets:
        if sign * score(lo) <= 0.0 <= sign * score(hi):
            found = (lo, hi)
            break
    if found is None:
        return math.nan, math.nan
    x = float(optimize.brentq(score, *found, xtol=1e-6, rtol=1e-9))
    if not with_se:
        return x, math.nan
    step = 1e-4 * max(abs(x), 1.0)
    slope = (score(x + step) - score(x - step)) / (2.0 * step)
    psi = den * _predict(rows, x, form, threshold_s, policy) - num
    day = rows["interval_start"].dt.normalize().to_numpy()
    sums = pd.Series(psi).groupby(day).sum().to_numpy()
    g = sums.size
    if g < 2 or slope == 0.0:
        return x, math.nan
    se = math.sqrt(float(np.sum(sums**2)) * g / (g - 1.0)) / abs(slope)
    return x, se


class EffectiveStaffingFitter:
    r"""Effective staffing per queue.

    The factor (or the after-call work) that makes the model reproduce the centre's realised
    service level.

    Parameters
    ----------
    form : {"factor", "acw"}, default "factor"
        ``"factor"``: effective agents = factor x staffed agents; ``"acw"``: staffed
        agents as reported and ``acw_s`` seconds added to every call's handle time.
    threshold_s : float, optional
        Service-level threshold [s]; default ``history.attrs["threshold_s"]`` (or 20).
    history_sl : {"fail", "exclude", "exclude_within", "count_within"}, optional
        What the history's service level divides; default ``history.attrs["history_sl"]``.
    by : {"month", "quarter", None}, default None
        Also fit each calendar period, with drift tests.
    confidence : float, default 0.95
        Confidence level of every interval.
    bias_replications : int, default 6
        Histories simulated for the bias correction (0: none).
    seed : int, default 0
        Seed of those simulations.
    min_intervals : int, default 20
        Fewer intervals than this in a queue give a warning, and no bias correction.
    exact_aht : bool, default True
        The history's AHT is what each interval's calls really took (an ACD's realised
        mean), so the simulated histories of the bias correction report their own
        realised means too; False: it is the mean the calls were drawn from (a simulated
        history), reported as it is.

    Attributes
    ----------
    estimate_ : Series
        The fitted factor (or after-call work [s]) per queue, bias-corrected.
    summary : DataFrame
        Columns of :data:`EFFECTIVE_COLUMNS` without ``period``: per queue the intervals,
        days and calls fitted on, the estimate with its standard error and interval, the
        estimate before the bias correction and the correction, the realised service level
        and the model's at the reported staffing (factor 1, no after-call work).
    periods_ : DataFrame or None
        The same per queue and period (with ``by``).
    drift_ : DataFrame or None
        Per queue: ``periods``, the heterogeneity statistic, its degrees of freedom,
        ``p_value`` and ``moved``.
    changes_ : DataFrame or None
        Each period to the next: ``queue``, ``period_from``, ``period_to``,
        ``estimate_from``, ``estimate_to``, ``change`` with ``change_ci_low`` and
        ``change_ci_high``, ``p_value`` and ``moved``.
    warnings_ : list of str

    Notes
    -----
    **The estimator.** With ``N_i`` and ``D_i`` the numerator and denominator of interval
    ``i``'s realised service level (the history's definition) and ``p_i(x)`` Erlang A's
    service level at the interval's calls, AHT, patience and staffing under the form's
    value ``x``, ``x`` solves

    .. math:: U(x) = \\sum_i D_i\\,p_i(x) - \\sum_i N_i = 0,

    i.e. the model's calls served within the threshold equal the history's over the fit
    period (calls-weighted). It is an M-estimator (Huber 1967); its standard error is the
    sandwich ``sqrt(G / (G - 1) sum_d S_d^2) / |U'(x)|``, with ``S_d`` the sum of
    ``D_i p_i(x) - N_i`` over the intervals of day ``d`` (days are independent clusters,
    intervals within a day are not; Liang and Zeger 1986), and the interval is
    ``x +- z se``.

    **The bias correction.** The model is fed each interval's realised calls and AHT,
    not its (unknown) arrival rate and mean handle time. Where the count came out high by
    chance the model assumes the queue ran at that rate long enough to fill, while the
    interval began from the state the true rate left; weighting by calls gives those
    intervals more say, so ``U``'s root leans towards *more* effective agents (a realised
    AHT fed to the model adds a shift of its own): on simulated days with a true factor of
    0.8 and about 60 calls per half-hour the uncorrected root is about 0.82, several
    standard errors off. The correction is a parametric bootstrap (Efron and Tibshirani
    1993, chapter 10): ``bias_replications`` histories are simulated at the estimate (the
    fitted days replayed, :func:`~staffing.calibration.replay.replay_days`, with Poisson
    calls around each day's volume spread by its weekday's intraday profile,
    :func:`smooth_rates`; exponential service and patience; the realised AHT reported
    where ``exact_aht``), the estimator is applied to each, and the mean shift is
    subtracted: ``x = x_0 - (mean(x*) - x_0)``. The standard error adds the bootstrap's
    own Monte Carlo error. Each period is corrected by its own shift, from histories
    simulated at every period's own estimate. The correction assumes Poisson calls around
    a smooth rate; calls more variable than that (over-dispersion) would need a larger
    one.

    **Drift.** Periods are compared as patience is
    (:mod:`staffing.calibration.drift`): a heterogeneity statistic
    ``sum_p (x_p - xbar)^2 / se_p^2`` with the inverse-variance mean ``xbar``, chi-square
    with ``k - 1`` degrees of freedom, and each change from one period to the next with a
    z test.

    References
    ----------
    .. [1] P. J. Huber, "The behavior of maximum likelihood estimates under nonstandard
       conditions", Proc. Fifth Berkeley Symposium 1, 1967, 221-233.
    .. [2] K.-Y. Liang and S. L. Zeger, "Longitudinal data analysis using generalized
       linear models", Biometrika 73(1), 1986, 13-22. doi:10.1093/biomet/73.1.13
    .. [3] B. Efron and R. J. Tibshirani, *An Introduction to the Bootstrap*, Chapman and
       Hall, 1993. doi:10.1007/978-1-4899-4541-9

    Examples
    --------
    The sample history's sales queue was simulated with its true agents and a patience
    of 90 s (``data/make_history.py``), so its factor is 1:

    >>> from staffing.data import sample_frame
    >>> from staffing.calibration import prepare_history
    >>> h = prepare_history(sample_frame("history.csv"))
    >>> sales = h[h["queue"] == "sales"]
    >>> fit = EffectiveStaffingFitter(bias_replications=4).fit(sales, 90.0)
    >>> s = fit.summary.iloc[0]
    >>> round(float(s["uncorrected"]), 3), bool(s["ci_low"] < 1.0 < s["ci_high"])
    (1.023, True)
    """

    def __init__(
        self,
        *,
        form: str = "factor",
        threshold_s: float | None = None,
        history_sl: str | None = None,
        by: str | None = None,
        confidence: float = 0.95,
        bias_replications: int = 6,
        seed: int = 0,
        min_intervals: int = 20,
        exact_aht: bool = True,
    ) -> None:
        self.form = form
        self.threshold_s = threshold_s
        self.history_sl = history_sl
        self.by = by
        self.confidence = confidence
        self.bias_replications = bias_replications
        self.seed = seed
        self.min_intervals = min_intervals
        self.exact_aht = exact_aht

    def _rows(
        self, history: pd.DataFrame, patience_s: Mapping[str, float] | float | None
    ) -> pd.DataFrame:
        rows = backtest_rows(history).reset_index(drop=True)
        if "patience_s" not in rows.columns:
            rows["patience_s"] = per_queue(patience_s, rows["queue"].astype(str), np.nan)
        return rows

    def fit(
        self, history: pd.DataFrame, patience_s: Mapping[str, float] | float | None = None
    ) -> EffectiveStaffingFitter:
        """Fit on an interval history with staffed agents.

        Parameters
        ----------
        history : DataFrame
            Interval history (:data:`~staffing.calibration.HISTORY_COLUMNS`) with
            ``agents``; a ``patience_s`` column, if present, gives each interval's
            patience [s] (NaN: Erlang C).
        patience_s : float or mapping, optional
            Otherwise the mean patience per queue [s] (missing: Erlang C).

        Returns
        -------
        EffectiveStaffingFitter
            ``self``, fitted.

        Raises
        ------
        InputError
            A bad option, or no interval with calls, staffed agents, an AHT and a service
            level.
        """
        if self.form not in STAFFING_FORMS:
            raise InputError(f"`form` {self.form!r}: use one of {', '.join(STAFFING_FORMS)}")
        if not 0.0 < self.confidence < 1.0:
            raise InputError(f"confidence must lie strictly between 0 and 1, not {self.confidence}")
        self.threshold_s_ = float(
            self.threshold_s
            if self.threshold_s is not None
            else history.attrs.get("threshold_s", 20.0)
        )
        self.history_sl_ = check_abandon_policy(
            self.history_sl or str(history.attrs.get("history_sl", "fail"))
        )
        self.source_ = str(history.attrs.get("source", "history"))
        rows = self._rows(history, patience_s)
        self.rows_ = rows
        notes: list[str] = []
        z = float(special.ndtri(0.5 + self.confidence / 2.0))
        records: list[tuple[Any, ...]] = []
        period_records: list[tuple[Any, ...]] = []
        self.bias_: dict[str, float] = {}
        for queue, part in rows.groupby("queue", sort=True):
            q = str(queue)
            raw, se = _solve(part, self.form, self.threshold_s_, self.history_sl_)
            bias, mc = (0.0, 0.0)
            enough = len(part) >= self.min_intervals
            if math.isfinite(raw) and self.bias_replications > 0 and enough:
                everywhere = np.zeros(len(part), dtype=int)
                shift = self._bias(part, np.full(len(part), raw), everywhere, len(records))
                bias, mc = shift.get(0, (0.0, 0.0))
                if not self._plausible(raw, bias, part):
                    notes.append(
                        f"queue '{q}': the bias correction of effective staffing "
                        f"({self._text(raw)} by {bias:+.3g}) is not credible on these data: "
                        "left uncorrected"
                    )
                    bias, mc = 0.0, 0.0
            self.bias_[q] = bias
            est = raw - bias
            se_all = math.sqrt(se**2 + mc**2) if math.isfinite(se) else math.nan
            records.append(self._record(q, None, part, est, se_all, raw, bias, z))
            if not math.isfinite(raw):
                notes.append(self._no_root(q, None, part))
            elif len(part) < self.min_intervals:
                notes.append(
                    f"queue '{q}': effective staffing rests on {len(part)} intervals only "
                    f"({self._text(est)}, {self._text(est - z * se_all)}-"
                    f"{self._text(est + z * se_all)})"
                )
            if self.by is not None:
                labels = period_labels(part["interval_start"], self.by).to_numpy()
                periods = sorted(set(labels))
                codes = np.searchsorted(periods, labels)
                solved = [
                    _solve(part[codes == i], self.form, self.threshold_s_, self.history_sl_)
                    for i in range(len(periods))
                ]
                # each period's own bias, from histories simulated at each period's estimate
                raws = np.array([x for x, _ in solved])
                shifts: dict[int, tuple[float, float]] = {}
                usable = np.isfinite(raws[codes])
                if self.bias_replications > 0 and usable.any() and bias != 0.0:
                    shifts = self._bias(
                        part[usable], raws[codes][usable], codes[usable], len(records) + 100
                    )
                for i, period in enumerate(periods):
                    sub = part[codes == i]
                    p_raw, p_se = solved[i]
                    p_bias, p_mc = shifts.get(i, (bias, mc))
                    if not self._plausible(p_raw, p_bias, part[codes == i]):
                        p_bias, p_mc = bias, mc
                    p_se_all = math.sqrt(p_se**2 + p_mc**2) if math.isfinite(p_se) else math.nan
                    period_records.append(
                        self._record(q, period, sub, p_raw - p_bias, p_se_all, p_raw, p_bias, z)
                    )
                    if not math.isfinite(p_raw):
                        notes.append(self._no_root(q, period, sub))
        columns = [c for c in EFFECTIVE_COLUMNS if c != "period"]
        self.summary = pd.DataFrame(records, columns=EFFECTIVE_COLUMNS)[columns]
        self.estimate_ = pd.Series(
            self.summary["estimate"].to_numpy(),
            index=pd.Index(self.summary["queue"], name="queue"),
            name=self.form,
        )
        self.periods_: pd.DataFrame | None = None
        self.drift_: pd.DataFrame | None = None
        self.changes_: pd.DataFrame | None = None
        if self.by is not None:
            self.periods_ = pd.DataFrame(period_records, columns=EFFECTIVE_COLUMNS)
            self.drift_, self.changes_ = _drift(self.periods_, self.confidence)
            for row in self.changes_.to_dict(orient="records"):
                if row["moved"]:
                    notes.append(
                        f"queue '{row['queue']}': effective staffing moved from "
                        f"{row['period_from']} ({self._text(row['estimate_from'])}) to "
                        f"{row['period_to']} ({self._text(row['estimate_to'])})"
                    )
        self.warnings_ = notes
        for text in notes:
            warnings.warn(text, EffectiveStaffingWarning, stacklevel=2)
        return self

    # -- pieces --------------------------------------------------------------------------

    def _text(self, value: float) -> str:
        if not math.isfinite(value):
            return "n/a"
        return f"x{value:.3f}" if self.form == "factor" else f"{value:+.0f} s"

    def _no_root(self, queue: str, period: str | None, part: pd.DataFrame) -> str:
        where = f"queue '{queue}'" + (f", {period}" if period else "")
        what = "factor between 0.02 and 20" if self.form == "factor" else "after-call work"
        return (
            f"{where}: no {what} makes the model give the realised service level over "
            f"{len(part)} intervals: effective staffing not fitted"
        )

    def _record(
        self,
        queue: str,
        period: str | None,
        part: pd.DataFrame,
        est: float,
        se: float,
        raw: float,
        bias: float,
        z: float,
    ) -> tuple[Any, ...]:
        num, den = observed_service_level(part, self.history_sl_)
        at_one = _predict(
            part,
            1.0 if self.form == "factor" else 0.0,
            self.form,
            self.threshold_s_,
            self.history_sl_,
        )
        return (
            queue,
            period,
            len(part),
            int(part["interval_start"].dt.normalize().nunique()),
            float(part["offered"].sum()),
            est,
            se,
            est - z * se,
            est + z * se,
            raw,
            bias,
            float(np.sum(num) / np.sum(den)),
            float(np.sum(den * at_one) / np.sum(den)),
        )

    def _plausible(self, raw: float, bias: float, part: pd.DataFrame) -> bool:
        """A correction that keeps the value meaningful and moves it by less than a quarter.

        A quarter of the factor, or a minute of after-call work.
        """
        if not (math.isfinite(raw) and math.isfinite(bias)):
            return False
        if self.form == "factor":
            return abs(bias) < 0.25 * raw
        return abs(bias) < 60.0 and float(part["aht_s"].min()) + raw - bias > 0

    def _bias(
        self, part: pd.DataFrame, raw: np.ndarray, groups: np.ndarray, index: int
    ) -> dict[int, tuple[float, float]]:
        """Per group of rows, the mean shift of the estimator on histories simulated at ``raw``.

        One value per row (the group's estimate), and its Monte Carlo standard error.
        """
        staffed = part["agents"].to_numpy(dtype=float)
        aht = part["aht_s"].to_numpy(dtype=float)
        acw = raw if self.form == "acw" else np.zeros(len(part))
        theta = part["patience_s"].to_numpy(dtype=float)
        frame = pd.DataFrame(
            {
                "interval_start": part["interval_start"].to_numpy(),
                "interval_s": part["interval_s"].to_numpy(dtype=float),
                "calls": smooth_rates(part),
                "aht_s": aht + acw,
                "agents": staffed * (raw if self.form == "factor" else 1.0),
                "patience_s": np.where(np.isfinite(theta), theta, np.inf),
            }
        )
        rep = replay_days(
            frame,
            threshold_s=self.threshold_s_,
            replications=self.bias_replications,
            seed=self.seed,
            counts="poisson",
            exact_aht=False,
            purpose=2,
            queue_index=index,
        )
        shares = aht / (aht + acw)  # the part of a simulated handle time a log would show
        found: dict[int, list[float]] = {int(g): [] for g in np.unique(groups)}
        for r in range(rep.replications):
            answered = rep.answered[r]
            with np.errstate(invalid="ignore", divide="ignore"):
                seen = np.where(answered > 0, rep.handle_s[r] / answered * shares, np.nan)
            filled = float(np.nanmean(seen)) if np.isfinite(seen).any() else float(np.mean(aht))
            synthetic = part.assign(
                offered=rep.offered[r],
                answered=answered,
                abandoned=rep.abandoned[r],
                answered_within=rep.answered_within[r],
                abandoned_within=rep.abandoned_within[r],
                aht_s=np.where(np.isfinite(seen), seen, filled) if self.exact_aht else aht,
            )
            keep = (synthetic["offered"] > 0).to_numpy()
            for g in found:
                mine = keep & (groups == g)
                if not mine.any():
                    continue
                x, _ = _solve(
                    synthetic[mine], self.form, self.threshold_s_, self.history_sl_, with_se=False
                )
                if math.isfinite(x):
                    found[g].append(x)
        out: dict[int, tuple[float, float]] = {}
        for g, values in found.items():
            if len(values) < 2:
                continue
            start = float(raw[groups == g][0])
            arr = np.asarray(values)
            out[g] = (float(arr.mean() - start), float(arr.std(ddof=1) / math.sqrt(arr.size)))
        return out

    # -- use -----------------------------------------------------------------------------

    def factor_map(self) -> dict[str, float]:
        """The fitted value per queue (NaN where not fitted)."""
        return {str(q): float(v) for q, v in self.estimate_.items()}

    def predict(
        self, history: pd.DataFrame, patience_s: Mapping[str, float] | float | None = None
    ) -> pd.DataFrame:
        """The model's service level on another history with the fitted value per queue.

        Returns
        -------
        DataFrame
            The usable rows (:func:`~staffing.calibration.backtest.backtest_rows`) with
            ``predicted_service_level`` added.
        """
        rows = self._rows(history, patience_s)
        out = np.full(len(rows), np.nan)
        for queue, part in rows.groupby("queue", sort=False):
            value = self.estimate_.get(str(queue), np.nan)
            if math.isfinite(value):
                out[part.index.to_numpy()] = _predict(
                    part, float(value), self.form, self.threshold_s_, self.history_sl_
                )
        return rows.assign(predicted_service_level=out)

    def __repr__(self) -> str:
        head = f"EffectiveStaffingFitter(form={self.form!r}, by={self.by!r})"
        if not hasattr(self, "summary"):
            return head + ", not fitted"
        return f"{head}: fitted on {self.source_}, {len(self.rows_):,} intervals"


def _drift(periods: pd.DataFrame, confidence: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Heterogeneity over periods and consecutive changes, per queue."""
    level = 1.0 - confidence
    z = float(special.ndtri(0.5 + confidence / 2.0))
    drift, changes = [], []
    usable = periods[np.isfinite(periods["estimate"]) & (periods["se"] > 0)]
    for queue, g in usable.sort_values(["queue", "period"]).groupby("queue", sort=True):
        x = g["estimate"].to_numpy(dtype=float)
        se = g["se"].to_numpy(dtype=float)
        labels = g["period"].astype(str).to_numpy()
        if len(g) >= 2:
            w = 1.0 / se**2
            mean = float(np.sum(w * x) / np.sum(w))
            stat = float(np.sum(w * (x - mean) ** 2))
            p = float(special.chdtrc(len(g) - 1, stat))
            drift.append((queue, len(g), stat, len(g) - 1, p, p < level))
        for i in range(len(g) - 1):
            change = x[i + 1] - x[i]
            s = math.sqrt(se[i] ** 2 + se[i + 1] ** 2)
            p = float(2.0 * special.ndtr(-abs(change) / s))
            changes.append(
                (
                    queue,
                    labels[i],
                    labels[i + 1],
                    x[i],
                    x[i + 1],
                    change,
                    change - z * s,
                    change + z * s,
                    p,
                    p < level,
                )
            )
    return (
        pd.DataFrame(drift, columns=["queue", "periods", "statistic", "df", "p_value", "moved"]),
        pd.DataFrame(
            changes,
            columns=[
                "queue",
                "period_from",
                "period_to",
                "estimate_from",
                "estimate_to",
                "change",
                "change_ci_low",
                "change_ci_high",
                "p_value",
                "moved",
            ],
        ),
    )


def compare_forms(
    train: pd.DataFrame,
    test: pd.DataFrame,
    patience_s: Mapping[str, float] | float | None = None,
    *,
    threshold_s: float | None = None,
    history_sl: str | None = None,
    bias_replications: int = 6,
    seed: int = 0,
    fitted: Mapping[str, EffectiveStaffingFitter] | None = None,
    exact_aht: bool = True,
) -> pd.DataFrame:
    """Which form of effective staffing predicts later data better: the factor or the ACW.

    Each form is fitted on ``train`` and predicts ``test``'s service level with Erlang A;
    the errors are the back-test's (calls-weighted, per interval and per day).

    Parameters
    ----------
    train, test : DataFrame
        Interval histories (the earlier and the later part).
    patience_s : float or mapping, optional
        As for :meth:`EffectiveStaffingFitter.fit`.
    threshold_s, history_sl, bias_replications, seed
        As for :class:`EffectiveStaffingFitter`.
    fitted : mapping, optional
        Forms already fitted on ``train`` (form -> fitter), not fitted again.
    exact_aht : bool, default True
        As for :class:`EffectiveStaffingFitter`.

    Returns
    -------
    DataFrame
        One row per form: ``form``, ``estimate`` (per queue, as text), then on ``test``
        ``sl_mae`` and ``sl_bias`` per interval and ``sl_mae_day``; sorted best first
        (smaller ``sl_mae``).
    """
    rows = []
    for form in STAFFING_FORMS:
        if fitted is not None and form in fitted:
            fit = fitted[form]
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", EffectiveStaffingWarning)
                fit = EffectiveStaffingFitter(
                    form=form,
                    threshold_s=threshold_s,
                    history_sl=history_sl,
                    bias_replications=bias_replications,
                    seed=seed,
                    exact_aht=exact_aht,
                ).fit(train, patience_s)
        pred = fit.predict(test, patience_s)
        pred = pred[np.isfinite(pred["predicted_service_level"].to_numpy())]
        if pred.empty:
            continue
        num, den = observed_service_level(pred, fit.history_sl_)
        calls = pred["offered"].to_numpy(dtype=float)
        p = pred["predicted_service_level"].to_numpy()
        mae, bias, _ = level_errors(level_units(pred, "interval"), calls, num, den, p)
        day_mae, _, _ = level_errors(level_units(pred, "day"), calls, num, den, p)
        shown = ", ".join(f"{q} {fit._text(v)}" for q, v in fit.estimate_.items())
        rows.append((form, shown, float(mae[0]), float(bias[0]), float(day_mae[0])))
    out = pd.DataFrame(rows, columns=["form", "estimate", "sl_mae", "sl_bias", "sl_mae_day"])
    return out.sort_values("sl_mae", kind="stable").reset_index(drop=True)
