"""The forecasting methods, each made from a day's origin on a :class:`CountPanel`.

An **origin** is a day index: a forecast made at origin ``o`` knows every day before ``o``
and nothing of ``o`` or later; its lead-1 day is ``o`` itself. Every method returns, for
many origins at once, the calls of each slot of each day ahead, as an array
``queue x origin x lead x slot``, so the back-test and the forecast are one computation.

* ``average``: per slot, the mean of the same weekday over the last ``weeks`` weeks
  that are data (a holiday or a gap is skipped, and an older week taken instead);
* ``median``: the same with the median (robust to one odd week);
* ``naive``: the last same weekday that is data (the same interval one week earlier);
* ``ets``: the day's total from exponential smoothing, spread over the day by the
  ``average`` profile (see :func:`ets_daily`).

Weeks are looked for in the last ``2 x weeks`` weeks only: a weekday without a single day
of data there is closed, so a weekday the centre stopped opening is not brought back from
an old week. Opening hours come from the same weeks: an interval with no calls on any of
them is closed.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from staffing.forecasting.counts import CountPanel

__all__ = [
    "METHODS",
    "PROFILE_METHODS",
    "ets_available",
    "ets_daily",
    "method_forecasts",
    "recent_days",
    "recent_profiles",
]

#: Methods taken from the panel alone: an average of recent same weekdays.
PROFILE_METHODS: tuple[str, ...] = ("average", "median", "naive")
#: Every method, in the order tables show them.
METHODS: tuple[str, ...] = (*PROFILE_METHODS, "ets")


def ets_available() -> bool:
    """Whether the ``ets`` method can run (statsmodels is installed)."""
    try:
        import statsmodels.tsa.holtwinters  # noqa: F401
    except ImportError:
        return False
    return True


def recent_days(panel: CountPanel, origins: np.ndarray, k: int, window_weeks: int) -> np.ndarray:
    """Day indices of the last ``k`` days that are data of each weekday before each origin.

    Parameters
    ----------
    panel : CountPanel
    origins : ndarray of int
        Origin day indices.
    k : int
        Days wanted per weekday.
    window_weeks : int
        How far back to look [weeks].

    Returns
    -------
    ndarray (queues, origins, 7, k) of int
        Oldest first; -1 where fewer than ``k`` days are found.
    """
    origins = np.asarray(origins, dtype=np.int64)
    n_q = len(panel.queues)
    out = np.full((n_q, origins.size, 7, k), -1, dtype=np.int64)
    weekday = panel.weekday(np.arange(panel.days))
    for w in range(7):
        days_w = np.flatnonzero(weekday == w)
        if days_w.size == 0:
            continue
        v = panel.valid[:, days_w]
        before = np.searchsorted(days_w, origins)  # weekday-w days before each origin
        ranks = np.concatenate([np.zeros((n_q, 1), np.int64), np.cumsum(v, axis=1)], axis=1)
        count = ranks[:, before]  # (Q, O) days that are data before each origin
        order = np.argsort(~v, axis=1, kind="stable")  # positions of data days, in order
        earliest = origins[None, :] - 7 * window_weeks
        for j in range(k):
            m = count - k + j
            pos = np.take_along_axis(order, np.clip(m, 0, None), axis=1)
            day = days_w[pos]
            ok = (m >= 0) & (day >= earliest)
            out[:, :, w, j] = np.where(ok, day, -1)
    return out


def _gather(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``values[q, idx[q, ...], :]`` with NaN where ``idx`` is -1: (Q, O, 7, k, S)."""
    q = np.arange(values.shape[0]).reshape((-1,) + (1,) * (idx.ndim - 1))
    got = values[q, np.clip(idx, 0, None)]
    got[idx < 0] = np.nan
    return got


def recent_profiles(
    panel: CountPanel, origins: np.ndarray, method: str, weeks: int
) -> dict[str, np.ndarray]:
    """Each weekday's calls per slot by a profile method, from each origin.

    Returns
    -------
    dict
        ``calls`` (Q, O, 7, S): the method's forecast (NaN where no day of the weekday is
        found); ``open`` (Q, O, 7, S) bool: slots with calls on any of the ``weeks`` days;
        ``share`` (Q, O, 7, S): the average profile as shares of the day;
        ``aht_s`` (Q, O, 7, S): the calls-weighted handle time (NaN where unknown);
        ``used`` (Q, O, 7): days found (at most ``weeks``).
    """
    idx = recent_days(panel, origins, weeks, 2 * weeks)
    calls = _gather(panel.calls, idx)  # (Q, O, 7, k, S)
    found = idx >= 0
    used = found.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(found[..., None], calls, 0.0).sum(axis=3)
        mean = total / used[..., None]
        if method == "average":
            value = mean
        elif method == "median":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                value = np.nanmedian(calls, axis=3)
        elif method == "naive":
            last = np.where(found.any(axis=-1), (found * np.arange(1, weeks + 1)).argmax(-1), 0)
            value = np.take_along_axis(calls, last[..., None, None], axis=3)[:, :, :, 0]
        else:
            raise ValueError(f"not a profile method: {method!r}")
        handle = np.where(found[..., None], _gather(panel.handle, idx), 0.0).sum(axis=3)
        weight = np.where(found[..., None], _gather(panel.weight, idx), 0.0).sum(axis=3)
        aht = np.where(weight > 0, handle / weight, np.nan)
        day_total = total.sum(axis=-1, keepdims=True)
        share = np.where(day_total > 0, total / day_total, 0.0)
    value = np.where(used[..., None] > 0, value, np.nan)
    return {
        "calls": value,
        "open": total > 0,
        "share": share,
        "aht_s": aht,
        "used": used,
    }


