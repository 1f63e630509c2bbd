"""The interval table a plan or an evaluation returns, built from a prepared forecast."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from staffing.planner.models import FteRules
from staffing.prepared import PreparedForecast

__all__ = ["interval_table"]


def interval_table(
    columns: Sequence[str],
    p: PreparedForecast,
    agents: np.ndarray,
    measures: Mapping[str, np.ndarray],
    fte: FteRules,
    *,
    staffed: np.ndarray | None = None,
    **extra: Any,
) -> pd.DataFrame:
    """One row per forecast interval with ``columns``: staffing, measures and ``extra``.

    Parameters
    ----------
    columns : sequence of str
        The table's columns, in order (:mod:`staffing.planner.tables`).
    p : PreparedForecast
        The forecast, its patience, targets and reported thresholds.
    agents : ndarray
        Agents on the phones per row.
    measures : mapping
        ``service_level``, ``asa_s``, ``abandon_rate``, ``occupancy`` and ``sl_calls`` per
        row (:meth:`PreparedForecast.measures`).
    fte : FteRules
        For ``scheduled``.
    staffed : ndarray, optional
        Staffed agents per row (a roster); default ``agents`` (effective agents) over the
        model's effective-staffing factor (:attr:`PreparedForecast.staffing_factor`), so
        that ``scheduled = agents / factor / (1 - in-centre shrinkage)``.
    **extra
        Further columns by name.
    """
    f = p.frame
    data = {
        "interval_start": f["interval_start"],
        "queue": f["queue"],
        "calls": p.calls,
        "aht_s": p.aht_given_s,
        "workload_erlangs": p.workload_erlangs,
        "agents": agents,
        "service_level": measures["service_level"],
        "asa_s": measures["asa_s"],
        "abandon_rate": measures["abandon_rate"],
        "occupancy": measures["occupancy"],
        "scheduled": fte.scheduled(agents / p.staffing_factor if staffed is None else staffed),
        "interval_s": p.interval_s,
        "patience_s": np.where(np.isfinite(p.patience_s), p.patience_s, np.nan),
        "threshold_s": p.thresholds_s,
        "target": pd.Series(p.keys, index=f.index),
        "sl_calls": measures["sl_calls"],
        **extra,
    }
    return pd.DataFrame(data, index=f.index, columns=list(columns))
