"""Back-test: how well Erlang C and Erlang A predicted what really happened.

For every historical interval with calls, an AHT and staffed agents, both models predict
the service level and the abandon rate from the interval's own calls, AHT and agents;
the predictions are compared with what the ACD recorded.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from staffing.errors import InputError

__all__ = ["BACKTEST_COLUMNS", "BACKTEST_SUMMARY_COLUMNS", "BackTest", "BackTestFitter"]

#: Columns of :attr:`BackTestFitter.intervals_`.
BACKTEST_COLUMNS = [
    "interval_start",
    "queue",
    "offered",
    "aht_s",
    "agents",
    "patience_s",
    "observed_service_level",
    "observed_abandon_rate",
    "erlang_c_service_level",
    "erlang_c_abandon_rate",
    "erlang_a_service_level",
    "erlang_a_abandon_rate",
]
#: Columns of :attr:`BackTestFitter.summary`.
BACKTEST_SUMMARY_COLUMNS = ["model", "measure", "mae", "bias", "rmse", "intervals", "calls"]


class BackTestFitter:
    """Predict each interval with Erlang C and Erlang A; report volume-weighted error.

    Parameters
    ----------
    threshold_s : float, optional
        Service-level threshold [s]; default ``history.attrs["threshold_s"]`` (or 20).
    fill_aht : bool, default True
        Intervals without an AHT of their own (no answered call) take their queue's
        call-weighted mean AHT, so that the worst intervals are not silently dropped.

    Attributes
    ----------
    intervals_ : DataFrame
        Columns of :data:`BACKTEST_COLUMNS`, one row per interval back-tested.
    summary : DataFrame
        Columns of :data:`BACKTEST_SUMMARY_COLUMNS`: for each model (``erlang_c``,
        ``erlang_a``) and measure (``service_level``, ``abandon_rate``) the call-weighted
        mean absolute error, mean error (bias, predicted minus observed: positive means
        the model promised better service or more abandons than happened) and
        root-mean-square error, in fractions.
    better_ : dict
        Per measure, the model with the smaller mean absolute error.

    Notes
    -----
    Observed service level is ``answered_within / offered`` and observed abandon rate
    ``abandoned / offered``; the models use the ``fail`` abandon policy so that they
    predict the same quantity. Erlang C predicts no abandons at all. Errors are weighted
    by offered calls: ``mae = sum(c |p - o|) / sum(c)``.

    The models are fed each interval's *realised* calls, not its (unknown) arrival rate.
    Where the count came out high by chance the model overstates the load, and weighting
    by calls gives those intervals more say, so even a perfect model shows a small
    pessimistic bias: on the simulated sample history (Erlang A with known patience and
    AHT, about 80 calls per interval) about -1.3 points of service level and +0.6 points
    of abandon rate. Read biases of that size as "no bias".

    Examples
    --------
    >>> import pandas as pd
    >>> h = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:30"]),
    ...     "queue": "q", "interval_s": 1800.0, "offered": [100.0, 140.0],
    ...     "answered_within": [80.0, 70.0], "abandoned": [3.0, 14.0],
    ...     "aht_s": [180.0, 180.0], "agents": [12.0, 13.0],
    ... })
    >>> bt = BackTestFitter(threshold_s=20).fit(h, patience_s={"q": 120.0})
    >>> bt.summary["model"].tolist(), bt.summary["measure"].tolist()[:2]
    (['erlang_c', 'erlang_c', 'erlang_a', 'erlang_a'], ['service_level', 'abandon_rate'])
    >>> bt.summary["mae"].round(3).tolist()
    [0.358, 0.071, 0.056, 0.045]
    """

    def __init__(self, *, threshold_s: float | None = None, fill_aht: bool = True) -> None:
        self.threshold_s = threshold_s
        self.fill_aht = fill_aht

    def fit(self, history: pd.DataFrame, patience_s: Mapping[str, float] | float) -> BackTestFitter:
        """Back-test on an interval history with known agents.

        Parameters
        ----------
        history : DataFrame
            Interval history with ``agents``, ``aht_s``, ``answered_within``.
        patience_s : float or mapping
            Fitted mean patience [s], one value or one per queue (NaN: that queue is
            predicted with Erlang C by both models).

        Returns
        -------
        BackTestFitter
            ``self``, fitted.

        Raises
        ------
        InputError
            No interval has calls, staffed agents and a service level.
        """
        from staffing.queueing import evaluate

        t = float(
            self.threshold_s
            if self.threshold_s is not None
            else history.attrs.get("threshold_s", 20.0)
        )
        source = str(history.attrs.get("source", "history"))
        h = history.copy()
        if self.fill_aht:
            known = h[np.isfinite(h["aht_s"]) & (h["offered"] > 0)]
            weights = known["offered"] * known["aht_s"]
            mean_aht = (
                weights.groupby(known["queue"]).sum() / known.groupby("queue")["offered"].sum()
            )
            h["aht_s"] = h["aht_s"].fillna(h["queue"].map(mean_aht))
        ok = (
            (h["offered"] > 0)
            & np.isfinite(h["agents"])
            & np.isfinite(h["aht_s"])
            & (h["aht_s"] > 0)
            & h["answered_within"].notna()
        )
        h = h[ok]
        if h.empty:
            raise InputError(
                "no interval has calls, staffed agents, an AHT and a service level: "
                "nothing to back-test",
                source=source,
            )
        if isinstance(patience_s, Mapping):
            theta = h["queue"].map(lambda q: patience_s.get(q, np.nan)).to_numpy(dtype=float)
        else:
            theta = np.full(len(h), float(patience_s))
        theta = np.where(np.isfinite(theta) & (theta > 0), theta, np.nan)
        calls = h["offered"].to_numpy(dtype=float)
        aht = h["aht_s"].to_numpy(dtype=float)
        agents = h["agents"].to_numpy(dtype=float)
        iv = h["interval_s"].to_numpy(dtype=float)
        c = evaluate(calls, aht, agents, interval_s=iv, threshold_s=t)
        a = evaluate(calls, aht, agents, interval_s=iv, threshold_s=t, patience_s=theta)
        self.intervals_ = pd.DataFrame(
            {
                "interval_start": h["interval_start"].to_numpy(),
                "queue": h["queue"].to_numpy(),
                "offered": calls,
                "aht_s": aht,
                "agents": agents,
                "patience_s": theta,
                "observed_service_level": h["answered_within"].to_numpy(dtype=float) / calls,
                "observed_abandon_rate": h["abandoned"].to_numpy(dtype=float) / calls,
                "erlang_c_service_level": np.asarray(c.service_level),
                "erlang_c_abandon_rate": np.asarray(c.abandon_rate),
                "erlang_a_service_level": np.asarray(a.service_level),
                "erlang_a_abandon_rate": np.asarray(a.abandon_rate),
            }
        )
        rows = []
        w = calls / calls.sum()
        # Without any patience Erlang A is Erlang C: no row of its own, no verdict from it.
        self.erlang_a_ = bool(np.isfinite(theta).any())
        models = ("erlang_c", "erlang_a") if self.erlang_a_ else ("erlang_c",)
        for model in models:
            for measure in ("service_level", "abandon_rate"):
                err = (
                    self.intervals_[f"{model}_{measure}"].to_numpy()
                    - self.intervals_[f"observed_{measure}"].to_numpy()
                )
                rows.append(
                    (
                        model,
                        measure,
                        float(np.sum(w * np.abs(err))),
                        float(np.sum(w * err)),
                        float(np.sqrt(np.sum(w * err * err))),
                        len(h),
                        float(calls.sum()),
                    )
                )
        self.summary = pd.DataFrame(rows, columns=BACKTEST_SUMMARY_COLUMNS)
        mae = self.summary.set_index(["model", "measure"])["mae"]
        self.better_ = (
            {
                m: ("erlang_a" if mae[("erlang_a", m)] < mae[("erlang_c", m)] else "erlang_c")
                for m in ("service_level", "abandon_rate")
            }
            if self.erlang_a_
            else {}
        )
        self.threshold_s_ = t
        self.source_ = source
        return self

    def __repr__(self) -> str:
        head = f"BackTestFitter(threshold_s={self.threshold_s})"
        if not hasattr(self, "summary"):
            return head + ", not fitted"
        return (
            f"{head}: fitted on {self.source_}, {len(self.intervals_):,} intervals, "
            f"{self.intervals_['offered'].sum():,.0f} calls"
        )


#: The name this estimator had before the fitters were named alike.
BackTest = BackTestFitter
