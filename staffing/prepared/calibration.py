"""What a saved calibration tells a plan.

Patience per queue, its survival curve, the effective-staffing factor and redials.

``calibration.json`` is written by :mod:`staffing.calibration.schema` (from a fitted
:class:`~staffing.calibration.CalibrationFitter`) and read back here only, below every
package that plans, simulates or judges with it: :func:`check_calibration` validates the
mapping when it comes back (from :func:`staffing.io.load_calibration` or straight from
Python); :func:`calibrated_patience` and :func:`patience_for` read the mean patience per
queue, :func:`patience_curves` the Kaplan-Meier curve of each queue that has one, and
:func:`calibrated_staffing_factor` the effective agents per staffed agent, and
:func:`calibrated_redials` the share of abandoned callers who called again, with the
curve of their delays, where the history identified its callers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError
from staffing.queueing.redial import RedialDelay

__all__ = [
    "CALIBRATION_PERIODS",
    "calibrated_patience",
    "calibrated_redials",
    "calibrated_staffing_factor",
    "check_calibration",
    "patience_curves",
    "patience_for",
]

#: Choices of :func:`calibrated_patience` besides a period label.
CALIBRATION_PERIODS: tuple[str, ...] = ("latest", "pooled")


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
        by_period = entry.get("staffing_factor_by_period") or {}
        if not isinstance(by_period, Mapping):
            raise InputError(
                f"queue '{name}': staffing_factor_by_period is not a mapping", source=source
            )
        given = {
            "staffing_factor": entry.get("staffing_factor"),
            "latest_staffing_factor": entry.get("latest_staffing_factor"),
            **{f"staffing factor of {p}": v for p, v in by_period.items()},
        }
        for key, value in given.items():
            ok = value is None or (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and value > 0
            )
            if not ok:
                raise InputError(
                    f"queue '{name}': {key} {value!r} is not a positive number or null",
                    source=source,
                )
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


def calibrated_staffing_factor(
    calibration: Mapping[str, Any], period: str = "latest"
) -> dict[str, float]:
    """Effective agents per staffed agent, per queue: the latest period, pooled, or one.

    Parameters
    ----------
    calibration : mapping
        The content of ``calibration.json``.
    period : str, default "latest"
        As for :func:`calibrated_patience`: ``"latest"`` (each queue's latest period with
        a factor, else the pooled one), ``"pooled"`` or a period label.

    Returns
    -------
    dict
        Queue -> factor; only the queues with one (a calibration without staffed agents
        has none: plans then take agents as effective).

    Examples
    --------
    >>> cal = {"queues": {"all": {"patience_s": 380.0, "staffing_factor": 0.85,
    ...                           "latest_staffing_factor": 0.86,
    ...                           "staffing_factor_by_period": {"1999-04": 0.86}}}}
    >>> calibrated_staffing_factor(cal), calibrated_staffing_factor(cal, "pooled")
    ({'all': 0.86}, {'all': 0.85})
    """
    check_calibration(calibration)
    out: dict[str, float] = {}
    for name, entry in calibration["queues"].items():
        if period == "pooled":
            value = entry.get("staffing_factor")
        elif period == "latest":
            value = entry.get("latest_staffing_factor", entry.get("staffing_factor"))
        else:
            value = (entry.get("staffing_factor_by_period") or {}).get(period)
        if value is not None:
            out[str(name)] = float(value)
    return out


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


def patience_curves(
    calibration: Mapping[str, Any] | None, queues: Any
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The calibration's patience survival curve (Kaplan-Meier) of each queue that has one.

    The calibration is the most specific source of patience (see
    :class:`~staffing.prepared.QueueModel`), so where it holds a curve for a queue
    (``calibration.json`` from call records), a simulation draws that queue's patience
    from it. A calibration of a single queue applies to every queue. The curve covers the
    whole history, whatever ``calibration_period`` chose for the mean.

    Parameters
    ----------
    calibration : mapping or None
        The content of ``calibration.json``.
    queues : iterable of str
        The queues to look up.

    Returns
    -------
    dict
        Queue -> (``time_s``, ``survival``) arrays, for the queues with a curve.

    Examples
    --------
    >>> cal = {"queues": {"sales": {"patience_s": 95.0, "kaplan_meier":
    ...        {"time_s": [30.0, 90.0], "survival": [0.8, 0.5]}}, "care": {"patience_s": 60.0}}}
    >>> sorted(patience_curves(cal, ["sales", "care"]))
    ['sales']
    """
    if calibration is None:
        return {}
    entries: Mapping[str, Any] = calibration.get("queues", {})
    single = next(iter(entries.values())) if len(entries) == 1 else None
    out = {}
    for q in pd.unique(
        pd.Series(list(queues) if not isinstance(queues, pd.Series) else queues).astype(str)
    ):
        entry = entries.get(q, single)
        km = entry.get("kaplan_meier") if isinstance(entry, Mapping) else None
        if not isinstance(km, Mapping) or not km.get("time_s"):
            continue
        t = np.asarray(km["time_s"], dtype=float)
        s = np.asarray(km["survival"], dtype=float)
        out[str(q)] = (t, s)
    return out


def calibrated_redials(calibration: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The calibration's redials per queue: ``share``, ``reconnect`` and ``delay``.

    ``calibration.json`` from call records with caller ids holds, per queue, a ``redial``
    entry (:mod:`staffing.calibration.redials`): the share of abandons followed by
    another call of the same caller within its window (24 h), the share of answered
    calls followed by one (``reconnect_share``), and the curve of the delays
    (``delay_curve``: ``delay_s`` and ``share``, the share of those redials back within
    each delay). Queues without one are left out.

    Returns
    -------
    dict
        Queue -> ``{"share": float, "reconnect": float, "delay": RedialDelay or None}``.

    Raises
    ------
    InputError
        A share outside ``[0, 1)`` or a delay curve that does not rise to 1.

    Examples
    --------
    >>> cal = {"queues": {"PS": {"patience_s": 95.0, "redial": {"share": 0.55,
    ...        "reconnect_share": 0.2, "delay_curve": {"delay_s": [60, 600, 86400],
    ...        "share": [0.2, 0.5, 1.0]}}}}}
    >>> r = calibrated_redials(cal)["PS"]
    >>> r["share"], r["reconnect"], r["delay"].describe()
    (0.55, 0.2, 'the calibrated delay curve (mean 21855 s)')
    """
    if calibration is None:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name, entry in calibration.get("queues", {}).items():
        found = entry.get("redial") if isinstance(entry, Mapping) else None
        if not isinstance(found, Mapping) or found.get("share") is None:
            continue
        share: Any = found.get("share")
        reconnect: Any = found.get("reconnect_share") or 0.0
        for key, value in (("share", share), ("reconnect_share", reconnect)):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not (ok and 0.0 <= float(value) < 1.0):
                raise InputError(
                    f"queue '{name}': redial {key} {value!r} is not a share in [0, 1)",
                    source="calibration",
                )
        curve = found.get("delay_curve")
        delay = None
        if isinstance(curve, Mapping) and curve.get("delay_s"):
            try:
                delay = RedialDelay.empirical(curve["delay_s"], curve["share"])
            except StaffingError as exc:
                raise InputError(f"queue '{name}': {exc}", source="calibration") from None
        out[str(name)] = {"share": float(share), "reconnect": float(reconnect), "delay": delay}
    return out
