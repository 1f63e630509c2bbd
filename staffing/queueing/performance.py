"""Performance of a given staffing: service level, ASA, abandon rate, occupancy.

Erlang C (no abandonment) and Erlang A (exponential patience) are chosen element-wise: a
finite ``patience_s`` means Erlang A; ``None``, ``inf`` or ``NaN`` means Erlang C.

Workloads up to 1,000,000 Erlangs and agents up to 100,000,000 are answered (Erlang A
above 10,000 Erlangs: up to 1e9 calls arriving during one mean patience); anything past
that is refused by name (the supported range is set out in :mod:`staffing.queueing.erlang`).

Abandon policies
----------------
How abandoned calls enter the service level, with ``AW(t)`` the calls answered within
``t``, ``AB(t)`` those abandoned within ``t``, ``AB`` all abandoned:

==================  =============================================  ==========================
policy              service level                                  known as
==================  =============================================  ==========================
``fail``            ``AW(t) / offered``                            abandons count as failures
``exclude``         ``AW(t) / (offered - AB)`` = ``AW(t)/answered``  abandons ignored
``exclude_within``  ``AW(t) / (offered - AB(t))``                  short abandons forgiven
``count_within``    ``(AW(t) + AB(t)) / offered``                  short abandons as successes
==================  =============================================  ==========================

With Erlang C nobody abandons and the four coincide.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from staffing.errors import StaffingError
from staffing.queueing._arrays import broadcast, wrap
from staffing.queueing.erlang import (
    PATIENCE_CHECK_ERLANGS,
    check_range,
    erlang_c_wait_probability,
)
from staffing.queueing.erlang_a import erlang_a_measures
from staffing.queueing.general_patience import PatienceCurve, mmng_measures
from staffing.vocabulary import (
    ABANDON_POLICIES,
    AbandonPolicy,
    check_abandon_policy,
    service_level_parts,
)

__all__ = ["ABANDON_POLICIES", "Metrics", "evaluate_erlang"]


@dataclass(frozen=True)
class Metrics:
    """Predicted performance of one or many intervals.

    Attributes
    ----------
    p_wait : probability that a call waits at all.
    service_level : fraction answered within the threshold, per ``abandon_policy``.
    asa_s : mean wait of *answered* calls [s]; ``inf`` when none are answered in steady
        state (Erlang C with agents <= workload).
    abandon_rate : abandoned / offered (0 for Erlang C).
    occupancy : carried load / agents.
    offered_attempts : with redials, the attempts offered in the interval [count]: the
        fresh calls and the redials (and reconnects) they bring back; ``None`` without.
    customer_abandon_rate : with redials, the share of *customers* (fresh calls) who
        finally give up; ``None`` without. Every other measure is per attempt, as the
        ACD reports it.
    """

    p_wait: Any
    service_level: Any
    asa_s: Any
    abandon_rate: Any
    occupancy: Any
    offered_attempts: Any = None
    customer_abandon_rate: Any = None

    def to_frame(self) -> Any:
        """The measures as a pandas DataFrame, one row per interval.

        The redial measures only when there are redials.
        """
        import pandas as pd

        data = {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }
        first = data["p_wait"]
        if np.ndim(first) == 0:
            return pd.DataFrame({k: [v] for k, v in data.items()})
        index = getattr(first, "index", None)
        # A grid of results (e.g. calls x agents broadcast) becomes one row per cell.
        return pd.DataFrame({k: np.asarray(v).reshape(-1) for k, v in data.items()}, index=index)


WITHIN_POLICIES = ("exclude_within", "count_within")


def policy_service_level(
    answered_within: np.ndarray,
    abandoned_within: np.ndarray | None,
    answered: np.ndarray,
    abandon_policy: str,
) -> np.ndarray:
    """Service level under ``abandon_policy`` from shares of offered calls.

    0 where its denominator is empty, by :func:`staffing.vocabulary.service_level_parts`.
    """
    num, den = service_level_parts(
        abandon_policy,
        answered_within=answered_within,
        offered=1.0,
        answered=answered,
        abandoned_within=abandoned_within,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0.0, num / np.where(den > 0.0, den, 1.0), 0.0)
    return np.clip(value, 0.0, 1.0)


def check_policy(abandon_policy: str) -> None:
    check_abandon_policy(abandon_policy)


def check_inputs(
    calls: np.ndarray,
    aht_s: np.ndarray,
    interval_s: np.ndarray,
    patience_s: np.ndarray | None,
    agents: np.ndarray | None = None,
    thresholds_s: list[np.ndarray] | None = None,
) -> None:
    """Validate broadcast inputs once, with a message naming the argument."""

    def bad(name: str, values: np.ndarray, ok: np.ndarray) -> None:
        wrong = ~ok
        if np.any(wrong):
            k = int(np.count_nonzero(wrong))
            first = float(values[wrong].reshape(-1)[0])
            raise StaffingError(f"{name}: {k} value(s) out of range (e.g. {first:g})")

    with np.errstate(invalid="ignore"):
        bad("calls", calls, np.isfinite(calls) & (calls >= 0))
        bad("aht_s", aht_s, np.isfinite(aht_s) & (aht_s > 0))
        bad("interval_s", interval_s, np.isfinite(interval_s) & (interval_s > 0))
        if patience_s is not None:
            bad("patience_s", patience_s, np.isnan(patience_s) | (patience_s > 0))
        if agents is not None:
            bad("agents", agents, np.isfinite(agents) & (agents >= 0))
        for t in thresholds_s or []:
            bad("threshold_s", t, np.isfinite(t) & (t >= 0))


def workload(
    calls: np.ndarray,
    aht_s: np.ndarray,
    interval_s: np.ndarray,
    patience_s: np.ndarray | None,
    agents: np.ndarray | None = None,
) -> np.ndarray:
    """Workload ``calls * aht_s / interval_s`` [Erlang] of validated inputs.

    Refused past the supported range (see :mod:`staffing.queueing.erlang`): a product that overflows
    is infinite, hence refused too.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        a = calls * aht_s / interval_s
        per_patience = None
        if patience_s is not None:
            large = np.isfinite(patience_s) & (a > PATIENCE_CHECK_ERLANGS)
            per_patience = np.where(large, a * patience_s / aht_s, np.nan)
    check_range(a, agents, per_patience)
    return a


