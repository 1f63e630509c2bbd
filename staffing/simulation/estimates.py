"""Estimates with confidence intervals from a simulated queue-day.

Every measure is a ratio of sums over independent replications (service level, ASA,
abandon rate, occupancy), given with a delta-method interval; ``p_miss`` and
``p_day_miss`` count the replications in which an interval, or the day, misses a target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from staffing.errors import StaffingError
from staffing.queueing.targets import Measures, TargetSet, TargetsLike
from staffing.simulation.engine import SimulatedDay
from staffing.vocabulary import AbandonPolicy, check_abandon_policy, service_level_parts

__all__ = [
    "day_estimates",
    "interval_estimates",
    "service_level_sums",
    "share_of",
    "target_text",
]


def _z(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise StaffingError(f"`confidence` must be between 0 and 1 (got {confidence!r})")
    return float(special.ndtri(0.5 + confidence / 2.0))


def _ratio(
    y: np.ndarray, x: np.ndarray, z: float, empty: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pooled ratio ``sum y / sum x`` over replications (axis 0) and its interval.

    The standard error is the delta-method one for a ratio of means over independent
    replications: ``sqrt(sum (y_r - R x_r)^2 / (n (n - 1))) / mean(x)``.
    """
    n = y.shape[0]
    sy, sx = y.sum(axis=0), x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.where(sx > 0, sy / sx, empty)
        resid = y - est * x
        se = np.sqrt((resid * resid).sum(axis=0) / (n * (n - 1))) / (sx / n) if n > 1 else np.nan
    se = np.where(sx > 0, se, 0.0)
    return est, est - z * se, est + z * se


def _threshold_index(sim: SimulatedDay, threshold_s: float) -> int:
    for i, t in enumerate(sim.thresholds_s):
        if np.isclose(t, threshold_s, rtol=0, atol=1e-9):
            return i
    raise StaffingError(
        f"threshold {threshold_s:g} s was not simulated: give it in `threshold_s` "
        f"(simulated: {', '.join(f'{t:g}' for t in sim.thresholds_s)})"
    )


