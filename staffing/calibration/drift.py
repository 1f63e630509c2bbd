"""Drift between periods.

Did patience, or the abandon/service-level relation, move by more than chance?

Patience fits of each period are compared with a likelihood-ratio test of one common
exponential rate, and consecutive periods with the exact conditional test of two Poisson
rates. Relation fits of each period are compared with a quasi-likelihood F test of one
common relation against one per period.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import special

from staffing.calibration.patience import period_labels
from staffing.calibration.relation import RelationFitter, RelationWarning
from staffing.errors import InputError

__all__ = [
    "PATIENCE_CHANGE_COLUMNS",
    "PATIENCE_DRIFT_COLUMNS",
    "RELATION_PERIOD_COLUMNS",
    "patience_changes",
    "patience_drift",
    "relation_by_period",
    "relation_drift",
]

#: Columns of :func:`patience_drift`.
PATIENCE_DRIFT_COLUMNS = ["queue", "periods", "statistic", "df", "p_value", "moved"]
#: Columns of :func:`patience_changes`.
PATIENCE_CHANGE_COLUMNS = [
    "queue",
    "period_from",
    "period_to",
    "patience_from_s",
    "patience_to_s",
    "ratio",
    "ratio_ci_low",
    "ratio_ci_high",
    "p_value",
    "moved",
]
#: Columns of :func:`relation_by_period`.
RELATION_PERIOD_COLUMNS = [
    "period",
    "intervals",
    "calls",
    "abandons",
    "intercept",
    "slope",
    "sl_for_abandon_target",
    "sl_ci_low",
    "sl_ci_high",
]


def _usable(by_period: pd.DataFrame) -> pd.DataFrame:
    """Periods with a known exposure: ``exposure_s`` (or ``patience x abandons``)."""
    df = by_period.copy()
    exposure = df["exposure_s"].to_numpy(dtype=float)
    implied = df["patience_s"].to_numpy(dtype=float) * df["abandons"].to_numpy(dtype=float)
    df["exposure_s"] = np.where(np.isfinite(exposure), exposure, implied)
    return df[np.isfinite(df["exposure_s"]) & (df["exposure_s"] > 0)]


def patience_drift(by_period: pd.DataFrame, *, level: float = 0.05) -> pd.DataFrame:
    """Likelihood-ratio test, per queue, that patience was the same in every period.

    Parameters
    ----------
    by_period : DataFrame
        :attr:`~staffing.calibration.PatienceFitter.summary` of a fit with ``by`` set
        (columns ``queue``, ``period``, ``abandons``, ``exposure_s``, ``patience_s``).
    level : float, default 0.05
        Significance level for ``moved``.

    Returns
    -------
    DataFrame
        Columns of :data:`PATIENCE_DRIFT_COLUMNS`: number of periods, the statistic
        ``G``, its degrees of freedom, the p-value and ``moved`` (p < level). Queues with
        fewer than two usable periods are left out.

    Notes
    -----
    With ``d_i`` abandons and exposure ``T_i`` in period ``i`` the exponential
    log-likelihood is ``d_i log(lambda_i) - lambda_i T_i``; against one common rate
    ``lambda = sum d / sum T`` the statistic is ``G = 2 sum d_i log(lambda_i / lambda)``,
    approximately chi-square with ``k - 1`` degrees of freedom (Cox and Lewis 1966,
    chapter 3; Lawless 2003, section 3.2).

    References
    ----------
    .. [1] D. R. Cox and P. A. W. Lewis, *The Statistical Analysis of Series of Events*,
       Methuen, 1966. doi:10.1007/978-94-011-7801-3
    .. [2] J. F. Lawless, *Statistical Models and Methods for Lifetime Data*, 2nd ed.,
       Wiley, 2003. doi:10.1002/9781118033005

    Examples
    --------
    >>> s = pd.DataFrame({"queue": ["q", "q"], "period": ["2024Q1", "2024Q2"],
    ...                   "abandons": [100.0, 150.0], "exposure_s": [12000.0, 12000.0],
    ...                   "patience_s": [120.0, 80.0]})
    >>> r = patience_drift(s)
    >>> round(float(r["statistic"].iloc[0]), 3), bool(r["moved"].iloc[0])
    (10.068, True)
    """
    rows = []
    for queue, g in _usable(by_period).groupby("queue", sort=True):
        if len(g) < 2:
            continue
        d = g["abandons"].to_numpy(dtype=float)
        t = g["exposure_s"].to_numpy(dtype=float)
        lam = d.sum() / t.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(d > 0, d * np.log(d / t / lam), 0.0)
        g_stat = float(2.0 * terms.sum())
        df = len(g) - 1
        p = float(special.chdtrc(df, g_stat))  # chi-square survival function
        rows.append((queue, len(g), g_stat, df, p, p < level))
    return pd.DataFrame(rows, columns=PATIENCE_DRIFT_COLUMNS)


def patience_changes(
    by_period: pd.DataFrame, *, confidence: float = 0.95, level: float = 0.05
) -> pd.DataFrame:
    """Change of patience from each period to the next, per queue, with an exact test.

    Parameters
    ----------
    by_period : DataFrame
        :attr:`~staffing.calibration.PatienceFitter.summary` of a fit with ``by`` set.
    confidence : float, default 0.95
        Confidence level of the ratio's interval.
    level : float, default 0.05
        Significance level for ``moved``.

    Returns
    -------
    DataFrame
        Columns of :data:`PATIENCE_CHANGE_COLUMNS`; ``ratio`` is
        ``patience_to / patience_from``.

    Notes
    -----
    Given the total ``d_1 + d_2`` abandons, ``d_2`` is binomial with success probability
    ``pi = T_2 lambda_2 / (T_1 lambda_1 + T_2 lambda_2)``, which depends only on the rate
    ratio; testing ``pi = T_2 / (T_1 + T_2)`` (equal rates) and inverting the
    Clopper–Pearson interval of ``pi`` gives an exact test and interval for the ratio of
    patience (Przyborowski and Wilenski 1940).

    References
    ----------
    .. [1] J. Przyborowski and H. Wilenski, "Homogeneity of results in testing samples
       from Poisson series", Biometrika 31(3/4), 1940, 313-323. doi:10.2307/2332612

    Examples
    --------
    >>> s = pd.DataFrame({"queue": ["q", "q"], "period": ["2024Q1", "2024Q2"],
    ...                   "abandons": [100.0, 150.0], "exposure_s": [12000.0, 12000.0],
    ...                   "patience_s": [120.0, 80.0]})
    >>> r = patience_changes(s)
    >>> r[["ratio", "ratio_ci_low", "ratio_ci_high"]].round(3).to_numpy().tolist()
    [[0.667, 0.512, 0.864]]
    """
    rows = []
    for queue, g in _usable(by_period).sort_values(["queue", "period"]).groupby("queue"):
        periods = g["period"].astype(str).to_numpy()
        theta = g["patience_s"].to_numpy(dtype=float)
        abandons = g["abandons"].to_numpy(dtype=float)
        exposure = g["exposure_s"].to_numpy(dtype=float)
        for i in range(len(g) - 1):
            d1, d2 = abandons[i], abandons[i + 1]
            t1, t2 = exposure[i], exposure[i + 1]
            total = round(d1 + d2)
            if total == 0:
                continue
            from scipy import stats  # binomtest: scipy.stats is slow to import

            test = stats.binomtest(round(d2), total, t2 / (t1 + t2))
            ci = test.proportion_ci(confidence_level=confidence, method="exact")

            # patience ratio theta2/theta1 = lambda1/lambda2 = (1 - pi)/pi * T2/T1
            def ratio(pi: float, t1: float = t1, t2: float = t2) -> float:
                if pi <= 0:
                    return float("inf")
                return (1.0 - pi) / pi * t2 / t1

            est = ratio(d2 / total)
            rows.append(
                (
                    queue,
                    periods[i],
                    periods[i + 1],
                    float(theta[i]),
                    float(theta[i + 1]),
                    est,
                    ratio(ci.high),
                    ratio(ci.low),
                    float(test.pvalue),
                    float(test.pvalue) < level,
                )
            )
    return pd.DataFrame(rows, columns=PATIENCE_CHANGE_COLUMNS)


def relation_by_period(
    history: pd.DataFrame,
    by: str,
    *,
    abandon_target: float | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The abandon/service-level relation fitted separately in each period.

    Parameters
    ----------
    history : DataFrame
        Interval history.
    by : {"month", "quarter"}
    abandon_target : float, optional
        If given, each period's service level for this abandon rate and its interval.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        Columns of :data:`RELATION_PERIOD_COLUMNS`; periods whose relation cannot be
        fitted (too few intervals, no abandons) are left out.
    """
    labels = period_labels(history["interval_start"], by)
    rows = []
    for period in sorted(labels.unique()):
        part = history[labels.to_numpy() == period]
        part.attrs = dict(history.attrs)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RelationWarning)
                fit = RelationFitter(confidence=confidence).fit(part)
        except InputError:
            continue
        sl = lo = hi = float("nan")
        if abandon_target is not None:
            sl, lo, hi = fit.service_level_for(abandon_target)
        rows.append(
            (
                period,
                fit.intervals_,
                fit.calls_,
                fit.abandons_,
                fit.intercept_,
                fit.slope_,
                sl,
                lo,
                hi,
            )
        )
    return pd.DataFrame(rows, columns=RELATION_PERIOD_COLUMNS)