def performance(
    n: np.ndarray,
    a: np.ndarray,
    aht_s: np.ndarray,
    patience_s: np.ndarray | None,
    thresholds_s: list[np.ndarray],
    abandon_policy: str,
    *,
    want_asa: bool = True,
    patience_curve: PatienceCurve | None = None,
) -> dict[str, Any]:
    """All measures on broadcast, validated float arrays (1-d or any shape).

    Returns ``p_wait``, ``abandon_rate``, ``occupancy``, ``asa_s`` (if wanted) and
    ``service_level``: a list with one array per threshold. With a ``patience_curve``
    every row with calls is M/M/n+G with that curve
    (:mod:`staffing.queueing.general_patience`) and ``patience_s`` is not read.
    """
    shape = n.shape
    p_wait = np.zeros(shape)
    abandon = np.zeros(shape)
    occupancy = np.zeros(shape)
    asa = np.zeros(shape)
    sls = [np.ones(shape) for _ in thresholds_s]

    erlang_a_mask = (
        np.isfinite(patience_s) if patience_s is not None else np.zeros(shape, dtype=bool)
    )
    busy = a > 0
    if patience_curve is not None:
        erlang_a_mask = np.zeros(shape, dtype=bool)

    g = busy if patience_curve is not None else np.zeros(shape, dtype=bool)
    if np.any(g):
        assert patience_curve is not None
        res = mmng_measures(
            n[g],
            a[g],
            aht_s[g],
            patience_curve,
            [t[g] for t in thresholds_s],
            want_asa=want_asa,
            want_abandoned_within=abandon_policy in WITHIN_POLICIES,
        )
        p_wait[g] = res["p_wait"]
        abandon[g] = res["abandon_rate"]
        occupancy[g] = res["occupancy"]
        if want_asa:
            asa[g] = res["asa_s"]
        for sl, (aw, bw) in zip(sls, res["within"], strict=True):
            sl[g] = policy_service_level(aw, bw, res["answered"], abandon_policy)

    c = busy & ~erlang_a_mask & ~g
    if np.any(c):
        nc, ac, hc = n[c], a[c], aht_s[c]
        stable = nc > ac
        pw = erlang_c_wait_probability(nc, ac)
        p_wait[c] = pw
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            gap = np.where(stable, (nc - ac) / hc, 0.0)  # (n mu - lambda) [1/s]
            occupancy[c] = np.where(stable, ac / nc, 1.0)
            asa[c] = np.where(stable, pw / gap, np.inf)
        for sl, t in zip(sls, thresholds_s, strict=True):
            # P(W <= t) = 1 - C exp(-(n mu - lambda) t); Koole (2013), eq. 5.4. A subnormal
            # aht_s makes the gap infinite: exp(-inf t) is 0 for t > 0 and 1 at t = 0.
            tc = t[c]
            with np.errstate(invalid="ignore", over="ignore"):
                decay = np.where(tc > 0.0, np.exp(-gap * tc), 1.0)
            sl[c] = np.where(stable, 1.0 - pw * decay, 0.0)

    m = busy & erlang_a_mask
    if np.any(m):
        assert patience_s is not None
        res = erlang_a_measures(
            n[m],
            a[m],
            aht_s[m],
            patience_s[m],
            [t[m] for t in thresholds_s],
            want_asa=want_asa,
            want_abandoned_within=abandon_policy in WITHIN_POLICIES,
        )
        p_wait[m] = res["p_wait"]
        ab = np.asarray(res["abandon_rate"])
        abandon[m] = ab
        occupancy[m] = res["occupancy"]
        if want_asa:
            asa[m] = res["asa_s"]
        within = res["within"]
        assert isinstance(within, list)
        for sl, (aw, bw) in zip(sls, within, strict=True):
            sl[m] = policy_service_level(aw, bw, res["answered"], abandon_policy)

    # Zero calls: nobody waits or abandons; agents are idle.
    idle = ~busy
    if np.any(idle):
        for sl in sls:
            sl[idle] = 1.0
    out: dict[str, Any] = {
        "p_wait": p_wait,
        "abandon_rate": abandon,
        "occupancy": occupancy,
        "service_level": sls,
    }
    if want_asa:
        out["asa_s"] = asa
    return out


