r"""The rest of the day reforecast from the morning's actuals.

By ``at`` (say 12:00) the day's actual calls ``A`` stand against the forecast's ``F``
for the same intervals: the ratio ``R = A / F``. The rest of the day is scaled by

.. math:: 1 + w (R - 1)

with a weight ``w`` between 0 (``none``: keep the forecast) and 1 (``ratio``: carry the
morning's deviation over whole, what WFM platforms do). ``shrunk`` learns ``w`` from the
history: on every past day, the morning's deviation ``m = A_morning / F_morning - 1``
and the rest of the day's ``r = A_rest / F_rest - 1`` against the same method's lead-1
forecast, split at the same clock time. The least-squares slope ``b`` of ``r`` on ``m``
is how far a morning's deviation carries into the afternoon (Weinberg, Brown and Stroud
2007 model the day's level the same way; Shen and Huang 2008 update by the morning's
shape too). It is kept only as far as it stands out of its own noise:

.. math:: w = \\min\\bigl(1, \\max(0, b (1 - (2 / t)^2))\\bigr)

where ``t`` is the slope's t-statistic: a positive-part shrinkage toward zero that is 0
whenever the slope is within two standard errors of nothing. On a centre where mornings
do not predict afternoons the slope is noise, and the weight is zero: the reforecast is
then the forecast, never worse.

Without a history the weight is the credibility weight of a day-level deviation with a
coefficient of variation of :data:`DEFAULT_DAY_CV` against Poisson noise,
``w = c^2 / (c^2 + 1 / F)`` (Bühlmann 1967): a busy morning's deviation is mostly real, a
quiet one's mostly noise. It assumes the deviation lasts the whole day.

References
----------
.. [1] J. Weinberg, L. D. Brown and J. R. Stroud, "Bayesian forecasting of an
   inhomogeneous Poisson process with applications to call center data", JASA
   102(480), 2007, 1185-1198. doi:10.1198/016214506000001455
.. [2] H. Shen and J. Z. Huang, "Interday forecasting and intraday updating of call
   center arrivals", Manufacturing & Service Operations Management 10(3), 2008,
   391-410. doi:10.1287/msom.1070.0179
.. [3] H. Bühlmann, "Experience rating and credibility", ASTIN Bulletin 4(3), 1967,
   199-207. doi:10.1017/S0515036100008989
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError, StaffingWarning
from staffing.forecasting.backtest import Backtest
from staffing.forecasting.bands import RatioBands, poisson_interval
from staffing.forecasting.counts import CountPanel, call_counts
from staffing.forecasting.methods import PROFILE_METHODS, recent_profiles
from staffing.frames import numeric_column, queue_names, to_timestamps
from staffing.vocabulary import parse_rate, parse_time_of_day

__all__ = [
    "DEFAULT_DAY_CV",
    "REFORECAST_METHODS",
    "Reforecast",
    "ReforecastWarning",
    "learn_weight",
    "reforecast",
    "reforecast_backtest",
    "shrunk_weight",
]


class ReforecastWarning(StaffingWarning):
    """Actuals left out (after ``at``, or of queues the forecast has but the actuals lack)."""


#: Reforecast methods: the learned weight, the full ratio, or no update.
REFORECAST_METHODS: tuple[str, ...] = ("shrunk", "ratio", "none")
#: Day-to-day coefficient of variation assumed without a history (the credibility prior).
DEFAULT_DAY_CV = 0.08
#: Standard errors a slope must stand out by before any of it is used.
_T_KEEP = 2.0
#: Fewest past days a weight is learned from (fewer: weight 0).
MIN_DAYS = 10


def shrunk_weight(slope: float, se: float) -> float:
    """The weight kept of a slope ``slope`` with standard error ``se``.

    Examples
    --------
    >>> shrunk_weight(0.8, 0.1), shrunk_weight(0.8, 0.5), shrunk_weight(-0.3, 0.05)
    (0.75, 0.0, 0.0)
    """
    if not np.isfinite(slope) or slope <= 0:
        return 0.0
    if not np.isfinite(se) or se <= 0:
        return float(min(slope, 1.0))
    t = slope / se
    return float(np.clip(slope * max(0.0, 1.0 - (_T_KEEP / t) ** 2), 0.0, 1.0))


@dataclass(frozen=True)
class _Fit:
    weight: float
    slope: float
    se: float
    days: int
    bands: RatioBands | None = None


def learn_weight(
    forecast_day: np.ndarray, actual_day: np.ndarray, at_slot: int, coverage: float = 0.8
) -> _Fit:
    """How far the morning's deviation carries into the rest of the day, from past days.

    Parameters
    ----------
    forecast_day, actual_day : ndarray (days, slots)
        Lead-1 forecasts and actual calls of past days (rows with NaN are left out).
    at_slot : int
        The split: slots before it are the morning.
    coverage : float
        Coverage of the bands fitted to the reforecast's rest-of-day errors.

    Returns
    -------
    _Fit
        ``weight`` (see the module notes), the slope, its standard error, the days used
        and the bands of the reforecast's intervals.
    """
    f_m = forecast_day[:, :at_slot].sum(axis=1)
    a_m = actual_day[:, :at_slot].sum(axis=1)
    f_r = forecast_day[:, at_slot:].sum(axis=1)
    a_r = actual_day[:, at_slot:].sum(axis=1)
    ok = np.isfinite(f_m + a_m + f_r + a_r) & (f_m > 0) & (f_r > 0)
    n = int(ok.sum())
    if n < MIN_DAYS:
        return _Fit(0.0, float("nan"), float("nan"), n)
    m = a_m[ok] / f_m[ok] - 1.0
    r = a_r[ok] / f_r[ok] - 1.0
    mc = m - m.mean()
    sxx = float(mc @ mc)
    if sxx <= 0:
        return _Fit(0.0, float("nan"), float("nan"), n)
    slope = float(mc @ (r - r.mean()) / sxx)
    resid = r - r.mean() - slope * mc
    se = float(np.sqrt(resid @ resid / max(n - 2, 1) / sxx))
    weight = shrunk_weight(slope, se)
    factor = 1.0 + weight * m
    rest_f = forecast_day[ok, at_slot:] * factor[:, None]
    bands = RatioBands.fit(rest_f.ravel(), actual_day[ok, at_slot:].ravel(), coverage)
    return _Fit(weight, slope, se, n, bands)


@dataclass
class Reforecast:
    """The rest of a day reforecast from its actuals so far.

    Attributes
    ----------
    table : DataFrame
        The forecast's remaining intervals of the day (``interval_start, queue, calls,
        aht_s, calls_lo, calls_hi, method``), calls scaled.
    summary : DataFrame
        Per queue: ``calls_so_far``, ``forecast_so_far``, ``ratio``, ``z`` (the
        deviation in Poisson standard deviations), ``weight``, ``factor`` (the rest of
        the day's scale), ``days`` (past days the weight was learned from, 0 for the
        default) and ``slope`` / ``slope_se``.
    day : pandas.Timestamp
    at : pandas.Timestamp
    method : str
    """

    table: pd.DataFrame
    summary: pd.DataFrame
    day: pd.Timestamp
    at: pd.Timestamp
    method: str
    notes: list[str] = field(default_factory=list)

    def message(self) -> str:
        """One line per queue, as the command prints it.

        ``so far 4,212 calls, +8.2% on forecast (z = 3.1); rest of day reforecast +6.0%``,
        prefixed with the queue when there are several.
        """
        lines = []
        several = len(self.summary) > 1
        for row in self.summary.to_dict("records"):
            weight, days = float(row["weight"]), int(row["days"])
            how = f"weight {weight:.2f}" + (f" learned from {days} days" if days else "")
            text = (
                f"so far {row['calls_so_far']:,.0f} calls, {float(row['ratio']) - 1:+.1%} on "
                f"forecast (z = {float(row['z']):.1f}); rest of day reforecast "
                f"{float(row['factor']) - 1:+.1%} ({self.method}, {how})"
            )
            lines.append(f"{row['queue']}: {text}" if several else text)
        return "\n".join(lines)


def _forecast_frame(forecast: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    source = str(forecast.attrs.get("source", "forecast"))
    missing = [c for c in ("interval_start", "calls") if c not in forecast.columns]
    if missing:
        raise InputError(
            f"missing column {', '.join(missing)} (a forecast has interval_start, queue, calls)",
            source=source,
        )
    df = forecast.reset_index(drop=True)
    out = pd.DataFrame(index=df.index)
    stamps = to_timestamps(df, "interval_start", source=source)
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    out["interval_start"] = stamps.astype("datetime64[ns]")
    out["queue"] = queue_names(df["queue"]) if "queue" in df.columns else "all"
    out["calls"] = numeric_column(df, "calls", source=source)
    for col in ("aht_s", "calls_lo", "calls_hi"):
        out[col] = pd.to_numeric(df[col], errors="coerce") if col in df.columns else np.nan
    out["method"] = df["method"].astype(str) if "method" in df.columns else "forecast"
    if "interval_s" in df.columns:
        interval_s = float(pd.to_numeric(df["interval_s"], errors="coerce").median())
    else:
        t = out.sort_values(["queue", "interval_start"])
        step = t.groupby("queue")["interval_start"].diff().dt.total_seconds().dropna()
        step = step[step > 0]
        if step.empty:
            raise InputError("cannot tell the forecast's interval from one row", source=source)
        interval_s = float(step.mode().min())
    out.attrs = {"source": source}
    return out, interval_s


def reforecast(
    forecast: pd.DataFrame,
    actuals: pd.DataFrame,
    *,
    at: Any = None,
    method: str = "shrunk",
    history: pd.DataFrame | None = None,
    weeks: int = 4,
    coverage: str | float = 0.8,
) -> Reforecast:
    """Reforecast the rest of a day from its actual calls so far.

    Parameters
    ----------
    forecast : DataFrame
        A forecast table (``interval_start``, optional ``queue``, ``calls``, optional
        ``aht_s``, ``calls_lo``, ``calls_hi``, ``method``), as :func:`forecast` gives.
    actuals : DataFrame
        The day's calls so far: an interval report or a count table (any finer interval),
        read as :func:`call_counts` reads a history.
    at : str or timestamp, optional
        Clock time (``"12:00"``) up to which the actuals count; on an interval boundary.
        Default the end of the last actual interval.
    method : {"shrunk", "ratio", "none"}, default "shrunk"
        How much of the morning's deviation to carry over (see the module notes).
    history : DataFrame, optional
        A history (any kind) to learn the ``shrunk`` weight from; without one the
        default credibility weight is used.
    weeks : int, default 4
        Same weekdays behind each past day's forecast when learning the weight.
    coverage : str or float, default 0.8
        Central coverage of ``calls_lo`` - ``calls_hi``.

    Returns
    -------
    Reforecast

    Raises
    ------
    InputError
        Actuals of several days or of a day the forecast does not cover; calls in
        intervals or queues the forecast does not have; actuals ending before ``at``.

    Examples
    --------
    >>> f = pd.DataFrame({"interval_start": pd.date_range("2025-03-03 08:00", periods=4,
    ...                   freq="30min"), "calls": [100.0, 100.0, 100.0, 100.0],
    ...                   "aht_s": 240.0})
    >>> a = pd.DataFrame({"interval_start": ["2025-03-03 08:00", "2025-03-03 08:30"],
    ...                   "calls": [115, 125]})
    >>> r = reforecast(f, a, method="ratio")
    >>> r.table[["interval_start", "calls"]]
           interval_start  calls
    0 2025-03-03 09:00:00  120.0
    1 2025-03-03 09:30:00  120.0
    >>> print(r.message())  # doctest: +NORMALIZE_WHITESPACE
    so far 240 calls, +20.0% on forecast (z = 2.8); rest of day reforecast +20.0%
    (ratio, weight 1.00)
    """
    if method not in REFORECAST_METHODS:
        raise StaffingError(f"`method` {method!r} is not one of {', '.join(REFORECAST_METHODS)}")
    cover = parse_rate(coverage, what="`coverage`", allow_zero=False, allow_one=False)
    fc, interval_s = _forecast_frame(forecast)
    source = str(fc.attrs["source"])
    counts = call_counts(actuals, interval=interval_s)
    a_source = str(counts.attrs.get("source", "actuals"))
    f_queues = sorted(fc["queue"].unique())
    a_queues = sorted(counts["queue"].unique())
    if len(f_queues) == 1 and len(a_queues) == 1 and f_queues != a_queues:
        counts = counts.assign(queue=f_queues[0])
        a_queues = f_queues
    unknown = [q for q in a_queues if q not in f_queues]
    if unknown:
        raise InputError(
            f"actuals for queue {', '.join(repr(q) for q in unknown)}, which the forecast "
            f"does not have (it has {', '.join(f_queues)})",
            source=a_source,
            column="queue",
        )
    days = counts["interval_start"].dt.normalize().unique()
    if len(days) > 1:
        shown = ", ".join(str(pd.Timestamp(d).date()) for d in days[:4])
        raise InputError(
            f"actuals of {len(days)} days ({shown}{', ...' if len(days) > 4 else ''}): "
            "reforecast one day at a time",
            source=a_source,
            column="interval_start",
        )
    day = pd.Timestamp(days[0])
    f_day = fc[fc["interval_start"].dt.normalize() == day]
    if f_day.empty:
        first, last = fc["interval_start"].min().date(), fc["interval_start"].max().date()
        raise InputError(
            f"actuals for {day.date()}, a day the forecast does not cover ({first} to "
            f"{last}); give that day's forecast or that forecast's day",
            source=a_source,
            column="interval_start",
        )
    key_f = set(zip(f_day["queue"], f_day["interval_start"], strict=True))
    stray = [
        (q, t)
        for q, t, c in zip(counts["queue"], counts["interval_start"], counts["calls"], strict=True)
        if c > 0 and (q, t) not in key_f
    ]
    if stray:
        shown = ", ".join(
            f"{t:%H:%M}" + (f" ({q})" if len(f_queues) > 1 else "") for q, t in stray[:5]
        )
        raise InputError(
            f"calls in {len(stray)} interval{'s' * (len(stray) != 1)} the forecast does not "
            f"have ({shown}{', ...' if len(stray) > 5 else ''}): the forecast's intervals "
            "and the actuals' must agree",
            source=a_source,
            column="interval_start",
        )
    last_end = counts["interval_start"].max() + pd.Timedelta(seconds=interval_s)
    at_ts = last_end if at is None else _at_timestamp(at, day)
    offset = (at_ts - day).total_seconds()
    if offset % interval_s:
        raise StaffingError(
            f"`at` {at_ts:%H:%M} is not on a {interval_s / 60:g}-min interval boundary"
        )
    notes = []
    if at_ts > last_end:
        gap = f_day[(f_day["interval_start"] >= last_end) & (f_day["interval_start"] < at_ts)]
        if gap["calls"].sum() > 0:
            raise InputError(
                f"the actuals end at {last_end:%H:%M}, before `at` {at_ts:%H:%M}: give the "
                f"actuals up to {at_ts:%H:%M} or an earlier `at`",
                source=a_source,
                column="interval_start",
            )
    if at_ts < last_end:
        notes.append(f"actuals from {at_ts:%H:%M} on are not used (`at` {at_ts:%H:%M})")
    at_slot = int(offset // interval_s)
    weights = None
    if method == "shrunk" and history is not None:
        weights = _learned(history, fc, a_queues, interval_s, at_slot, weeks, cover)
    rows = []
    summary = []
    for q in a_queues:
        fq = f_day[f_day["queue"] == q]
        aq = counts[(counts["queue"] == q) & (counts["interval_start"] < at_ts)]
        morning = fq["interval_start"] < at_ts
        f_so_far = float(fq.loc[morning, "calls"].sum())
        a_so_far = float(aq["calls"].sum())
        if f_so_far <= 0:
            raise InputError(
                f"queue '{q}': the forecast has no calls before {at_ts:%H:%M}: nothing to "
                "compare the actuals with; give a later `at`",
                source=source,
            )
        ratio = a_so_far / f_so_far
        z = (a_so_far - f_so_far) / np.sqrt(f_so_far)
        fit = None
        if method == "none":
            weight, days_used = 0.0, 0
        elif method == "ratio":
            weight, days_used = 1.0, 0
        elif weights is not None:
            fit = weights[q]
            weight, days_used = fit.weight, fit.days
        else:
            c2 = DEFAULT_DAY_CV**2
            weight, days_used = c2 / (c2 + 1.0 / f_so_far), 0
        factor = 1.0 + weight * (ratio - 1.0)
        rest = fq[~morning].copy()
        rest["calls"] = rest["calls"] * factor
        if fit is not None and fit.bands is not None and fit.bands.n:
            lo, hi = fit.bands.interval(rest["calls"].to_numpy())
        elif rest[["calls_lo", "calls_hi"]].notna().all().all() and len(rest):
            lo = rest["calls_lo"].to_numpy() * factor
            hi = rest["calls_hi"].to_numpy() * factor
            p_lo, p_hi = poisson_interval(rest["calls"].to_numpy(), cover)
            lo, hi = np.minimum(lo, p_lo), np.maximum(hi, p_hi)
        else:
            lo, hi = poisson_interval(rest["calls"].to_numpy(), cover)
        rest["calls_lo"], rest["calls_hi"] = lo, hi
        rest["method"] = rest["method"].astype(str) + "+" + method
        rows.append(rest)
        summary.append(
            {
                "queue": q,
                "calls_so_far": a_so_far,
                "forecast_so_far": f_so_far,
                "ratio": ratio,
                "z": z,
                "weight": weight,
                "factor": factor,
                "days": days_used,
                "slope": fit.slope if fit is not None else np.nan,
                "slope_se": fit.se if fit is not None else np.nan,
            }
        )
    left = [q for q in f_queues if q not in a_queues]
    if left:
        notes.append(f"no actuals for queue {', '.join(left)}: left out")
    for note in notes:
        warnings.warn(note, ReforecastWarning, stacklevel=2)
    columns = ["interval_start", "queue", "calls", "aht_s", "calls_lo", "calls_hi", "method"]
    table = pd.concat(rows, ignore_index=True)[columns]
    return Reforecast(table, pd.DataFrame(summary), day, at_ts, method, notes)


def _at_timestamp(at: Any, day: pd.Timestamp) -> pd.Timestamp:
    if isinstance(at, str) and ":" in at and len(at.strip()) <= 8:
        return day + pd.Timedelta(seconds=parse_time_of_day(at, what="`at`"))
    ts = pd.Timestamp(at)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if ts.normalize() != day:
        raise StaffingError(f"`at` {ts} is not on the actuals' day, {day.date()}")
    return ts


def _learned(
    history: pd.DataFrame,
    fc: pd.DataFrame,
    queues: list[str],
    interval_s: float,
    at_slot: int,
    weeks: int,
    coverage: float,
) -> dict[str, _Fit]:
    """The ``shrunk`` weight of each queue, learned from the history's days."""
    counts = call_counts(history, interval=interval_s)
    if len(queues) == 1 and len(counts["queue"].unique()) == 1:
        counts = counts.assign(queue=queues[0])
    panel = CountPanel.from_counts(counts)
    missing = [q for q in queues if q not in panel.queues]
    if missing:
        raise InputError(
            f"the history has no queue {', '.join(repr(m) for m in missing)} to learn the "
            "reforecast weight from",
            source=panel.source,
        )
    out = {}
    origins = np.arange(7 * weeks, panel.days, dtype=np.int64)
    if origins.size == 0:
        raise InputError(
            f"the history is shorter than `weeks` {weeks} weeks: no day to learn from",
            source=panel.source,
        )
    for q in queues:
        methods = fc.loc[fc["queue"] == q, "method"].unique()
        name = methods[0] if len(methods) == 1 and methods[0] in PROFILE_METHODS else "average"
        f, y = _lead_one(panel, origins, name, weeks, panel.queues.index(q))
        out[q] = learn_weight(f, y, at_slot, coverage)
    return out