def service_level_sums(
    aw: np.ndarray,
    bw: np.ndarray,
    offered: np.ndarray,
    answered: np.ndarray,
    abandon_policy: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of the service level under ``abandon_policy``."""
    return service_level_parts(
        abandon_policy, answered_within=aw, offered=offered, answered=answered, abandoned_within=bw
    )


@dataclass(frozen=True)
class _Sums:
    offered: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    aw: np.ndarray  # (..., T)
    bw: np.ndarray
    wait: np.ndarray
    busy: np.ndarray
    staffed: np.ndarray
    length: np.ndarray  # interval (or day) length [s]
    fresh: np.ndarray | None = None  # with redials: fresh calls
    lost: np.ndarray | None = None  # with redials: customers who gave up for good


def _sums(sim: SimulatedDay, per_day: bool) -> _Sums:
    staffed = sim.agents * sim.interval_s[None, :]

    def agg(x: np.ndarray) -> np.ndarray:
        return x.sum(axis=1, keepdims=True).astype(float) if per_day else x.astype(float)

    return _Sums(
        offered=agg(sim.offered),
        answered=agg(sim.answered),
        abandoned=agg(sim.abandoned),
        aw=agg(sim.answered_within),
        bw=agg(sim.abandoned_within),
        wait=agg(sim.wait_answered_s),
        busy=agg(sim.busy_s),
        staffed=agg(staffed),
        length=np.array([sim.interval_s.sum()]) if per_day else sim.interval_s,
        fresh=agg(sim.fresh) if sim.lost is not None else None,
        lost=agg(sim.lost) if sim.lost is not None else None,
    )


def _measures(
    sim: SimulatedDay,
    sums: _Sums,
    targets: TargetSet,
    threshold_s: float | None,
    abandon_policy: str,
    z: float,
) -> dict[str, np.ndarray]:
    if threshold_s is None:
        threshold_s = targets.report_threshold(default=sim.thresholds_s[0])
    out: dict[str, np.ndarray] = {"calls": sums.offered.mean(axis=0)}
    out["agents"] = sums.staffed.mean(axis=0) / sums.length
    i = _threshold_index(sim, threshold_s)
    y, x = service_level_sums(
        sums.aw[..., i], sums.bw[..., i], sums.offered, sums.answered, abandon_policy
    )
    sl, lo, hi = _ratio(y, x, z, 1.0)
    out["service_level"], out["service_level_lo"], out["service_level_hi"] = (
        sl,
        np.clip(lo, 0.0, 1.0),
        np.clip(hi, 0.0, 1.0),
    )
    asa, lo, hi = _ratio(sums.wait, sums.answered, z, np.nan)
    out["asa_s"], out["asa_s_lo"], out["asa_s_hi"] = asa, np.maximum(lo, 0.0), hi
    ab, lo, hi = _ratio(sums.abandoned, sums.offered, z, 0.0)
    out["abandon_rate"], out["abandon_rate_lo"], out["abandon_rate_hi"] = (
        ab,
        np.clip(lo, 0.0, 1.0),
        np.clip(hi, 0.0, 1.0),
    )
    occ, lo, hi = _ratio(sums.busy, sums.staffed, z, 0.0)
    out["occupancy"], out["occupancy_lo"], out["occupancy_hi"] = (
        occ,
        np.clip(lo, 0.0, 1.0),
        np.clip(hi, 0.0, 1.0),
    )
    customer: dict[str, Any] = {}
    if sums.lost is not None and sums.fresh is not None:
        # customers who gave up for good per fresh call (callers who call again)
        out["fresh_calls"] = sums.fresh.mean(axis=0)
        out["redial_calls"] = (sums.offered - sums.fresh).mean(axis=0)
        cab, lo, hi = _ratio(sums.lost, sums.fresh, z, 0.0)
        out["customer_abandon_rate"] = cab
        out["customer_abandon_rate_lo"] = np.clip(lo, 0.0, 1.0)
        out["customer_abandon_rate_hi"] = np.clip(hi, 0.0, 1.0)
        lost, fresh = sums.lost, sums.fresh
        customer = {
            "each": lambda: share_of(lost, fresh, 0.0),
            "favourable": np.nan_to_num(out["customer_abandon_rate_lo"], nan=0.0),
        }
    # Each target: missed in each replication, and significantly missed by the estimate
    # (missed even at the favourable end of its interval).
    size = sums.offered.shape[1]

    def parts(t: float) -> tuple[np.ndarray, np.ndarray]:
        j = _threshold_index(sim, t)
        return service_level_sums(
            sums.aw[..., j], sums.bw[..., j], sums.offered, sums.answered, abandon_policy
        )

    each = Measures(
        lambda t: share_of(*parts(t), 1.0),
        asa_s=lambda: share_of(sums.wait, sums.answered, 0.0),
        abandon_rate=lambda: share_of(sums.abandoned, sums.offered, 0.0),
        occupancy=lambda: share_of(sums.busy, sums.staffed, 0.0),
        customer_abandon_rate=customer.get("each"),
    )
    favourable = Measures(
        lambda t: np.nan_to_num(_ratio(*parts(t), z, 1.0)[2], nan=1.0),
        asa_s=np.nan_to_num(out["asa_s_lo"], nan=0.0),
        abandon_rate=np.nan_to_num(out["abandon_rate_lo"], nan=0.0),
        occupancy=np.nan_to_num(out["occupancy_lo"], nan=0.0),
        customer_abandon_rate=customer.get("favourable"),
    )
    if targets:
        out["p_miss"] = (~targets.met_by(each)).mean(axis=0)
        out["significant_miss"] = ~targets.met_by(favourable)
    else:
        out["p_miss"] = np.full(size, np.nan)
        out["significant_miss"] = np.zeros(size, dtype=bool)
    return out


def share_of(y: np.ndarray, x: np.ndarray, empty: float) -> np.ndarray:
    """``y / x`` element-wise, ``empty`` where ``x`` is not positive (nothing to judge)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, y / np.where(x > 0, x, 1.0), empty)


def target_text(targets: TargetsLike | None) -> str:
    """Canonical text of a target set (``"80/20+abandon<=5%"``); ``""`` for none."""
    return str(TargetSet.parse(targets))


def _by_interval(
    sim: SimulatedDay,
    interval_targets: Sequence[TargetsLike | None],
    threshold_s: Any,
    abandon_policy: str,
    z: float,
) -> dict[str, np.ndarray]:
    """The measures with each interval's own targets and reported threshold."""
    k = sim.offered.shape[1]
    if len(interval_targets) != k:
        raise StaffingError(
            f"`interval_targets` has {len(interval_targets)} entries for {k} intervals"
        )
    keys = [target_text(t) for t in interval_targets]
    if threshold_s is None:
        thresholds = np.full(k, np.nan)
    else:
        thresholds = np.broadcast_to(np.asarray(threshold_s, dtype=float), (k,))
    sums = _sums(sim, False)
    out: dict[str, np.ndarray] = {}
    groups: dict[tuple[str, float], list[int]] = {}
    for i, (key, thr) in enumerate(zip(keys, thresholds, strict=True)):
        groups.setdefault((key, float(thr)), []).append(i)
    for (key, thr), rows in groups.items():
        part = _measures(
            sim, sums, TargetSet.parse(key), None if np.isnan(thr) else thr, abandon_policy, z
        )
        for name, values in part.items():
            if name not in out:
                out[name] = np.empty(k, dtype=values.dtype)
            out[name][rows] = values[rows]
    return out


