"""The calibration's saved form: ``calibration.json``, written and read here only.

:func:`calibration_dict` turns a fitted :class:`~staffing.calibration.CalibrationFitter`
into the JSON-safe mapping that ``staffing calibrate --out`` saves;
:func:`check_calibration` validates such a mapping when it comes back (from
:func:`staffing.io.load_calibration` or straight from Python); :func:`calibrated_patience`
and :func:`patience_for` read patience per queue out of it for the planner.

Keys: ``source``, ``kind`` (``intervals`` or ``records``), ``threshold_s``,
``confidence``, ``history`` (intervals, interval length, first and last interval, calls,
abandons), ``queues`` (queue -> ``patience_s`` pooled over the whole history with
``patience_ci_s``, ``patience_se_s``, ``abandons``, ``calls``, ``abandon_rate``,
``exposure_s``, ``method``, ``enough_abandons``; with a drift analysis
``patience_by_period_s`` (period label -> patience), ``latest_period`` and
``latest_patience_s``; from call records ``kaplan_meier_max_gap`` and ``kaplan_meier``
(``time_s`` and ``survival``, the patience survival curve)), ``relation``, ``periods``,
``backtest`` (``None`` without staffed agents) and ``warnings``. NaN and infinities are
written as ``null``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError

if TYPE_CHECKING:
    from staffing.calibration.calibrator import CalibrationFitter

__all__ = [
    "CALIBRATION_PERIODS",
    "calibrated_patience",
    "calibration_dict",
    "check_calibration",
    "patience_for",
]

#: Choices of :func:`calibrated_patience` besides a period label.
CALIBRATION_PERIODS: tuple[str, ...] = ("latest", "pooled")
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
        entry.update(_kaplan_meier(cal, str(row["queue"])))
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

    if cal.backtest_ is not None:
        bt = cal.backtest_
        models: dict[str, Any] = {}
        for row in bt.summary.to_dict(orient="records"):
            models.setdefault(row["model"], {})[row["measure"]] = {
                "mae": _num(row["mae"]),
                "bias": _num(row["bias"]),
                "rmse": _num(row["rmse"]),
            }
        out["backtest"] = {
            "intervals": len(bt.intervals_),
            "calls": _num(bt.intervals_["offered"].sum()),
            **models,
            "better": dict(bt.better_),
        }
    else:
        out["backtest"] = None
    out["warnings"] = list(cal.warnings_)
    return out


def check_calibration(calibration: Any, *, source: str = "calibration") -> Mapping[str, Any]:
    """Check a loaded calibration: ``queues`` with a positive ``patience_s`` (or ``null``).

    Parameters
    ----------
    calibration : mapping
        The content of ``calibration.json``.
    source : str
        Name used in messages (the file name).

    Returns
    -------
    mapping
        ``calibration``, unchanged.

    Raises
    ------
    InputError
        No usable ``queues``, or a patience that is not a positive number or ``null``.

    Examples
    --------
    >>> check_calibration({"queues": {"sales": {"patience_s": -3}}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: calibration: queue 'sales': patience_s -3 is not a positive ...
    """
    queues = calibration.get("queues") if isinstance(calibration, Mapping) else None
    if not isinstance(queues, Mapping) or not queues:
        raise InputError("no 'queues' in the calibration", source=source)
    for name, entry in queues.items():
        if not isinstance(entry, Mapping):
            raise InputError(f"queue '{name}': not a mapping of estimates", source=source)
        for key in ("patience_s", "latest_patience_s"):
            value = entry.get(key)
            ok = value is None or (
                isinstance(value, int | float) and not isinstance(value, bool) and value > 0
            )
            if not ok:
                raise InputError(
                    f"queue '{name}': {key} {value!r} is not a positive number or null",
                    source=source,
                )
    return calibration


def calibrated_patience(calibration: Mapping[str, Any], period: str = "latest") -> dict[str, float]:
    """Mean patience [s] per queue from a calibration: the latest period, pooled, or one period.

    Parameters
    ----------
    calibration : mapping
        The content of ``calibration.json`` (checked with :func:`check_calibration`).
    period : str, default "latest"
        ``"latest"``: each queue's most recent period with an estimate, where the
        calibration fitted periods (else the pooled estimate); ``"pooled"``: the whole
        history; or a period label such as ``"2024Q3"`` / ``"2024-07"``.

    Returns
    -------
    dict
        Queue -> patience [s]; ``inf`` where the calibration has no estimate (no
        abandons: plan that queue with Erlang C) and NaN where the chosen period has no
        entry for the queue.

    Raises
    ------
    StaffingError
        A period label no queue of the calibration has.

    Examples
    --------
    >>> cal = {"queues": {"sales": {"patience_s": 95.0, "latest_patience_s": 80.0,
    ...                             "patience_by_period_s": {"2024Q1": 110.0, "2024Q2": 80.0}},
    ...                   "care": {"patience_s": None}}}
    >>> calibrated_patience(cal), calibrated_patience(cal, "pooled")
    ({'sales': 80.0, 'care': inf}, {'sales': 95.0, 'care': inf})
    >>> calibrated_patience(cal, "2024Q1")
    {'sales': 110.0, 'care': nan}
    """
    check_calibration(calibration)
    queues: Mapping[str, Any] = calibration["queues"]
    if period not in CALIBRATION_PERIODS:
        labels = {str(p) for e in queues.values() for p in e.get("patience_by_period_s", {})}
        if period not in labels:
            known = ", ".join(sorted(labels)) or "none: the calibration fitted no periods"
            raise StaffingError(
                f"`calibration_period` {period!r}: use latest, pooled or a period of the "
                f"calibration ({known})"
            )

    def one(entry: Mapping[str, Any]) -> float:
        if period == "pooled":
            value = entry.get("patience_s")
        elif period == "latest":
            value = entry.get("latest_patience_s", entry.get("patience_s"))
        else:
            by = entry.get("patience_by_period_s", {})
            if period not in by:
                return math.nan
            value = by[period]
        return math.inf if value is None else float(value)

    return {str(name): one(entry) for name, entry in queues.items()}


def patience_for(calibration: Mapping[str, Any], queues: Any, period: str = "latest") -> Any:
    """Mean patience [s] for each queue of a forecast, from a loaded calibration.

    Parameters
    ----------
    calibration : mapping
        The content of ``calibration.json``.
    queues : str, sequence of str or Series
        Queue names. A calibration of a single queue applies to every queue.
    period : str, default "latest"
        As for :func:`calibrated_patience`.

    Returns
    -------
    float, ndarray or Series
        Patience [s] in the shape of ``queues`` (a Series keeps its index); ``inf`` where
        the calibration has no patience (plan that queue with Erlang C).

    Raises
    ------
    InputError
        A queue the calibration does not know (when it knows more than one). The planner
        falls back instead (see :class:`staffing.planner.QueueModel`).

    Examples
    --------
    >>> cal = {"queues": {"sales": {"patience_s": 95.0}, "care": {"patience_s": None}}}
    >>> patience_for(cal, ["sales", "care"]).tolist()
    [95.0, inf]
    >>> patience_for({"queues": {"all": {"patience_s": 120.0}}}, "anything")
    120.0
    """
    table = calibrated_patience(calibration, period)
    single = next(iter(table.values())) if len(table) == 1 else None

    def one(q: Any) -> float:
        key = str(q)
        if key in table:
            return table[key]
        if single is not None:
            return single
        raise InputError(
            f"the calibration has no patience for queue '{key}' (it has {', '.join(sorted(table))})"
        )

    if isinstance(queues, str):
        return one(queues)
    if isinstance(queues, pd.Series):
        lookup = {q: one(q) for q in pd.unique(queues)}
        return queues.map(lookup).astype(float)
    if isinstance(queues, Sequence | np.ndarray):
        return np.array([one(q) for q in queues], dtype=float)
    return one(queues)