def _lead_one(
    panel: CountPanel, origins: np.ndarray, method: str, weeks: int, q: int
) -> tuple[np.ndarray, np.ndarray]:
    """Lead-1 forecasts and actuals (days, slots) of queue ``q`` for each origin day."""
    prof = recent_profiles(panel, origins, method, weeks)["calls"][q]  # (O, 7, S)
    wd = panel.weekday(origins)
    f = prof[np.arange(origins.size), wd]
    y = panel.calls[q, origins]
    ok = panel.valid[q, origins]
    f = np.where(ok[:, None], f, np.nan)
    return f, y


def _deviations(f: np.ndarray, y: np.ndarray, at_slot: int) -> tuple[np.ndarray, np.ndarray]:
    """Morning and rest-of-day deviations ``A / F - 1`` of each day (NaN where unusable)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        f_m, a_m = f[:, :at_slot].sum(1), y[:, :at_slot].sum(1)
        f_r, a_r = f[:, at_slot:].sum(1), y[:, at_slot:].sum(1)
        ok = np.isfinite(f_m + a_m + f_r + a_r) & (f_m > 0) & (f_r > 0)
        return np.where(ok, a_m / f_m - 1.0, np.nan), np.where(ok, a_r / f_r - 1.0, np.nan)


def _expanding_weights(m: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The weight learned from the days before each day (and how many there were)."""
    ok = np.isfinite(m) & np.isfinite(r)
    mm, rr = np.where(ok, m, 0.0), np.where(ok, r, 0.0)

    def before(v: np.ndarray) -> np.ndarray:
        return np.concatenate([[0.0], np.cumsum(v)[:-1]])

    n = before(ok.astype(float))
    sm, sr = before(mm), before(rr)
    smm, smr, srr = before(mm * mm), before(mm * rr), before(rr * rr)
    weights = np.zeros(m.size)
    for i in range(m.size):
        k = n[i]
        if k < MIN_DAYS:
            continue
        sxx = smm[i] - sm[i] ** 2 / k
        sxy = smr[i] - sm[i] * sr[i] / k
        syy = srr[i] - sr[i] ** 2 / k
        if sxx <= 0:
            continue
        slope = sxy / sxx
        sse = max(syy - slope * sxy, 0.0)
        weights[i] = shrunk_weight(slope, float(np.sqrt(sse / (k - 2) / sxx)))
    return weights, n.astype(int)


