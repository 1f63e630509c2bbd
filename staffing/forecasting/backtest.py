"""Rolling-origin back-test: every method forecast from every day of the last weeks.

From each origin day of the back-test window (by default the history's last 8 weeks,
every day) each method forecasts the next 14 days, and each forecast day that is in the
history and is data is scored against what came. The scores are

* **WAPE** (weighted absolute percentage error) = sum |forecast - actual| / sum actual,
  over the intervals of the days scored: it weighs each interval by its calls, so a
  missed quiet hour counts little, and it is defined whenever calls came;
* **bias** = (sum forecast - sum actual) / sum actual: positive is over-forecast.

Methods are compared on the same days only (the days every method could forecast), and
``auto`` picks per queue the method with the lowest WAPE over leads 1-14 (Hyndman and
Athanasopoulos 2021, section 5.10, on time-series cross-validation).

The chosen method's errors give each queue's bands per lead bucket
(:class:`~staffing.forecasting.bands.RatioBands`), checked on days they had not seen:
every :data:`CALIBRATION_STEP` days of the window from its :data:`CALIBRATION_START`-th
on, bands fitted on the targets before that day score the origins of the next
:data:`CALIBRATION_STEP` days, and the split-conformal quantile of those scores widens
the bands (:func:`~staffing.forecasting.bands.conformal_excess`; Lei et al. 2018).

References
----------
.. [1] R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and Practice*,
   3rd ed., OTexts, 2021, section 5.10. https://otexts.com/fpp3/tscv.html
.. [2] J. W. Taylor, "A comparison of univariate time series methods for forecasting
   intraday arrivals at a call center", Management Science 54(2), 2008, 253-265.
   doi:10.1287/mnsc.1070.0786
.. [3] J. Lei, M. G'Sell, A. Rinaldo, R. J. Tibshirani and L. Wasserman,
   "Distribution-free predictive inference for regression", J. Amer. Stat. Assoc.
   113(523), 2018, 1094-1111. doi:10.1080/01621459.2017.1307116
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from staffing.forecasting.bands import RatioBands, conformal_excess
from staffing.forecasting.counts import CountPanel
from staffing.forecasting.methods import method_forecasts, recent_profiles

__all__ = [
    "BACKTEST_COLUMNS",
    "CALIBRATION_START",
    "CALIBRATION_STEP",
    "LEAD_BUCKETS",
    "Backtest",
    "bucket_of",
    "run_backtest",
]

#: Lead buckets of the back-test table: (label, first lead, last lead) [days].
LEAD_BUCKETS: tuple[tuple[str, int, int], ...] = (("1", 1, 1), ("2-7", 2, 7), ("8-14", 8, 14))
#: Days of the back-test window before its first conformal cut [days].
CALIBRATION_START = 14
#: Days between conformal cuts, and origins each cut's bands score [days].
CALIBRATION_STEP = 7
#: Columns of the rolling-origin errors (one row per origin, lead, queue and method).
BACKTEST_COLUMNS: tuple[str, ...] = (
    "origin",
    "lead",
    "queue",
    "method",
    "calls",
    "forecast",
    "wape",
    "bias",
)


def bucket_of(lead: np.ndarray) -> np.ndarray:
    """Lead bucket index (0: day 1, 1: days 2-7, 2: days 8 and later) of each lead [days].

    Examples
    --------
    >>> bucket_of(np.array([1, 2, 7, 8, 30])).tolist()
    [0, 1, 1, 2, 2]
    """
    lead = np.asarray(lead)
    return np.where(lead <= 1, 0, np.where(lead <= 7, 1, 2))


@dataclass
class Backtest:
    """The back-test's forecasts, actuals, scores and each queue's choice.

    Attributes
    ----------
    origins : ndarray of int
        Origin day indices of the panel.
    errors : DataFrame
        :data:`BACKTEST_COLUMNS`, one row per origin, lead, queue and method scored.
    table : DataFrame
        Per queue and method: ``wape_1``, ``wape_2_7``, ``wape_8_14``, ``wape`` (leads
        1-14), ``bias``, ``days`` (forecast days scored) and ``chosen``.
    choice : dict
        Queue -> the method with the lowest WAPE.
    bands : dict
        (queue, bucket) -> :class:`RatioBands` of the chosen method.
    """

    origins: np.ndarray
    errors: pd.DataFrame
    table: pd.DataFrame
    choice: dict[str, str]
    bands: dict[tuple[str, int], RatioBands] = field(default_factory=dict)
    lead1: dict[str, np.ndarray] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def run_backtest(
    panel: CountPanel,
    methods: tuple[str, ...],
    *,
    weeks: int,
    end: int,
    window_weeks: int = 8,
    leads: int = 14,
    coverage: float = 0.8,
    fitted: dict[int, object] | None = None,
) -> Backtest:
    """Forecast every day of the window from every origin by every method, and score it.

    Parameters
    ----------
    panel : CountPanel
    methods : tuple of str
        Methods to compare.
    weeks : int
        Same weekdays the profile methods average.
    end : int
        Day index after the last day of data to use (the forecast's own origin).
    window_weeks : int, default 8
        Origins are every day of the last ``window_weeks`` weeks before ``end`` that have
        ``weeks`` weeks of history behind them.
    leads : int, default 14
        Days ahead of each origin.
    coverage : float, default 0.8
        Central coverage of the bands fitted to the chosen method's errors.
    fitted : dict, optional
        Filled with the ``ets`` parameters per queue index, for the forecast to reuse.

    Returns
    -------
    Backtest
    """
    first = max(end - 7 * window_weeks, 7 * weeks)
    origins = np.arange(first, end, dtype=np.int64)
    queues = panel.queues
    n_q = len(queues)
    empty = pd.DataFrame(columns=list(BACKTEST_COLUMNS))
    if origins.size == 0:
        return Backtest(origins, empty, _table([], methods), dict.fromkeys(queues, methods[0]))
    target = origins[:, None] + np.arange(leads)[None, :]  # (O, L)
    inside = target < end
    tgt = np.clip(target, 0, panel.days - 1)
    actual = panel.calls[:, tgt]  # (Q, O, L, S)
    scored = panel.valid[:, tgt] & inside[None]  # (Q, O, L)
    profiles = recent_profiles(panel, origins, "average", weeks)
    forecasts: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for method in methods:
        f, said = method_forecasts(
            panel,
            method,
            origins,
            leads,
            weeks=weeks,
            fit_before=int(origins[0]),
            profiles=profiles,
            fitted=fitted,
        )
        forecasts[method] = f
        notes += said
    day_f = {m: np.nansum(f, axis=-1) for m, f in forecasts.items()}
    finite = {m: np.isfinite(f).any(axis=-1) for m, f in forecasts.items()}
    # per queue: methods with any forecast on a scored day; compare on common days
    available = {q: [m for m in methods if (finite[m][q] & scored[q]).any()] for q in range(n_q)}
    common = np.zeros_like(scored)
    for q in range(n_q):
        mask = scored[q].copy()
        for m in available[q]:
            mask &= finite[m][q]
        common[q] = mask
    day_y = np.nansum(actual, axis=-1)
    lead_no = np.broadcast_to(np.arange(1, leads + 1)[None, None, :], scored.shape)
    bucket = bucket_of(lead_no)
    rows = []
    table_rows = []
    choice: dict[str, str] = {}
    origin_dates = panel.date(origins)
    abs_err: dict[str, np.ndarray] = {}
    for m in methods:
        with np.errstate(invalid="ignore"):
            abs_err[m] = np.nansum(np.abs(forecasts[m] - actual), axis=-1)
    for q in range(n_q):
        best, best_wape = None, np.inf
        for m in available[q]:
            mask = common[q]
            ae, fy, yy = abs_err[m][q], day_f[m][q], day_y[q]
            scores = {}
            for b, (label, _, _) in enumerate(LEAD_BUCKETS):
                sel = mask & (bucket[q] == b)
                scores[f"wape_{label.replace('-', '_')}"] = _ratio(ae[sel].sum(), yy[sel].sum())
            total_y = yy[mask].sum()
            wape = _ratio(ae[mask].sum(), total_y)
            bias = _ratio(fy[mask].sum() - total_y, total_y)
            table_rows.append(
                {
                    "queue": queues[q],
                    "method": m,
                    **scores,
                    "wape": wape,
                    "bias": bias,
                    "days": int(mask.sum()),
                }
            )
            if np.isfinite(wape) and wape < best_wape - 1e-12:
                best, best_wape = m, wape
            o_idx, l_idx = np.nonzero(mask)
            with np.errstate(invalid="ignore", divide="ignore"):
                rows.append(
                    pd.DataFrame(
                        {
                            "origin": pd.to_datetime(origin_dates[o_idx]),
                            "lead": l_idx + 1,
                            "queue": queues[q],
                            "method": m,
                            "calls": yy[o_idx, l_idx],
                            "forecast": fy[o_idx, l_idx],
                            "wape": ae[o_idx, l_idx] / yy[o_idx, l_idx],
                            "bias": (fy[o_idx, l_idx] - yy[o_idx, l_idx]) / yy[o_idx, l_idx],
                        }
                    )
                )
        choice[queues[q]] = best if best is not None else (available[q] or [methods[0]])[0]
    errors = (
        pd.concat(rows, ignore_index=True)
        .sort_values(["queue", "method", "origin", "lead"], kind="stable")
        .reset_index(drop=True)
        if rows
        else empty
    )
    table = _table(table_rows, methods)
    table["chosen"] = [
        choice.get(q) == m for q, m in zip(table["queue"], table["method"], strict=True)
    ]
    bands: dict[tuple[str, int], RatioBands] = {}
    lead1: dict[str, np.ndarray] = {}
    for q in range(n_q):
        m = choice[queues[q]]
        f = forecasts[m][q]  # (O, L, S)
        unseen = _rolling_scores(f, actual[q], common[q], bucket[q], origins, end, coverage)
        for b in range(len(LEAD_BUCKETS)):
            sel = common[q] & (bucket[q] == b)
            band = RatioBands.fit(f[sel].ravel(), actual[q][sel].ravel(), coverage)
            bands[(queues[q], b)] = replace(band, excess=conformal_excess(unseen[b], coverage))
        lead1[queues[q]] = f[:, 0, :]
    return Backtest(origins, errors, table, choice, bands, lead1, notes)


def _rolling_scores(
    f: np.ndarray,
    y: np.ndarray,
    common: np.ndarray,
    bucket: np.ndarray,
    origins: np.ndarray,
    end: int,
    coverage: float,
) -> list[np.ndarray]:
    """Scores of each lead bucket's intervals by bands fitted on the targets before.

    ``f`` and ``y`` are one queue's forecasts and actuals (origin, lead, slot), ``common``
    and ``bucket`` its scored days and lead buckets (origin, lead). Cuts every
    :data:`CALIBRATION_STEP` days from :data:`CALIBRATION_START` days into the window;
    a cut's bands need targets on a week of days before it.
    """
    target = origins[:, None] + np.arange(f.shape[1])[None, :]
    out: list[list[np.ndarray]] = [[] for _ in LEAD_BUCKETS]
    ok = np.isfinite(f) & np.isfinite(y) & (f > 0)
    for cut in range(int(origins[0]) + CALIBRATION_START, end, CALIBRATION_STEP):
        before = common & (target < cut)
        after = common & (origins[:, None] >= cut) & (origins[:, None] < cut + CALIBRATION_STEP)
        for b in range(len(LEAD_BUCKETS)):
            fit_sel = before & (bucket == b)
            test = after & (bucket == b)
            if not test.any() or np.unique(target[fit_sel]).size < 7:
                continue
            band = RatioBands.fit(f[fit_sel].ravel(), y[fit_sel].ravel(), coverage)
            keep = ok[test]
            out[b].append(band.score(f[test][keep], y[test][keep]))
    return [np.concatenate(s) if s else np.empty(0) for s in out]


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else float("nan")


def _table(rows: list[dict[str, object]], methods: tuple[str, ...]) -> pd.DataFrame:
    columns = ["queue", "method", "wape_1", "wape_2_7", "wape_8_14", "wape", "bias", "days"]
    table = pd.DataFrame(rows, columns=columns)
    if not table.empty:
        order = {m: i for i, m in enumerate(methods)}
        table = table.sort_values(
            ["queue", "method"],
            key=lambda s: s.map(order) if s.name == "method" else s,
            kind="stable",
        ).reset_index(drop=True)
    table["chosen"] = False
    return table