def evaluate_erlang(
    calls: Any,
    aht_s: Any,
    agents: Any,
    *,
    interval_s: Any = 1800,
    threshold_s: Any = 20,
    patience_s: Any = None,
    abandon_policy: AbandonPolicy = "fail",
) -> Metrics:
    """Erlang C, or Erlang A with exponential patience: :func:`staffing.evaluate`'s core.

    The same arguments and measures, without a patience curve or redials (which
    :mod:`staffing.queueing.api` hands to :mod:`staffing.queueing.redial`).
    """
    check_policy(abandon_policy)
    arrays, template = broadcast(calls, aht_s, agents, interval_s, threshold_s, patience_s)
    c, h, n, iv, t, p = arrays
    check_inputs(c, h, iv, p, agents=n, thresholds_s=[t])
    shape = c.shape
    flat = [x.reshape(-1) if x is not None else None for x in (c, h, n, iv, t, p)]
    c1, h1, n1, iv1, t1, p1 = flat
    assert c1 is not None and h1 is not None and n1 is not None and iv1 is not None
    assert t1 is not None
    a = workload(c1, h1, iv1, p1, agents=n1)
    res = performance(n1, a, h1, p1, [t1], abandon_policy)

    def give(x: np.ndarray) -> Any:
        return wrap(x.reshape(shape), template)

    return Metrics(
        p_wait=give(res["p_wait"]),
        service_level=give(res["service_level"][0]),
        asa_s=give(res["asa_s"]),
        abandon_rate=give(res["abandon_rate"]),
        occupancy=give(res["occupancy"]),
    )
