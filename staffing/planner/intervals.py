"""What plan and evaluate share: a forecast set up for solving, and the interval table.

Intervals sharing a target set are solved together in one vectorised call (few distinct
target sets, so the target of each row is kept as a categorical key); the measures of
every interval come from one call of :func:`staffing.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import StaffingError
from staffing.frames import local_dates
from staffing.planner.forecast import prepare_forecast
from staffing.planner.models import FteRules, QueueModel
from staffing.planner.windows import assign_targets, canonical_targets, prepare_targets
from staffing.queueing import evaluate, parse_targets
from staffing.queueing.targets import ServiceLevel
from staffing.vocabulary import AbandonPolicy

__all__ = [
    "QueueDays",
    "chunks",
    "constant_keys",
    "forecast_arrays",
    "interval_table",
    "measures",
    "queue_days",
    "report_thresholds",
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
    for tg in parse_targets(key) if key else ():
        if isinstance(tg, ServiceLevel):
            return tg.threshold_s
    return 20.0 if threshold_s is None else float(threshold_s)


def report_thresholds(keys: Any, threshold_s: float | None = None) -> np.ndarray:
    """Threshold [s] at which each row's ``service_level`` is reported.

    The first service-level target's threshold of the row's target set; for a set without
    one (or no targets, key ``""``), ``threshold_s`` (default 20 s).

    Examples
    --------
    >>> report_thresholds(pd.Categorical(["90/10+99/300", "abandon<=5%", ""])).tolist()
    [10.0, 20.0, 20.0]
    """
    keys = pd.Categorical(keys)
    values = np.array([_report_threshold(str(k), threshold_s) for k in keys.categories])
    return values[keys.codes] if values.size else np.full(len(keys), np.nan)


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
    return f, patience, keys, report_thresholds(keys, threshold_s)


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


@dataclass(frozen=True)
class QueueDays:
    """A forecast's rows grouped into queue-days and open stretches, in time order.

    A *queue-day* is one queue's intervals on one local (wall-clock) date. Within it, an
    *open stretch* is a run of consecutive intervals: a gap (closed intervals, no rows)
    ends one stretch and the next row opens another. A time-varying method starts each
    stretch empty, as a day's opening.

    Attributes
    ----------
    order : ndarray of intp
        Row positions of the forecast, queue-day by queue-day, each in time order.
    day : ndarray of intp
        Queue-day number (0, 1, ...) of each position of ``order``.
    stretch : ndarray of intp
        Open-stretch number (0, 1, ...) of each position of ``order``.
    bounds : ndarray of intp
        Where each queue-day starts in ``order``, then ``len(order)``.
    queues : ndarray of object
        Queue of each queue-day.
    dates : ndarray of datetime64[D]
        Local date of each queue-day.
    """

    order: np.ndarray
    day: np.ndarray
    stretch: np.ndarray
    bounds: np.ndarray
    queues: np.ndarray
    dates: np.ndarray

    def __len__(self) -> int:
        return int(self.queues.size)

    @property
    def opening(self) -> np.ndarray:
        """Whether each forecast row opens a stretch (in the forecast's row order)."""
        first = np.ones(self.order.size, dtype=bool)
        first[1:] = self.stretch[1:] != self.stretch[:-1]
        out = np.zeros(self.order.size, dtype=bool)
        out[self.order] = first
        return out

    def rows(self, d: int) -> np.ndarray:
        """Forecast row positions of queue-day ``d``, in time order."""
        return self.order[self.bounds[d] : self.bounds[d + 1]]

    def stretch_starts(self, d: int) -> np.ndarray:
        """Offsets within queue-day ``d`` where each of its stretches starts, then its size."""
        part = self.stretch[self.bounds[d] : self.bounds[d + 1]]
        starts = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
        return np.append(starts, part.size)


def queue_days(f: pd.DataFrame) -> QueueDays:
    """Group a prepared forecast into queue-days and open stretches (see :class:`QueueDays`).

    Examples
    --------
    >>> f = prepare_forecast(pd.DataFrame({
    ...     "interval_start": ["2025-03-03 09:00", "2025-03-03 09:30", "2025-03-03 11:00",
    ...                        "2025-03-04 09:00"],
    ...     "calls": [10.0, 20.0, 15.0, 12.0], "aht_s": 180.0}), interval_s="30min")
    >>> qd = queue_days(f)
    >>> len(qd), qd.stretch.tolist(), qd.opening.tolist()
    (2, [0, 0, 1, 2], [True, False, True, True])
    """
    n = len(f)
    t = f["interval_start"]
    utc = (
        t.dt.tz_convert("UTC").dt.tz_localize(None)
        if isinstance(t.dtype, pd.DatetimeTZDtype)
        else t
    )
    ns = utc.to_numpy().astype("datetime64[ns]").astype(np.int64)
    dates = local_dates(t)
    codes = pd.factorize(f["queue"])[0]
    order = np.lexsort((ns, codes)).astype(np.intp)
    c, d, s = codes[order], dates[order], ns[order]
    new_day = np.ones(n, dtype=bool)
    new_day[1:] = (c[1:] != c[:-1]) | (d[1:] != d[:-1])
    length_ns = f["interval_s"].to_numpy(dtype=float)[order] * 1e9
    new_stretch = new_day.copy()
    new_stretch[1:] |= (s[1:] - s[:-1]) > length_ns[:-1] * (1.0 + 1e-9)
    day = np.cumsum(new_day) - 1
    stretch = np.cumsum(new_stretch) - 1
    first = np.flatnonzero(new_day)
    return QueueDays(
        order=order,
        day=day.astype(np.intp),
        stretch=stretch.astype(np.intp),
        bounds=np.append(first, n).astype(np.intp),
        queues=f["queue"].to_numpy(dtype=object)[order[first]],
        dates=d[first],
    )