def relation_drift(history: pd.DataFrame, by: str, *, level: float = 0.05) -> dict[str, float]:
    """Quasi-likelihood F test: one relation for all periods against one per period.

    Parameters
    ----------
    history : DataFrame
        Interval history.
    by : {"month", "quarter"}
    level : float, default 0.05

    Returns
    -------
    dict
        ``periods``, ``statistic`` (F), ``df_num``, ``df_den``, ``p_value`` and ``moved``;
        empty when fewer than two periods can be fitted.

    Notes
    -----
    ``F = ((D_common - sum D_period) / (2(k - 1))) / phi`` with ``phi`` the Pearson
    dispersion of the per-period fits (floored at 1), referred to ``F(2(k-1), m - 2k)``
    for ``m`` intervals and ``k`` periods (McCullagh and Nelder 1989, section 4.5.2).

    References
    ----------
    .. [1] P. McCullagh and J. A. Nelder, *Generalized Linear Models*, 2nd ed., Chapman and
       Hall, 1989. doi:10.1007/978-1-4899-3242-6
    """
    labels = period_labels(history["interval_start"], by).to_numpy()
    fits: list[RelationFitter] = []
    used = np.zeros(len(history), dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RelationWarning)
        for period in sorted(set(labels)):
            mask = labels == period
            try:
                fits.append(RelationFitter().fit(history[mask]))
            except InputError:
                continue
            used |= mask
        if len(fits) < 2:
            return {}
        common = RelationFitter().fit(history[used])
    k = len(fits)
    m = sum(f.intervals_ for f in fits)
    df_num = 2 * (k - 1)
    df_den = m - 2 * k
    if df_den <= 0:
        return {}
    pearson = sum(f.pearson_ for f in fits)
    phi = max(pearson / df_den, 1.0)
    delta = common.deviance_ - sum(f.deviance_ for f in fits)
    f_stat = max(delta, 0.0) / df_num / phi
    p = float(special.fdtrc(df_num, df_den, f_stat))  # F survival function
    return {
        "periods": float(k),
        "statistic": float(f_stat),
        "df_num": float(df_num),
        "df_den": float(df_den),
        "p_value": p,
        "moved": bool(p < level),
    }
