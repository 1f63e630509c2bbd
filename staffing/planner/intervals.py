"""What plan and evaluate share: a forecast set up for solving, and the interval table.

Intervals sharing a target set are solved together in one vectorised call (few distinct
target sets, so the target of each row is kept as a categorical key); the measures of
every interval come from one call of :func:`staffing.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import StaffingError
from staffing.planner.forecast import prepare_forecast
from staffing.planner.models import FteRules, QueueModel
from staffing.planner.windows import assign_targets, canonical_targets, prepare_targets
from staffing.queueing import evaluate, parse_targets
from staffing.queueing.targets import ServiceLevel
from staffing.vocabulary import AbandonPolicy

__all__ = [
    "chunks",
    "constant_keys",
    "forecast_arrays",
    "interval_table",
    "measures",
    "setup",
    "target_keys",
]

_CHUNK = 262_144


def target_keys(forecast: pd.DataFrame, targets: Any, targets_table: Any) -> Any:
    """Canonical target text of each interval, as a categorical (few distinct values)."""
    default = canonical_targets(targets) if targets is not None else None
    if targets_table is None:
        if default is None:
            raise StaffingError("no target given: use e.g. 80/20 (or a `targets_table`)")
        return constant_keys(len(forecast), default)
    rules = prepare_targets(targets_table)
    return pd.Categorical(assign_targets(forecast, rules, default).to_numpy())


def constant_keys(n: int, key: str) -> Any:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([key]))


def _report_threshold(key: str, threshold_s: float | None) -> float:
    """Threshold at which ``service_level`` is reported for a target set."""
    for tg in parse_targets(key):
        if isinstance(tg, ServiceLevel):
            return tg.threshold_s
    return 20.0 if threshold_s is None else float(threshold_s)


def setup(
    forecast: pd.DataFrame,
    targets: Any,
    targets_table: pd.DataFrame | None,
    interval_s: float | str | None,
    model: QueueModel,
    threshold_s: float | None,
    *,
    need_targets: bool = True,
) -> tuple[pd.DataFrame, np.ndarray, Any, np.ndarray]:
    """Validated forecast, patience, target key and reported threshold per row.

    Without targets (``need_targets`` false and none given) every key is empty and the
    service level is reported at ``threshold_s`` (default 20 s).
    """
    f = prepare_forecast(forecast, interval_s=interval_s)
    patience = model.patience(f)
    if not need_targets and targets is None and targets_table is None:
        keys = constant_keys(len(f), "")
        thresholds = np.full(len(f), 20.0 if threshold_s is None else float(threshold_s))
        return f, patience, keys, thresholds
    keys = target_keys(f, targets, targets_table)
    thresholds = np.empty(len(f))
    for key in pd.unique(keys):
        thresholds[keys == key] = _report_threshold(key, threshold_s)
    return f, patience, keys, thresholds


def forecast_arrays(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Calls, handle time as given, handle time to compute with, and interval length."""
    calls = f["calls"].to_numpy(dtype=float)
    aht_raw = f["aht_s"].to_numpy(dtype=float)
    aht = np.where(calls > 0, aht_raw, 1.0)  # zero calls: any handle time, no agents
    interval = f["interval_s"].to_numpy(dtype=float)
    return calls, aht_raw, aht, interval


def chunks(index: np.ndarray) -> list[np.ndarray]:
    return [index[i : i + _CHUNK] for i in range(0, index.size, _CHUNK)] or [index]


def measures(
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    interval: np.ndarray,
    thresholds: np.ndarray,
    patience: np.ndarray,
    abandon_policy: AbandonPolicy,
) -> dict[str, np.ndarray]:
    """Service level, ASA, abandon rate, occupancy and ``sl_calls``, one vectorised pass."""
    m = evaluate(
        calls,
        aht,
        agents,
        interval_s=interval,
        threshold_s=thresholds,
        patience_s=patience,
        abandon_policy=abandon_policy,
    )
    sl = np.asarray(m.service_level, dtype=float)
    ab = np.asarray(m.abandon_rate, dtype=float)
    if abandon_policy == "exclude":
        sl_calls = calls * (1.0 - ab)
    elif abandon_policy == "exclude_within":
        # denominator offered - abandoned within t = answered-within / service level
        aw = np.asarray(
            evaluate(
                calls,
                aht,
                agents,
                interval_s=interval,
                threshold_s=thresholds,
                patience_s=patience,
                abandon_policy="fail",
            ).service_level,
            dtype=float,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            sl_calls = np.where(sl > 0, calls * aw / sl, calls)
    else:
        sl_calls = calls.copy()
    return {
        "service_level": sl,
        "asa_s": np.asarray(m.asa_s, dtype=float),
        "abandon_rate": ab,
        "occupancy": np.asarray(m.occupancy, dtype=float),
        "sl_calls": sl_calls,
    }


def interval_table(
    columns: Sequence[str],
    f: pd.DataFrame,
    agents: np.ndarray,
    measures: Mapping[str, np.ndarray],
    fte: FteRules,
    patience: np.ndarray,
    keys: Any,
    thresholds: np.ndarray,
    **extra: Any,
) -> pd.DataFrame:
    """One row per forecast interval with ``columns``: staffing, measures and ``extra``."""
    calls, aht_raw, aht, interval = forecast_arrays(f)
    data = {
        "interval_start": f["interval_start"],
        "queue": f["queue"],
        "calls": calls,
        "aht_s": aht_raw,
        "workload_erlangs": calls * aht / interval,
        "agents": agents,
        "service_level": measures["service_level"],
        "asa_s": measures["asa_s"],
        "abandon_rate": measures["abandon_rate"],
        "occupancy": measures["occupancy"],
        "scheduled": fte.scheduled(agents),
        "interval_s": interval,
        "patience_s": np.where(np.isfinite(patience), patience, np.nan),
        "threshold_s": thresholds,
        "target": pd.Series(keys, index=f.index),
        "sl_calls": measures["sl_calls"],
        **extra,
    }
    return pd.DataFrame(data, index=f.index, columns=list(columns))
