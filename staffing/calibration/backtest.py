"""Back-test: how well each model predicted what really happened, beside its noise floor.

For every historical interval with calls, an AHT and staffed agents, three models predict
the service level, the abandon rate and the ASA from the interval's own calls, AHT and
*effective* agents (staffed agents times the calibration's factor): Erlang C, Erlang A
with the fitted patience, and a simulation of the history's days with the Kaplan-Meier
patience (:mod:`staffing.calibration.replay`). The predictions are compared with what the
ACD recorded, per interval, per clock hour and per day; beside each error stands the
error the model would have if it were exactly right (its noise floor).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.calibration.history import prepare_history
from staffing.calibration.patience import period_labels
from staffing.calibration.replay import Replayed, replay_days
from staffing.errors import InputError
from staffing.prepared.calibration import (
    calibrated_patience,
    calibrated_staffing_factor,
    check_calibration,
    patience_curves,
)
from staffing.vocabulary import check_abandon_policy, service_level_parts

__all__ = [
    "BACKTEST_COLUMNS",
    "BACKTEST_LEVELS",
    "BACKTEST_MODELS",
    "BACKTEST_SUMMARY_COLUMNS",
    "BackTest",
    "BackTestFitter",
    "backtest",
    "backtest_rows",
    "level_errors",
    "level_units",
    "observed_service_level",
    "per_queue",
]

#: Columns of :meth:`BackTestFitter.intervals` (``staffing backtest --out``).
BACKTEST_COLUMNS: list[str] = [
    "interval_start",
    "queue",
    "offered",
    "agents",
    "effective_agents",
    "service_level",
    "predicted_service_level",
    "abandon_rate",
    "predicted_abandon_rate",
    "asa_s",
    "predicted_asa_s",
]
#: The models back-tested, in this order.
BACKTEST_MODELS: tuple[str, ...] = ("erlang_c", "erlang_a", "simulation")
#: The levels errors are measured at: each interval, each clock hour of each day, each day.
BACKTEST_LEVELS: tuple[str, ...] = ("interval", "hour", "day")
#: Columns of :attr:`BackTestFitter.summary` (``staffing backtest --summary``).
BACKTEST_SUMMARY_COLUMNS: list[str] = [
    "queue",
    "month",
    "model",
    "level",
    "units",
    "calls",
    "sl_mae",
    "sl_bias",
    "sl_noise_floor",
    "abandon_mae",
    "abandon_bias",
    "abandon_noise_floor",
]
#: Names of the models in reports.
MODEL_NAMES: dict[str, str] = {
    "erlang_c": "Erlang C",
    "erlang_a": "Erlang A",
    "simulation": "simulation (Kaplan-Meier patience)",
}
_ALL = "all"


def observed_service_level(history: pd.DataFrame, history_sl: str) -> tuple[Any, Any]:
    """Numerator and denominator of each interval's service level as the history defines it.

    Parameters
    ----------
    history : DataFrame
        Interval history (``answered_within``, ``offered``, ``answered``,
        ``abandoned_within``).
    history_sl : {"fail", "exclude", "exclude_within", "count_within"}
        The definition (:data:`staffing.calibration.history.SL_DEFINITIONS`).

    Returns
    -------
    (ndarray, ndarray)
        Calls counted as served in time, and the calls the service level is a share of.

    Examples
    --------
    >>> h = pd.DataFrame({"answered_within": [80.0], "offered": [100.0],
    ...                   "answered": [90.0], "abandoned_within": [4.0]})
    >>> observed_service_level(h, "exclude")
    (array([80.]), array([90.]))
    """
    return service_level_parts(
        history_sl,
        answered_within=history["answered_within"].to_numpy(dtype=float),
        offered=history["offered"].to_numpy(dtype=float),
        answered=history["answered"].to_numpy(dtype=float),
        abandoned_within=history["abandoned_within"].to_numpy(dtype=float),
    )


def per_queue(
    value: Mapping[str, float] | float | None, queues: pd.Series, default: float
) -> np.ndarray:
    """One value per row from a number or a per-queue mapping (missing: ``default``).

    A mapping of a single queue applies to every queue, as a calibration of one queue does.

    Examples
    --------
    >>> per_queue({"a": 2.0, "b": 3.0}, pd.Series(["b", "c"]), 1.0).tolist()
    [3.0, 1.0]
    """
    if value is None:
        return np.full(len(queues), default)
    if isinstance(value, Mapping):
        # a mapping of one queue applies to every queue, as a calibration does
        single = next(iter(value.values())) if len(value) == 1 else None
        looked = [value.get(str(q), single) for q in queues]
        return np.array([default if v is None else float(v) for v in looked], dtype=float)
    return np.full(len(queues), float(value))


def backtest_rows(history: pd.DataFrame, *, fill_aht: bool = True) -> pd.DataFrame:
    """The intervals a back-test (or a staffing fit) can use, AHT filled where unknown.

    Parameters
    ----------
    history : DataFrame
        Interval history (:data:`~staffing.calibration.HISTORY_COLUMNS`).
    fill_aht : bool, default True
        Intervals without an AHT of their own (no answered call, or handle times read as
        unknown) take their queue's call-weighted mean AHT, so that the worst intervals
        are not silently dropped.

    Returns
    -------
    DataFrame
        The rows with calls, staffed agents, an AHT and a service level, in the history's
        order and with its ``attrs``.

    Raises
    ------
    InputError
        No such interval.
    """
    source = str(history.attrs.get("source", "history"))
    h = history.copy()
    if fill_aht:
        known = h[np.isfinite(h["aht_s"]) & (h["aht_s"] > 0) & (h["offered"] > 0)]
        mean_aht = (known["offered"] * known["aht_s"]).groupby(
            known["queue"]
        ).sum() / known.groupby("queue")["offered"].sum()
        h["aht_s"] = h["aht_s"].where(h["aht_s"] > 0).fillna(h["queue"].map(mean_aht))
    ok = (
        (h["offered"] > 0)
        & np.isfinite(h["agents"])
        & np.isfinite(h["aht_s"])
        & (h["aht_s"] > 0)
        & h["answered_within"].notna()
    )
    h = h[ok.to_numpy()]
    if h.empty:
        raise InputError(
            "no interval has calls, staffed agents, an AHT and a service level: "
            "nothing to back-test",
            source=source,
        )
    h.attrs = dict(history.attrs)
    return h


def level_units(h: pd.DataFrame, level: str) -> np.ndarray:
    """Codes of the units of a level.

    Each interval, each clock hour of each day, or each day, of each queue.

    Parameters
    ----------
    h : DataFrame
        With ``interval_start`` and ``queue``.
    level : {"interval", "hour", "day"}

    Returns
    -------
    ndarray of int
        One code per row, from 0.

    Examples
    --------
    >>> h = pd.DataFrame({"queue": "q", "interval_start": pd.to_datetime(
    ...     ["2024-01-01 09:00", "2024-01-01 09:30", "2024-01-01 10:00"])})
    >>> level_units(h, "hour").tolist(), level_units(h, "day").tolist()
    ([0, 0, 1], [0, 0, 0])
    """
    t = h["interval_start"]
    if level == "interval":
        return np.arange(len(h))
    unit = t.dt.floor("h") if level == "hour" else t.dt.normalize()
    return pd.factorize(pd.MultiIndex.from_arrays([h["queue"].to_numpy(), unit.to_numpy()]))[0]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def level_errors(
    codes: np.ndarray,
    calls: np.ndarray,
    num: np.ndarray,
    den: np.ndarray,
    predicted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Calls-weighted MAE and bias of a service level (or a rate) over a level's units.

    Parameters
    ----------
    codes : ndarray of int
        Each row's unit (:func:`level_units`).
    calls : ndarray
        Offered calls per row: the units' weights.
    num, den : ndarray
        The observed measure's numerator and denominator per row, or
        ``(histories, rows)`` for several histories at once.
    predicted : ndarray
        The model's value per row.

    Returns
    -------
    (ndarray, ndarray, int)
        MAE and bias (predicted minus observed) per history, and the number of units.

    Notes
    -----
    A unit's observed value is ``sum(num) / sum(den)``; its predicted value the
    ``den``-weighted mean of its rows' predictions; units weigh by their calls.

    Examples
    --------
    >>> mae, bias, units = level_errors(np.array([0, 0]), np.array([10.0, 30.0]),
    ...     np.array([8.0, 21.0]), np.array([10.0, 30.0]), np.array([0.9, 0.6]))
    >>> round(float(mae[0]), 9), round(float(bias[0]), 9), units  # 27/40 - 29/40
    (0.05, -0.05, 1)
    """
    num2, den2 = np.atleast_2d(num), np.atleast_2d(den)
    reps = num2.shape[0]
    size = int(codes.max()) + 1 if codes.size else 0
    flat = (codes[None, :] + size * np.arange(reps)[:, None]).ravel()

    def total(values: np.ndarray) -> np.ndarray:
        spread = np.broadcast_to(values, num2.shape).ravel()
        return np.bincount(flat, spread, minlength=size * reps).reshape(reps, size)

    obs = _ratio(total(num2), total(den2))
    pred = _ratio(total(np.where(den2 > 0, predicted * den2, 0.0)), total(den2))
    w = np.bincount(codes, calls, minlength=size)
    ok = np.isfinite(obs) & np.isfinite(pred) & (w > 0)
    weight = np.where(ok, w, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.where(ok, pred - obs, 0.0)
        mae = np.sum(weight * np.abs(err), axis=1) / weight.sum(axis=1)
        bias = np.sum(weight * err, axis=1) / weight.sum(axis=1)
    return mae, bias, int(ok[0].sum())


class BackTestFitter:
    """Predict each interval with Erlang C, Erlang A and a simulation.

    Errors beside their noise floors, per interval, per hour and per day.

    Parameters
    ----------
    threshold_s : float, optional
        Service-level threshold [s]; default ``history.attrs["threshold_s"]`` (or 20).
    history_sl : {"fail", "exclude", "exclude_within", "count_within"}, optional
        What the history's service level divides; default ``history.attrs["history_sl"]``
        (or ``"fail"``). The models predict the same quantity.
    models : sequence of str, default all of :data:`BACKTEST_MODELS`
        Which models to back-test (the simulation costs the most).
    replications : int, default 30
        Simulated copies of every day, for the simulation model and the noise floors; 0
        simulates nothing (Erlang C and Erlang A only, no noise floors: a quick look).
    seed : int, default 0
        Seed of the simulations.
    fill_aht : bool, default True
        See :func:`backtest_rows`.
    exact_aht : bool, default True
        The history's AHT is what its intervals' calls really took (an ACD's realised
        mean): the simulations scale each interval's service times to that mean. False:
        it is the mean service time the calls were drawn from (a simulated history).

    Attributes
    ----------
    intervals_ : DataFrame
        One row per interval back-tested: ``interval_start``, ``queue``, ``month``,
        ``offered``, ``agents``, ``effective_agents``, ``aht_s``, ``patience_s``, the
        observed ``service_level``, ``abandon_rate`` and ``asa_s``, ``sl_calls`` (the
        service level's denominator), and per model ``<model>_service_level``,
        ``<model>_abandon_rate``, ``<model>_asa_s`` and the interval's own noise floor
        ``<model>_sl_noise`` and ``<model>_abandon_noise``.
    summary : DataFrame
        Columns of :data:`BACKTEST_SUMMARY_COLUMNS`: per queue, month (and ``"all"``),
        model and level, the calls-weighted mean absolute error and bias (predicted minus
        observed) of the service level and of the abandon rate, and beside each the noise
        floor, in fractions.
    noise_ : DataFrame
        The noise floors with their spread: ``queue``, ``month``, ``model``, ``level``,
        ``sl_noise_floor``, ``sl_noise_sd``, ``abandon_noise_floor``,
        ``abandon_noise_sd`` (the standard deviation of one simulated history's MAE).
    better_ : dict
        Per measure (``service_level``, ``abandon_rate``), Erlang C or Erlang A, whichever
        has the smaller interval-level error over ``judged`` queues (empty when Erlang A
        was not back-tested or no queue is judged).
    margin_ : dict
        Per measure, by how much [fraction] the better model's error is smaller.
    judged_ : list of str
        The queues the verdict is given on.
    out_of_sample_, effective_ : bool or None
        Set by :func:`backtest`: whether every interval lies after the calibration's own
        history, and whether its effective-staffing factor was used (None otherwise).

    Notes
    -----
    **Errors.** An interval's observed service level is ``N / D`` with the numerator and
    denominator of the history's definition (:func:`observed_service_level`); an hour's or
    a day's is the ratio of the sums. A model's prediction for an hour or a day is the
    mean of its interval predictions weighted by the observed denominators. Errors are
    weighted by offered calls: ``mae = sum_u c_u |p_u - o_u| / sum_u c_u`` over the units
    ``u`` (intervals, hours or days) and bias ``= sum_u c_u (p_u - o_u) / sum_u c_u``.

    **The models.** Erlang C and Erlang A are the stationary formulas
    (:func:`staffing.queueing.evaluate`) at each interval's calls, AHT and effective agents
    (Erlang A with the queue's patience; Erlang C where it has none). The simulation
    replays each day of the history continuously (``staffing.calibration.replay``: exactly
    the recorded calls, service times averaging the recorded AHT, patience drawn from the
    queue's Kaplan-Meier curve, else exponential), so calls carried over from one interval
    to the next are in it; its prediction is the mean over ``replications``.

    **The noise floor** is the error a model would have if it were exactly right: the
    history's days are simulated in the model's own world (no abandons for Erlang C,
    exponential patience for Erlang A, the Kaplan-Meier curve for the simulation), with
    the same calls, AHT and effective agents, and each simulated history is back-tested
    against the world's own mean exactly as the real one is, level by level. The floor is
    the mean of those errors (scaled by ``sqrt(R / (R - 1))`` for the mean being taken
    over the same ``R`` replications). An interval of 100 calls cannot be predicted to
    better than a few points of service level however right the model is; a model whose
    error sits near its floor is as good as the data can tell.

    **The verdict** between Erlang C and Erlang A is the interval-level error over the
    ``judged`` queues. Staffed agents counted per queue by agents who serve several
    queues over-count every queue's staffing, which favours whichever model predicts worse
    service; leave such queues out (pool them instead).

    Examples
    --------
    >>> import pandas as pd
    >>> h = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 09:30"]),
    ...     "queue": "q", "interval_s": 1800.0, "offered": [100.0, 140.0],
    ...     "answered": [97.0, 126.0], "abandoned": [3.0, 14.0],
    ...     "answered_within": [80.0, 70.0], "abandoned_within": [1.0, 4.0],
    ...     "wait_answered_s": [800.0, 3000.0], "aht_s": [180.0, 180.0],
    ...     "agents": [12.0, 13.0]})
    >>> bt = BackTestFitter(threshold_s=20, models=("erlang_c", "erlang_a")).fit(
    ...     h, patience_s={"q": 120.0})
    >>> s = bt.table("interval")  # the whole back-test, errors per interval
    >>> s[["model", "sl_mae", "abandon_mae"]].round(3).to_numpy().tolist()
    [['erlang_c', 0.358, 0.071], ['erlang_a', 0.056, 0.045]]
    """

    def __init__(
        self,
        *,
        threshold_s: float | None = None,
        history_sl: str | None = None,
        models: Sequence[str] = BACKTEST_MODELS,
        replications: int = 30,
        seed: int = 0,
        fill_aht: bool = True,
        exact_aht: bool = True,
    ) -> None:
        self.threshold_s = threshold_s
        self.history_sl = history_sl
        self.models = tuple(models)
        self.replications = replications
        self.seed = seed
        self.fill_aht = fill_aht
        self.exact_aht = exact_aht

    def fit(
        self,
        history: pd.DataFrame,
        patience_s: Mapping[str, float] | float | None = None,
        *,
        staffing_factor: Mapping[str, float] | float | None = None,
        patience_curves: Mapping[str, tuple[Any, Any]] | None = None,
        judged: Sequence[str] | None = None,
    ) -> BackTestFitter:
        """Back-test on an interval history with known agents.

        Parameters
        ----------
        history : DataFrame
            Interval history with ``agents``, ``aht_s`` and ``answered_within``.
        patience_s : float or mapping, optional
            Mean patience [s], one value or one per queue (NaN or missing: that queue is
            predicted with Erlang C by every model).
        staffing_factor : float or mapping, optional
            Effective agents per staffed agent, one value or one per queue (default 1).
        patience_curves : mapping, optional
            Queue -> ``(times_s, survival)``: the simulation draws that queue's patience
            from it (else from the exponential of ``patience_s``).
        judged : sequence of str, optional
            Queues the Erlang C vs Erlang A verdict is given on (default all).

        Returns
        -------
        BackTestFitter
            ``self``, fitted.

        Raises
        ------
        InputError
            No interval has calls, staffed agents, an AHT and a service level; an unknown
            model.
        """
        from staffing.queueing import evaluate

        unknown = [m for m in self.models if m not in BACKTEST_MODELS]
        if unknown or not self.models:
            raise InputError(
                f"unknown back-test model {unknown[0] if unknown else '(none)'!r}: use "
                f"{', '.join(BACKTEST_MODELS)}"
            )
        reps = self.replications
        if int(reps) != reps or reps < 0 or reps == 1:
            raise InputError(f"`replications` must be 0 (no simulation) or 2 or more, not {reps!r}")
        if reps == 0 and "simulation" in self.models:
            raise InputError("the simulation model needs `replications` of 2 or more")
        t = float(
            self.threshold_s
            if self.threshold_s is not None
            else history.attrs.get("threshold_s", 20.0)
        )
        policy = check_abandon_policy(
            self.history_sl or str(history.attrs.get("history_sl", "fail"))
        )
        h = backtest_rows(history, fill_aht=self.fill_aht).reset_index(drop=True)
        queues = h["queue"].astype(str)
        theta = per_queue(patience_s, queues, np.nan)
        theta = np.where(np.isfinite(theta) & (theta > 0), theta, np.nan)
        factor = per_queue(staffing_factor, queues, 1.0)
        calls = h["offered"].to_numpy(dtype=float)
        aht = h["aht_s"].to_numpy(dtype=float)
        agents = h["agents"].to_numpy(dtype=float)
        effective = agents * factor
        iv = h["interval_s"].to_numpy(dtype=float)
        num, den = observed_service_level(h, policy)
        answered = h["answered"].to_numpy(dtype=float)
        iv_table = pd.DataFrame(
            {
                "interval_start": h["interval_start"].to_numpy(),
                "queue": queues.to_numpy(),
                "month": period_labels(h["interval_start"], "month").to_numpy(),
                "offered": calls,
                "agents": agents,
                "effective_agents": effective,
                "aht_s": aht,
                "patience_s": theta,
                "service_level": _ratio(num, den),
                "abandon_rate": h["abandoned"].to_numpy(dtype=float) / calls,
                "asa_s": _ratio(h["wait_answered_s"].to_numpy(dtype=float), answered),
                "sl_calls": den,
            }
        )
        worlds: dict[str, Replayed] = {}
        # the models in the order that lets the simulation reuse Erlang A's world when no
        # queue has a patience curve (then both draw exponential patience)
        for model in sorted(self.models, key=lambda m: m == "simulation"):
            if model == "simulation":
                if not patience_curves and "erlang_a" in worlds:
                    worlds[model] = worlds["erlang_a"]
                else:
                    worlds[model] = self._replay(h, effective, theta, t, patience_curves, "km")
                rep = worlds[model]
                r_num, r_den = self._parts(rep, policy)
                iv_table[f"{model}_service_level"] = _ratio(r_num.mean(0), r_den.mean(0))
                iv_table[f"{model}_abandon_rate"] = rep.abandoned.mean(0) / calls
                iv_table[f"{model}_asa_s"] = _ratio(
                    rep.wait_answered_s.mean(0), rep.answered.mean(0)
                )
                continue
            pat = None if model == "erlang_c" else theta
            m = evaluate(
                calls,
                aht,
                effective,
                interval_s=iv,
                threshold_s=t,
                patience_s=pat,
                abandon_policy=policy,
            )
            iv_table[f"{model}_service_level"] = np.asarray(m.service_level, dtype=float)
            iv_table[f"{model}_abandon_rate"] = np.asarray(m.abandon_rate, dtype=float)
            iv_table[f"{model}_asa_s"] = np.asarray(m.asa_s, dtype=float)
            if reps:
                worlds[model] = self._replay(
                    h, effective, theta if model == "erlang_a" else np.full(len(h), np.inf), t
                )
        r = self.replications
        scale = np.sqrt(r / (r - 1.0)) if r > 1 else np.nan
        for model in self.models:
            if model not in worlds:  # no simulation: no noise floors
                iv_table[f"{model}_sl_noise"] = np.nan
                iv_table[f"{model}_abandon_noise"] = np.nan
                continue
            rep = worlds[model]
            # each interval's own noise floor: how far one simulated interval strays from
            # the world's mean, on average (hour-of-day views average these by calls)
            w_num, w_den = self._parts(rep, policy)
            w_sl = _ratio(w_num.mean(0), w_den.mean(0))
            with np.errstate(invalid="ignore", divide="ignore"):
                dev = np.abs(_ratio(w_num, w_den) - w_sl)
                dev_ab = np.abs(rep.abandoned / calls - rep.abandoned.mean(0) / calls)
            seen = np.isfinite(dev)
            iv_table[f"{model}_sl_noise"] = (
                _ratio(np.where(seen, dev, 0.0).sum(axis=0), seen.sum(axis=0).astype(float)) * scale
            )
            iv_table[f"{model}_abandon_noise"] = dev_ab.mean(axis=0) * scale
        self.intervals_ = iv_table
        self.threshold_s_ = t
        self.history_sl_ = policy
        self.source_ = str(history.attrs.get("source", "history"))
        self._summarise(h, worlds, policy)
        self.judged_ = [str(q) for q in (judged if judged is not None else pd.unique(queues))]
        self._verdict()
        # set by :func:`backtest`, which knows the calibration's own history
        self.out_of_sample_: bool | None = None
        self.effective_: bool | None = None
        return self

    # -- simulation --------------------------------------------------------------------

    def _replay(
        self,
        h: pd.DataFrame,
        effective: np.ndarray,
        theta: np.ndarray,
        threshold_s: float,
        curves: Mapping[str, tuple[Any, Any]] | None = None,
        purpose: str = "world",
    ) -> Replayed:
        """Every queue's days replayed; arrays ``(replications, rows)`` in ``h``'s order."""
        n = len(h)
        parts: dict[str, np.ndarray] = {
            name: np.zeros((self.replications, n)) for name in Replayed.__dataclass_fields__
        }
        queues = h["queue"].astype(str).to_numpy()
        for index, queue in enumerate(pd.unique(queues)):
            rows = np.flatnonzero(queues == queue)
            curve = None if curves is None else curves.get(queue)
            if curves is not None and curve is None and len(curves) == 1:
                curve = next(iter(curves.values()))
            frame = pd.DataFrame(
                {
                    "interval_start": h["interval_start"].to_numpy()[rows],
                    "interval_s": h["interval_s"].to_numpy(dtype=float)[rows],
                    "calls": h["offered"].to_numpy(dtype=float)[rows],
                    "aht_s": h["aht_s"].to_numpy(dtype=float)[rows],
                    "agents": effective[rows],
                    "patience_s": np.where(np.isnan(theta[rows]), np.inf, theta[rows]),
                }
            )
            rep = replay_days(
                frame,
                threshold_s=threshold_s,
                replications=self.replications,
                seed=self.seed,
                exact_aht=self.exact_aht,
                patience_curve=curve,
                purpose=1 if purpose == "km" else 0,
                queue_index=index,
            )
            for name in parts:
                parts[name][:, rows] = getattr(rep, name)
        return Replayed(**parts)

    @staticmethod
    def _parts(rep: Replayed, policy: str) -> tuple[np.ndarray, np.ndarray]:
        num, den = service_level_parts(
            policy,
            answered_within=rep.answered_within,
            offered=rep.offered,
            answered=rep.answered,
            abandoned_within=rep.abandoned_within,
        )
        return np.asarray(num, dtype=float), np.asarray(den, dtype=float)

    # -- summary -----------------------------------------------------------------------

    def _summarise(self, h: pd.DataFrame, worlds: Mapping[str, Replayed], policy: str) -> None:
        iv = self.intervals_
        calls = iv["offered"].to_numpy()
        num, den = observed_service_level(h, policy)
        abandoned = h["abandoned"].to_numpy(dtype=float)
        rows, noise = [], []
        r = self.replications
        scale = np.sqrt(r / (r - 1.0)) if r > 1 else np.nan
        for queue in pd.unique(iv["queue"]):
            in_queue = (iv["queue"] == queue).to_numpy()
            months = [*sorted(pd.unique(iv.loc[in_queue, "month"])), _ALL]
            for month in months:
                rows_of = in_queue & ((iv["month"] == month).to_numpy() | (month == _ALL))
                if not rows_of.any():
                    continue
                sub = h[rows_of]
                for model in self.models:
                    rep = worlds.get(model)
                    if rep is not None:
                        r_num, r_den = self._parts(rep, policy)
                        r_num, r_den = r_num[:, rows_of], r_den[:, rows_of]
                        r_ab = rep.abandoned[:, rows_of]
                        # the world's own expectation per interval
                        w_sl = _ratio(r_num.mean(0), r_den.mean(0))
                        w_ab = r_ab.mean(0) / calls[rows_of]
                    for level in BACKTEST_LEVELS:
                        codes = level_units(sub, level)
                        c = calls[rows_of]
                        sl_mae, sl_bias, units = level_errors(
                            codes,
                            c,
                            num[rows_of],
                            den[rows_of],
                            iv[f"{model}_service_level"].to_numpy()[rows_of],
                        )
                        ab_mae, ab_bias, _ = level_errors(
                            codes,
                            c,
                            abandoned[rows_of],
                            c,
                            iv[f"{model}_abandon_rate"].to_numpy()[rows_of],
                        )
                        if rep is None:
                            sl_floor = ab_floor = np.array([np.nan])
                        else:
                            sl_floor = level_errors(codes, c, r_num, r_den, w_sl)[0]
                            ab_floor = level_errors(codes, c, r_ab, c, w_ab)[0]
                        floor_sl = float(np.mean(sl_floor) * scale)
                        floor_ab = float(np.mean(ab_floor) * scale)
                        rows.append(
                            (
                                queue,
                                month,
                                model,
                                level,
                                units,
                                float(c.sum()),
                                float(sl_mae[0]),
                                float(sl_bias[0]),
                                floor_sl,
                                float(ab_mae[0]),
                                float(ab_bias[0]),
                                floor_ab,
                            )
                        )
                        noise.append(
                            (
                                queue,
                                month,
                                model,
                                level,
                                floor_sl,
                                float(np.std(sl_floor)),
                                floor_ab,
                                float(np.std(ab_floor)),
                            )
                        )
        self.summary = pd.DataFrame(rows, columns=BACKTEST_SUMMARY_COLUMNS)
        self.noise_ = pd.DataFrame(
            noise,
            columns=[
                "queue",
                "month",
                "model",
                "level",
                "sl_noise_floor",
                "sl_noise_sd",
                "abandon_noise_floor",
                "abandon_noise_sd",
            ],
        )

    def _verdict(self) -> None:
        self.better_: dict[str, str] = {}
        self.margin_: dict[str, float] = {}
        if not {"erlang_c", "erlang_a"} <= set(self.models) or not self.judged_:
            return
        iv = self.intervals_
        mine = iv["queue"].isin(self.judged_).to_numpy()
        if not mine.any() or not np.isfinite(iv["patience_s"].to_numpy()[mine]).any():
            return
        w = iv["offered"].to_numpy()[mine]
        for measure in ("service_level", "abandon_rate"):
            o = iv[measure].to_numpy()[mine]
            mae: dict[str, float] = {}
            for model in ("erlang_c", "erlang_a"):
                p = iv[f"{model}_{measure}"].to_numpy()[mine]
                ok = np.isfinite(o) & np.isfinite(p)
                mae[model] = float(np.sum(w[ok] * np.abs(p[ok] - o[ok])) / w[ok].sum())
            best = "erlang_a" if mae["erlang_a"] < mae["erlang_c"] else "erlang_c"
            self.better_[measure] = best
            self.margin_[measure] = abs(mae["erlang_c"] - mae["erlang_a"])

    # -- views -------------------------------------------------------------------------

    def intervals(self, model: str = "erlang_a") -> pd.DataFrame:
        """The per-interval table of one model, columns :data:`BACKTEST_COLUMNS`.

        Parameters
        ----------
        model : {"erlang_c", "erlang_a", "simulation"}, default "erlang_a"
            Whose predictions fill the ``predicted_...`` columns.
        """
        if model not in self.models:
            raise InputError(
                f"model {model!r} was not back-tested (it has {', '.join(self.models)})"
            )
        iv = self.intervals_
        out = iv[["interval_start", "queue", "offered", "agents", "effective_agents"]].copy()
        out["service_level"] = iv["service_level"]
        out["predicted_service_level"] = iv[f"{model}_service_level"]
        out["abandon_rate"] = iv["abandon_rate"]
        out["predicted_abandon_rate"] = iv[f"{model}_abandon_rate"]
        out["asa_s"] = iv["asa_s"]
        out["predicted_asa_s"] = iv[f"{model}_asa_s"]
        return out[BACKTEST_COLUMNS].reset_index(drop=True)

    def table(self, level: str | None = None, month: str = _ALL) -> pd.DataFrame:
        """The summary of one month (default the whole back-test), optionally one level."""
        s = self.summary[self.summary["month"] == month]
        return s if level is None else s[s["level"] == level]

    def __repr__(self) -> str:
        head = f"BackTestFitter(threshold_s={self.threshold_s}, models={self.models!r})"
        if not hasattr(self, "summary"):
            return head + ", not fitted"
        return (
            f"{head}: fitted on {self.source_}, {len(self.intervals_):,} intervals, "
            f"{self.intervals_['offered'].sum():,.0f} calls"
        )


#: The name this estimator had before the fitters were named alike.
BackTest = BackTestFitter


def backtest(
    history: pd.DataFrame,
    calibration: Mapping[str, Any],
    *,
    start: Any = None,
    end: Any = None,
    calibration_period: str = "latest",
    staffing_factor: float | None = None,
    threshold_s: float | None = None,
    history_sl: str | None = None,
    interval: str | float | None = None,
    max_idle_s: float | None = None,
    agents_estimate: str | None = None,
    pools: Sequence[str] | None = None,
    on_inconsistent: str = "repair",
    models: Sequence[str] = BACKTEST_MODELS,
    replications: int = 30,
    seed: int = 0,
) -> BackTestFitter:
    """Back-test a saved calibration on a history: what it predicts against what happened.

    Parameters
    ----------
    history : DataFrame
        An interval report or call records with our column names (as for
        :func:`~staffing.calibration.calibrate`); ``attrs["source"]`` names it.
    calibration : mapping
        The content of ``calibration.json``: patience, the Kaplan-Meier curves, the
        effective-staffing factor, and how its history was read.
    start, end : date, optional
        Back-test the intervals from ``start`` (inclusive) to ``end`` (exclusive) only,
        e.g. the months after the calibration's.
    calibration_period : str, default "latest"
        Which of the calibration's estimates (patience and factor): ``"latest"``,
        ``"pooled"`` or a period label, as for :class:`~staffing.prepared.QueueModel`.
    staffing_factor : float, optional
        Effective agents per staffed agent for every queue instead of the calibration's
        (``1``: the staffed agents as reported).
    threshold_s, history_sl, interval, max_idle_s, agents_estimate, pools
        How to read the history; default what the calibration says its history was read
        with (threshold, service-level definition, interval length, the staffed-agents
        estimate and the pooled queues), so that the factor applies to the same agents.
    on_inconsistent : {"repair", "drop", "fail"}, default "repair"
        Interval reports: rows whose counts do not add up.
    models, replications, seed
        As for :class:`BackTestFitter`.

    Returns
    -------
    BackTestFitter
        Fitted, with ``out_of_sample_`` (every interval after the calibration's history)
        and ``effective_`` (the calibration's factor was used); a verdict between the
        models is fair only with both.

    Raises
    ------
    InputError
        A bad calibration, no interval in the chosen dates, or a history without staffed
        agents.

    Examples
    --------
    >>> from staffing.data import sample_frame
    >>> cal = {"threshold_s": 20, "queues": {"sales": {"patience_s": 90.0},
    ...                                      "service": {"patience_s": 190.0}}}
    >>> bt = backtest(sample_frame("history.csv"), cal, start="2024-06-24",
    ...               models=("erlang_c", "erlang_a"), replications=5)
    >>> sorted(bt.intervals_["queue"].unique()), len(bt.intervals_)  # a week, two queues
    (['sales', 'service'], 200)
    """
    check_calibration(calibration)
    # how the calibration's own history was read, unless told otherwise
    threshold = float(
        threshold_s if threshold_s is not None else (calibration.get("threshold_s") or 20.0)
    )
    definition = history_sl or calibration.get("history_sl") or None
    length = (
        interval
        if interval is not None
        else ((calibration.get("history") or {}).get("interval_s") or "30min")
    )
    idle = float(max_idle_s if max_idle_s is not None else (calibration.get("max_idle_s") or 900.0))
    saved = calibration.get("agents_estimate")
    estimate = agents_estimate or (
        saved if saved in ("idle_gap", "work_conserving") else "idle_gap"
    )
    pooled = tuple(pools) if pools is not None else tuple(calibration.get("pools") or ())
    table = prepare_history(
        history,
        threshold_s=threshold,
        interval=length,
        max_idle_s=idle,
        on_inconsistent=on_inconsistent,  # type: ignore[arg-type]
        history_sl=definition,  # type: ignore[arg-type]
        agents_estimate=estimate,
        pools=pooled,
    )
    source = str(table.attrs.get("source", "history"))
    t = table["interval_start"]
    keep = np.ones(len(table), dtype=bool)
    for bound, name, later in ((start, "start", True), (end, "end", False)):
        if bound is None:
            continue
        try:
            when = pd.Timestamp(bound)
        except (TypeError, ValueError):
            raise InputError(f"`{name}` {bound!r} is not a date (write 1999-05-01)") from None
        keep &= (t >= when).to_numpy() if later else (t < when).to_numpy()
    if not keep.any():
        raise InputError(
            f"no interval between the dates given: the history runs from {t.min():%Y-%m-%d} "
            f"to {t.max():%Y-%m-%d}",
            source=source,
        )
    part = table[keep].reset_index(drop=True)
    part.attrs = dict(table.attrs)
    queues = [str(q) for q in pd.unique(part["queue"])]
    # the queues the calibration judged (pools of their own), where it said
    judged = (calibration.get("backtest") or {}).get("judged_queues", queues)
    theta = calibrated_patience(calibration, calibration_period)
    factor: Mapping[str, float] | float = (
        float(staffing_factor)
        if staffing_factor is not None
        else calibrated_staffing_factor(calibration, calibration_period)
    )
    fitted = BackTestFitter(
        threshold_s=threshold,
        history_sl=definition,
        models=models,
        replications=replications,
        seed=seed,
    ).fit(
        part,
        {q: v for q, v in theta.items() if np.isfinite(v)},
        staffing_factor=factor,
        patience_curves=patience_curves(calibration, queues) or None,
        judged=[q for q in queues if q in judged],
    )
    # a verdict between the models is fair on data the calibration was not fitted on, with
    # the staffing it measured
    fit_end = (calibration.get("history") or {}).get("end")
    fitted.out_of_sample_ = fit_end is not None and bool(
        (part["interval_start"] > pd.Timestamp(fit_end)).all()
    )
    fitted.effective_ = staffing_factor is None and bool(factor)
    return fitted