def _by_lead(per_weekday: np.ndarray, panel: CountPanel, origins: np.ndarray, leads: int) -> Any:
    """(Q, O, 7, ...) -> (Q, O, L, ...): each lead's day takes its weekday's row."""
    target = np.asarray(origins)[:, None] + np.arange(leads)[None, :]  # (O, L)
    wd = panel.weekday(target)
    o = np.arange(len(origins))[:, None]
    return per_weekday[:, o, wd]


#: The ``ets`` parameters are estimated on at most this many weeks of open days.
_FIT_SEASONS = 52


def _daily_series(panel: CountPanel, q: int, open_days: np.ndarray, weeks: int) -> Any:
    """The log daily totals of queue ``q`` over the open weekdays, gaps filled.

    A day that is not data is filled with the mean log total of the last ``weeks`` same
    weekdays that are (so it moves no state far); the series starts on the first day
    after which every open weekday has been seen.
    """
    days = np.arange(panel.days)
    keep = np.isin(panel.weekday(days), open_days)
    days = days[keep]
    valid = panel.valid[q, days]
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log(np.nansum(panel.calls[q, days], axis=1))
    y = np.where(valid, y, np.nan)
    wd = panel.weekday(days)
    seen = np.zeros(7, bool)
    start = None
    for i, (w, ok) in enumerate(zip(wd, valid, strict=True)):
        seen[w] |= ok
        if seen[open_days].all():
            start = i
            break
    if start is None:
        return None, None
    start = max(start - len(open_days) + 1, 0)
    days, y, wd, valid = days[start:], y[start:], wd[start:], valid[start:]
    history: dict[int, list[float]] = {int(w): [] for w in open_days}
    for i in range(len(y)):
        w = int(wd[i])
        if valid[i]:
            history[w].append(float(y[i]))
        else:
            recent = history[w][-weeks:] or [v for h in history.values() for v in h[-1:]]
            y[i] = float(np.mean(recent)) if recent else np.nan
    if np.isnan(y).any():  # a weekday with no data before its first gap
        first = np.flatnonzero(np.isfinite(y))
        y[: first[0]] = y[first[0]]
    return days, y


