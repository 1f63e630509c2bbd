"""The calibration's saved form: ``calibration.json``, written and read here only.

:func:`calibration_dict` turns a fitted :class:`~staffing.calibration.CalibrationFitter`
into the JSON-safe mapping that ``staffing calibrate --out`` saves;
:func:`check_calibration` validates such a mapping when it comes back (from
:func:`staffing.io.load_calibration` or straight from Python); :func:`calibrated_patience`
and :func:`patience_for` read patience per queue out of it for the planner (both live in
:mod:`staffing.prepared.calibration`, below the planner and the simulation, which read
them; this module writes the mapping).

Keys: ``source``, ``kind`` (``intervals`` or ``records``), ``threshold_s``,
``confidence``, ``history`` (intervals, interval length, first and last interval, calls,
abandons), ``queues`` (queue -> ``patience_s`` pooled over the whole history with
``patience_ci_s``, ``patience_se_s``, ``abandons``, ``calls``, ``abandon_rate``,
``exposure_s``, ``method``, ``enough_abandons``; with a drift analysis
``patience_by_period_s`` (period label -> patience), ``latest_period`` and
``latest_patience_s``; from call records ``kaplan_meier_max_gap`` and ``kaplan_meier``
(``time_s`` and ``survival``, the patience survival curve); with caller ids (or a
redial share given) ``redial`` (:mod:`staffing.calibration.redials`: ``share``,
``shares`` within 10 min, 1 h and 24 h, ``reconnect_share``, ``delay_curve``, counts)),
``relation``, ``periods``,
``history_sl`` (what the history's service level divides), ``agents_estimate``,
``max_idle_s`` and ``pools`` (how the history was read, so that ``staffing backtest``
reads it alike), ``holdout`` (its start and end, or ``null``), ``effective_staffing``
(the fit of ``effective agents = factor x staffed agents``: the estimator, the fit
period, per queue and per period with drift tests, and the factor against after-call
work out of sample; ``null`` without staffed agents), ``backtest`` (``null`` without
staffed agents) and ``warnings``. With effective staffing each queue also carries
``staffing_factor`` with ``staffing_factor_ci`` and ``staffing_factor_se``, and per
period ``staffing_factor_by_period``, ``latest_staffing_period`` and
``latest_staffing_factor`` (what :func:`staffing.prepared.calibration.
calibrated_staffing_factor` reads). NaN and infinities are written as ``null``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from staffing.prepared.calibration import (
    CALIBRATION_PERIODS,
    calibrated_patience,
    check_calibration,
    patience_for,
)

if TYPE_CHECKING:
    from staffing.calibration.calibrator import CalibrationFitter

__all__ = [
    "CALIBRATION_PERIODS",
    "calibrated_patience",
    "calibration_dict",
    "check_calibration",
    "patience_for",
]
_KM_POINTS = 1000  # most points of a stored Kaplan-Meier curve


def _num(x: Any) -> float | None:
    """A JSON-safe number: NaN and infinities become ``None``."""
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in df.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for k, v in row.items():
            if isinstance(v, bool | np.bool_):
                clean[str(k)] = bool(v)
            elif isinstance(v, int | float | np.integer | np.floating):
                clean[str(k)] = _num(v)
            else:
                clean[str(k)] = None if v is None else str(v)
        out.append(clean)
    return out


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        return _num(obj)
    return obj


def _period_entries(cal: CalibrationFitter, queue: str) -> dict[str, Any]:
    """Patience per period of one queue, and the latest period with an estimate."""
    if cal.periods_ is None:
        return {}
    s = cal.periods_.summary
    part = s[s["queue"].astype(str) == queue].sort_values("period", kind="stable")
    values = part["patience_s"].to_numpy(dtype=float)
    labels = part["period"].astype(str).tolist()
    out: dict[str, Any] = {
        "patience_by_period_s": {p: _num(v) for p, v in zip(labels, values, strict=True)}
    }
    known = [i for i, v in enumerate(values) if math.isfinite(v)]
    if known:
        out["latest_period"] = labels[known[-1]]
        out["latest_patience_s"] = _num(values[known[-1]])
    return out


def _kaplan_meier(cal: CalibrationFitter, queue: str) -> dict[str, Any]:
    km = cal.kaplan_meier_.get(queue)
    if km is None or km.survival_.empty:
        return {}
    t = km.survival_["time_s"].to_numpy(dtype=float)
    if t.size > _KM_POINTS:
        t = np.unique(np.quantile(t, np.linspace(0.0, 1.0, _KM_POINTS)))
    return {
        "kaplan_meier": {
            "time_s": [float(v) for v in t],
            "survival": [float(v) for v in km.survival_at(t)],
        }
    }


def _staffing_entries(cal: CalibrationFitter, queue: str) -> dict[str, Any]:
    """The effective-staffing factor of one queue: pooled, per period, latest."""
    eff = cal.effective_
    if eff is None:
        return {}
    rows = eff.summary[eff.summary["queue"].astype(str) == queue]
    if rows.empty:
        return {}
    row = rows.iloc[0]
    out: dict[str, Any] = {
        "staffing_factor": _num(row["estimate"]),
        "staffing_factor_ci": [_num(row["ci_low"]), _num(row["ci_high"])],
        "staffing_factor_se": _num(row["se"]),
    }
    if eff.periods_ is not None:
        part = eff.periods_[eff.periods_["queue"].astype(str) == queue]
        part = part.sort_values("period", kind="stable")
        labels = part["period"].astype(str).tolist()
        values = part["estimate"].to_numpy(dtype=float)
        out["staffing_factor_by_period"] = {p: _num(v) for p, v in zip(labels, values, strict=True)}
        known = [i for i, v in enumerate(values) if math.isfinite(v)]
        if known:
            out["latest_staffing_period"] = labels[known[-1]]
            out["latest_staffing_factor"] = _num(values[known[-1]])
    return out


def _effective_dict(cal: CalibrationFitter) -> dict[str, Any] | None:
    eff = cal.effective_
    if eff is None:
        return None
    h = cal.history_
    out: dict[str, Any] = {
        "form": "effective agents = staffing_factor x staffed agents",
        "model": "Erlang A with each interval's calibrated patience (Erlang C without one)",
        "estimator": (
            "root of sum(D_i p_i(factor)) = sum(N_i) over the fitted intervals (the model's "
            "calls served within the threshold equal the history's), sandwich standard "
            "error clustered by day, bootstrap bias correction"
        ),
        "fit_start": str(h["interval_start"].min()),
        "fit_end": str(h["interval_start"].max()),
        "confidence": float(eff.confidence),
        "bias_replications": int(eff.bias_replications),
        "by_queue": _records(eff.summary),
    }
    if eff.periods_ is not None:
        out["periods"] = _records(eff.periods_)
        assert eff.drift_ is not None and eff.changes_ is not None
        out["drift"] = _records(eff.drift_)
        out["changes"] = _records(eff.changes_)
    if cal.forms_ is not None and not cal.forms_.empty:
        out["forms"] = _records(cal.forms_)
        out["better_form"] = str(cal.forms_["form"].iloc[0])
        out["forms_tested_on"] = (
            "held-out part" if cal.holdout_ is not None else ("last quarter of the fitted days")
        )
    return out


def _backtest_dict(cal: CalibrationFitter) -> dict[str, Any] | None:
    bt = cal.backtest_
    if bt is None:
        return None
    iv = bt.intervals_
    return {
        "scope": cal.backtest_scope_,
        "start": str(iv["interval_start"].min()),
        "end": str(iv["interval_start"].max()),
        "intervals": len(iv),
        "calls": _num(iv["offered"].sum()),
        "models": list(bt.models),
        "replications": int(bt.replications),
        "staffing": "effective (staffing_factor x staffed agents)",
        "summary": _records(bt.summary),
        "judged_queues": list(bt.judged_),
        "verdict": _jsonable(cal.verdict_),
    }


def calibration_dict(cal: CalibrationFitter) -> dict[str, Any]:
    """The content of ``calibration.json`` (JSON-safe: NaN and inf become ``None``).

    Returns
    -------
    dict
        See the module notes.
    """
    h = cal.history_
    out: dict[str, Any] = {
        "source": cal.source_,
        "kind": str(h.attrs.get("kind", "intervals")),
        "threshold_s": float(cal.threshold_s),
        "confidence": float(cal.confidence),
        "history": {
            "intervals": len(h),
            "interval_s": _num(h["interval_s"].median()) if len(h) else None,
            "start": str(h["interval_start"].min()),
            "end": str(h["interval_start"].max()),
            "calls": _num(h["offered"].sum()),
            "abandons": _num(h["abandoned"].sum()),
        },
        "history_sl": str(h.attrs.get("history_sl", "fail")),
        "agents_estimate": str(h.attrs.get("agents_estimate", "reported")),
        "max_idle_s": _num(h.attrs.get("max_idle_s")),
        "pools": [str(p) for p in h.attrs.get("pools", [])],
        "holdout": None
        if cal.holdout_ is None
        else {
            "start": str(cal.holdout_["interval_start"].min()),
            "end": str(cal.holdout_["interval_start"].max()),
        },
    }
    queues: dict[str, Any] = {}
    for row in cal.summary.to_dict(orient="records"):
        entry = {
            "patience_s": _num(row["patience_s"]),
            "patience_ci_s": [_num(row["ci_low_s"]), _num(row["ci_high_s"])],
            "patience_se_s": _num(row["se_s"]),
            "abandons": _num(row["abandons"]),
            "calls": _num(row["calls"]),
            "abandon_rate": _num(row["abandon_rate"]),
            "exposure_s": _num(row["exposure_s"]),
            "method": str(row["method"]),
            "enough_abandons": bool(row["enough_abandons"]),
        }
        if "km_max_gap" in row:
            entry["kaplan_meier_max_gap"] = _num(row["km_max_gap"])
        entry.update(_period_entries(cal, str(row["queue"])))
        entry.update(_staffing_entries(cal, str(row["queue"])))
        entry.update(_kaplan_meier(cal, str(row["queue"])))
        found = getattr(cal, "redials_", None)
        redials = found.to_dict() if found is not None else {}
        if str(row["queue"]) in redials:
            entry["redial"] = _jsonable(redials[str(row["queue"])])
        queues[str(row["queue"])] = entry
    out["queues"] = queues

    relation: dict[str, Any] = {}
    if cal.relation_ is not None:
        r = cal.relation_
        relation = {
            "model": "logit(abandon_rate) = intercept + slope * log(-log(service_level))",
            "intercept": r.intercept_,
            "slope": r.slope_,
            "covariance": [[float(v) for v in row] for row in r.cov_],
            "dispersion": r.dispersion_,
            "intervals": r.intervals_,
            "calls": r.calls_,
            "abandons": r.abandons_,
            "service_level_range": list(r.sl_range_),
        }
        if cal.relation_by_queue_:
            relation["by_queue"] = {
                q: {"intercept": f.intercept_, "slope": f.slope_, "intervals": f.intervals_}
                for q, f in cal.relation_by_queue_.items()
            }
    if cal.target_:
        t = cal.target_
        relation["abandon_target"] = t["abandon_target"]
        relation["sl_for_abandon_target"] = _num(t["sl_for_abandon_target"])
        relation["sl_for_abandon_target_ci"] = [_num(v) for v in t["sl_for_abandon_target_ci"]]
        relation["erlang_a_sl_for_abandon_target"] = _num(t["erlang_a_sl_for_abandon_target"])
        relation["erlang_a_sl_for_abandon_target_ci"] = [
            _num(v) for v in t["erlang_a_sl_for_abandon_target_ci"]
        ]
        if "by_queue" in t:
            for q, v in t["by_queue"].items():
                relation.setdefault("by_queue", {}).setdefault(q, {}).update(
                    {
                        "sl_for_abandon_target": _num(v["sl"]),
                        "sl_for_abandon_target_ci": [_num(v["ci_low"]), _num(v["ci_high"])],
                        "erlang_a_sl_for_abandon_target": _num(v["erlang_a"]),
                    }
                )
    out["relation"] = _jsonable(relation)

    periods: dict[str, Any] = {"by": cal.by}
    if cal.periods_ is not None:
        periods["patience"] = _records(cal.periods_.summary)
        assert cal.patience_drift_ is not None and cal.patience_changes_ is not None
        periods["patience_drift"] = _records(cal.patience_drift_)
        periods["patience_changes"] = _records(cal.patience_changes_)
        if cal.relation_periods_ is not None:
            periods["relation"] = _records(cal.relation_periods_)
        periods["relation_drift"] = _jsonable(cal.relation_drift_)
    out["periods"] = periods

    out["effective_staffing"] = _effective_dict(cal)
    out["backtest"] = _backtest_dict(cal)
    out["warnings"] = list(cal.warnings_)
    return out