def interval_estimates(
    sim: SimulatedDay,
    targets: TargetsLike | None = None,
    *,
    threshold_s: float | Sequence[float] | np.ndarray | None = None,
    abandon_policy: AbandonPolicy = "fail",
    confidence: float = 0.95,
    interval_targets: Sequence[TargetsLike | None] | None = None,
) -> dict[str, np.ndarray]:
    """Per-interval estimates of a simulated day, each with its confidence interval.

    Parameters
    ----------
    sim : SimulatedDay
        What :func:`simulate_day` returned.
    targets : str, target object or sequence of them, optional
        Targets for ``p_miss`` and ``significant_miss`` (``"80/20"``,
        ``["80/20", "abandon<=5%"]``...); each service-level threshold must have been
        simulated.
    threshold_s : float or 1-d array, optional
        Threshold of the ``service_level`` columns [s], one for all intervals or one per
        interval; default the first service-level target's (of each interval's targets),
        else the first simulated.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        How abandoned calls enter the service level (:mod:`staffing.queueing.performance`).
    confidence : float, default 0.95
        Level of the intervals.
    interval_targets : sequence, optional
        Targets per interval instead of ``targets`` (one target set, or ``None``/``""``
        for none, per interval), as when a targets table changes them through the day.

    Returns
    -------
    dict of str to ndarray
        Arrays of length ``K``: ``calls`` and ``agents`` (means over replications);
        ``service_level``, ``asa_s``, ``abandon_rate`` and ``occupancy``, each with ``_lo``
        and ``_hi``; ``p_miss`` (share of replications in which the interval on its own
        misses any target; NaN without targets) and ``significant_miss`` (True where the
        confidence interval of a measure lies wholly on the wrong side of its target).
        With redials also ``fresh_calls`` and ``redial_calls`` (means) and
        ``customer_abandon_rate`` (customers who gave up for good per fresh call) with
        its interval.

    Notes
    -----
    Every measure is a ratio of sums over replications, e.g. ``service_level = sum_r
    AW_r / sum_r offered_r`` under ``fail``; ``exclude`` divides by answered calls,
    ``exclude_within`` by offered minus abandoned within the threshold, and
    ``count_within`` adds abandoned-within to the numerator. ASA divides the total wait
    of answered calls by the answered calls; occupancy divides busy agent-seconds by
    staffed agent-seconds. Replications are independent, so the interval is
    ``estimate +- z se`` with the delta-method standard error of a ratio of means,
    ``se = sqrt(sum_r (y_r - R x_r)^2 / (n (n - 1))) / mean(x)``. Intervals without calls
    report a service level of 1, no abandons and NaN ASA.

    Examples
    --------
    Staffing falls from 14 to 8 agents for the same 60 calls:

    >>> from staffing.simulation import simulate_day
    >>> sim = simulate_day([60, 60], 300, [14, 8], replications=400, seed=3)
    >>> est = interval_estimates(sim, "80/20")
    >>> bool(est["significant_miss"][1]), bool(est["p_miss"][1] > 0.9)
    (True, True)

    Targets per interval (none in the second, so nothing can be missed there):

    >>> by = interval_estimates(sim, interval_targets=["80/20", None])
    >>> bool(by["significant_miss"][1]), bool(np.isnan(by["p_miss"][1]))
    (False, True)
    """
    check_abandon_policy(abandon_policy)
    z = _z(confidence)
    if interval_targets is not None:
        if targets is not None:
            raise StaffingError("give either `targets` or `interval_targets`, not both")
        return _by_interval(sim, interval_targets, threshold_s, abandon_policy, z)
    if threshold_s is not None and np.ndim(threshold_s) > 0:
        return _by_interval(sim, [targets] * sim.offered.shape[1], threshold_s, abandon_policy, z)
    thr = None if threshold_s is None else float(np.asarray(threshold_s))
    return _measures(sim, _sums(sim, False), TargetSet.parse(targets), thr, abandon_policy, z)


def day_estimates(
    sim: SimulatedDay,
    targets: TargetsLike | None = None,
    *,
    threshold_s: float | None = None,
    abandon_policy: AbandonPolicy = "fail",
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Whole-day estimates of a simulated day, each with its confidence interval.

    The same measures as :func:`interval_estimates` over the day's calls (sums over all
    intervals per replication); ``p_day_miss`` is the share of replications whose day as a
    whole misses any target, and ``agents`` the mean staffing over the day's time.

    Examples
    --------
    >>> from staffing.simulation import simulate_day
    >>> sim = simulate_day([100, 150, 120], 180, [12, 16, 13], replications=200, seed=1)
    >>> day = day_estimates(sim, "80/20")
    >>> sorted(day)[:4]
    ['abandon_rate', 'abandon_rate_hi', 'abandon_rate_lo', 'agents']
    >>> 0.0 <= day["p_day_miss"] <= 1.0
    True
    """
    check_abandon_policy(abandon_policy)
    z = _z(confidence)
    out = _measures(sim, _sums(sim, True), TargetSet.parse(targets), threshold_s, abandon_policy, z)
    result: dict[str, Any] = {key: float(value[0]) for key, value in out.items() if key != "p_miss"}
    result["p_day_miss"] = float(out["p_miss"][0])
    result["significant_miss"] = bool(out["significant_miss"][0])
    return result