def ets_daily(
    panel: CountPanel,
    origins: np.ndarray,
    leads: int,
    *,
    fit_before: int,
    open_days: list[np.ndarray],
    weeks: int,
    fitted: dict[int, Any] | None = None,
) -> tuple[np.ndarray, list[str]]:
    r"""Daily totals from exponential smoothing on the log scale, from each origin.

    Parameters
    ----------
    panel : CountPanel
    origins : ndarray of int
        Origin day indices.
    leads : int
        Days ahead of each origin.
    fit_before : int
        The parameters are estimated on the days before this index only; the states are
        then run through every day with those parameters, so the forecast from an origin
        uses nothing from that origin on.
    open_days : list of ndarray
        Per queue, the weekdays the centre opens.
    weeks : int
        Weeks behind each gap filled in.
    fitted : dict, optional
        Queue index -> parameters already estimated (filled in as queues are fitted), so
        the forecast reuses the back-test's estimates. The parameters are estimated on at
        most the last 52 weeks of open days before ``fit_before``, and the states run
        from the start of those weeks.

    Returns
    -------
    totals : ndarray (queues, origins, leads)
        NaN where the model could not be fitted (too short a history) or the day is closed.
    notes : list of str
        Queues the method left out, and why.

    Notes
    -----
    The model is additive Holt-Winters exponential smoothing with a level and a weekday
    season (ETS(A,N,A)) on the logarithm of each open day's calls, one season per open
    weekday, fitted by statsmodels' ``ExponentialSmoothing``: the initial level and
    season from a decomposition of the first weeks (its heuristic initialisation), the
    smoothing weights by least squares (Hyndman et al. 2008, ch. 2-3). Its h-step
    forecast from the last state is
    :math:`\\ell_t + s_{t+h-m(k+1)}` with :math:`k = \\lfloor (h-1)/m \\rfloor`. On the log
    scale the forecast is the median day, which is what a WAPE rewards. Days that are not
    data are filled before fitting (:func:`_daily_series`). Trends are left out: over
    days and weeks they add error more often than they remove it (Taylor 2008).

    References
    ----------
    .. [1] R. J. Hyndman, A. B. Koehler, J. K. Ord and R. D. Snyder, *Forecasting with
       Exponential Smoothing: The State Space Approach*, Springer, 2008.
       doi:10.1007/978-3-540-71918-2
    .. [2] J. W. Taylor, "A comparison of univariate time series methods for forecasting
       intraday arrivals at a call center", Management Science 54(2), 2008, 253-265.
       doi:10.1287/mnsc.1070.0786
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    origins = np.asarray(origins, dtype=np.int64)
    n_q = len(panel.queues)
    out = np.full((n_q, origins.size, leads), np.nan)
    notes: list[str] = []
    target = origins[:, None] + np.arange(leads)[None, :]  # (O, L)
    for q in range(n_q):
        opened = np.asarray(open_days[q], dtype=np.int64)
        if opened.size == 0:
            continue
        days, y = _daily_series(panel, q, opened, weeks)
        m = opened.size
        if days is None or np.searchsorted(days, fit_before) < max(4 * m, 14):
            notes.append(
                f"queue '{panel.queues[q]}': too little history before the back-test for "
                "ets (4 weeks of open days needed); not used"
            )
            continue
        n_fit = int(np.searchsorted(days, fit_before))
        # at most a year of open days is fitted, and the states run from its start
        first = max(n_fit - _FIT_SEASONS * m, 0)
        days, y, n_fit = days[first:], y[first:], n_fit - first
        first = 0
        kwargs: dict[str, Any] = (
            {"seasonal": "add", "seasonal_periods": m} if m >= 2 else {"seasonal": None}
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fitted is not None and q in fitted:
                p = fitted[q]
            else:
                p = (
                    ExponentialSmoothing(
                        y[first:n_fit], initialization_method="heuristic", **kwargs
                    )
                    .fit()
                    .params
                )
                if fitted is not None:
                    fitted[q] = p
            known: dict[str, Any] = {"initial_level": p["initial_level"]}
            if m >= 2:
                known["initial_seasonal"] = p["initial_seasons"]
            run = ExponentialSmoothing(y, initialization_method="known", **kwargs, **known).fit(
                smoothing_level=p["smoothing_level"],
                smoothing_seasonal=p["smoothing_seasonal"] if m >= 2 else None,
                optimized=False,
            )
        level = np.asarray(run.level, dtype=float)
        season = np.asarray(run.season, dtype=float) if m >= 2 else np.zeros_like(level)
        # positions of the open days on the series' own axis, past its end too
        last_day = int(days[-1])
        extra_days = np.arange(last_day + 1, int(target.max()) + 1)
        extra_days = extra_days[np.isin(panel.weekday(extra_days), opened)]
        all_days = np.concatenate([days, extra_days])
        pos_o = np.searchsorted(all_days, origins)  # series days before each origin
        t = pos_o - 1  # last state
        pos_t = np.searchsorted(all_days, target)
        is_open = (pos_t < all_days.size) & (
            all_days[np.clip(pos_t, 0, all_days.size - 1)] == target
        )
        h = pos_t - t[:, None]
        usable = is_open & (t[:, None] >= 0) & (t[:, None] < days.size) & (h >= 1)
        h = np.where(usable, h, 1)
        tt = np.clip(t, 0, days.size - 1)[:, None]
        s_idx = tt + h - m * ((h - 1) // m + 1) if m >= 2 else tt
        log_total = level[tt] + season[np.clip(s_idx, 0, days.size - 1)]
        out[q] = np.where(usable, np.exp(log_total), np.nan)
    return out, notes


def method_forecasts(
    panel: CountPanel,
    method: str,
    origins: np.ndarray,
    leads: int,
    *,
    weeks: int,
    fit_before: int | None = None,
    profiles: dict[str, np.ndarray] | None = None,
    fitted: dict[int, Any] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Calls per slot of each lead's day from each origin, by one method.

    Parameters
    ----------
    panel : CountPanel
    method : {"average", "median", "naive", "ets"}
    origins : ndarray of int
    leads : int
    weeks : int
        Same weekdays averaged (``average``, ``median``; the profile ``ets`` spreads its
        day total by).
    fit_before : int, optional
        ``ets``: estimate on the days before this index (default the first origin).
    profiles : dict, optional
        The ``average`` profiles from these origins, if already computed.
    fitted : dict, optional
        ``ets``: parameters per queue index, reused where present and filled in.

    Returns
    -------
    forecasts : ndarray (queues, origins, leads, slots)
        NaN where the method has nothing to go on.
    notes : list of str
    """
    origins = np.asarray(origins, dtype=np.int64)
    if method in PROFILE_METHODS:
        prof = recent_profiles(panel, origins, method, weeks)
        return _by_lead(prof["calls"], panel, origins, leads), []
    if method != "ets":
        raise ValueError(f"unknown method {method!r}")
    base = profiles if profiles is not None else recent_profiles(panel, origins, "average", weeks)
    last = np.array([panel.days])
    recent = recent_profiles(panel, last, "average", weeks)["used"][:, 0]  # (Q, 7)
    open_days = [np.flatnonzero(recent[q] > 0) for q in range(len(panel.queues))]
    totals, notes = ets_daily(
        panel,
        origins,
        leads,
        fit_before=int(origins.min()) if fit_before is None else fit_before,
        open_days=open_days,
        weeks=weeks,
        fitted=fitted,
    )
    share = _by_lead(base["share"], panel, origins, leads)
    return totals[..., None] * share, notes