def reforecast_backtest(
    panel: CountPanel,
    times: list[str | float],
    bt: Backtest,
    *,
    weeks: int,
    method_of: dict[str, str],
) -> pd.DataFrame:
    """Rest-of-day WAPE of each reforecast method on the back-test's days.

    Each day of the back-test window that is data is reforecast at each time from its
    lead-1 forecast (the chosen method's, as in the back-test). ``shrunk`` uses, on each
    day, the weight learned from every earlier day of the history (against the
    ``average`` lead-1 forecast, or the chosen profile method's), so nothing of the day
    or later is used. Returned per queue and time: ``days`` scored, ``weight`` (the mean
    of the days' weights), ``learned_from`` (past days behind the last day's weight),
    ``wape_none``, ``wape_ratio``, ``wape_shrunk`` (``sum |reforecast - actual| / sum
    actual`` over the intervals from the time on).
    """
    rows: list[dict[str, Any]] = []
    if bt.origins.size == 0:
        return pd.DataFrame(rows)
    window = bt.origins
    days = np.arange(7 * weeks, int(window[-1]) + 1, dtype=np.int64)
    in_window = np.isin(days, window)
    for q, name in enumerate(panel.queues):
        f_win = bt.lead1[name]  # (O, S), the chosen method's lead-1 forecasts
        y_win = panel.calls[q, window]
        ok = panel.valid[q, window] & np.isfinite(f_win).all(axis=1)
        base = method_of.get(name, "average")
        base = base if base in PROFILE_METHODS else "average"
        f_all, y_all = _lead_one(panel, days, base, weeks, q)
        for at in times:
            seconds = parse_time_of_day(at, what="intraday time") if isinstance(at, str) else at
            at_slot = int(seconds // panel.interval_s)
            m_all, r_all = _deviations(f_all, y_all, at_slot)
            w_all, n_all = _expanding_weights(m_all, r_all)
            w_win, n_win = w_all[in_window], n_all[in_window]
            f_m = f_win[:, :at_slot].sum(1)
            use = ok & (f_m > 0)
            f, y = f_win[use], y_win[use]
            ratio = y[:, :at_slot].sum(1) / f_m[use]
            rest_f, rest_y = f[:, at_slot:], y[:, at_slot:]
            total = rest_y.sum()
            scores = {}
            for label, w in (("none", 0.0), ("ratio", 1.0), ("shrunk", w_win[use])):
                scaled = rest_f * (1.0 + w * (ratio - 1.0))[:, None]
                scores[f"wape_{label}"] = (
                    float(np.abs(scaled - rest_y).sum() / total) if total > 0 else np.nan
                )
            rows.append(
                {
                    "queue": name,
                    "at": f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}",
                    "days": int(use.sum()),
                    "weight": float(w_win[use].mean()) if use.any() else np.nan,
                    "learned_from": int(n_win[use][-1]) if use.any() else 0,
                    **scores,
                }
            )
    return pd.DataFrame(rows)
