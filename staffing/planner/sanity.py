"""Warnings where a user has almost certainly made a mistake, though the numbers run.

Each check looks at a validated forecast and the plan made from it, and warns (a
:class:`PlanWarning`, printed by the command line as one ``Warning:`` line) rather than
stops: the figures may be right, but the analyst should look before they are used.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from staffing.errors import StaffingWarning, describe_rows
from staffing.queueing import parse_targets
from staffing.queueing.targets import AbandonRate, Asa

__all__ = ["ASA_ABANDON_LIMIT", "MINUTES_LIKE_AHT_S", "PlanWarning", "check_plan_sanity"]

#: Every handle time below this many seconds looks like minutes.
MINUTES_LIKE_AHT_S = 20.0
#: An ASA target met only with more than this share of callers abandoning is hollow.
ASA_ABANDON_LIMIT = 0.20


class PlanWarning(StaffingWarning):
    """A forecast or a plan that is probably not what the user meant."""


def check_plan_sanity(intervals: pd.DataFrame, source: str) -> None:
    """Warn about handle times in minutes, hollow ASA targets and a forecast too small.

    Parameters
    ----------
    intervals : DataFrame
        A plan's interval table (:data:`~staffing.planner.INTERVAL_COLUMNS`), in the
        forecast's row order (row ``i`` is the file's row ``i + 2``).
    source : str
        The forecast's name, for messages.

    Warns
    -----
    PlanWarning
        * ``"f.csv: every aht_s is below 20 s (at most 9.5): handle times in minutes?
          write 9:30 or 570 for 9 minutes 30 seconds"``;
        * ``"f.csv: asa<=30 is met only with more than 20% of callers abandoning in 3
          rows (rows 5, 6, 9): add an abandon target (e.g. abandon<=5%)"``;
        * ``"f.csv: the busiest interval needs under one agent (0.4 Erlangs): calls per
          interval, and aht_s in seconds?"``.
    """
    busy = intervals["calls"].to_numpy(dtype=float) > 0
    if not busy.any():
        return
    aht = intervals["aht_s"].to_numpy(dtype=float)[busy]
    if np.nanmax(aht) < MINUTES_LIKE_AHT_S:
        top = float(np.nanmax(aht))
        minutes, seconds = divmod(round(top * 60), 60)
        warnings.warn(
            f"{source}: every aht_s is below {MINUTES_LIKE_AHT_S:g} s (at most {top:g}): "
            f"handle times in minutes? write {minutes}:{seconds:02d} or {minutes * 60 + seconds} "
            f"for {minutes} minutes {seconds} seconds",
            PlanWarning,
            stacklevel=3,
        )
    workload = intervals["workload_erlangs"].to_numpy(dtype=float)
    if np.nanmax(workload) < 1.0:
        warnings.warn(
            f"{source}: the busiest interval needs under one agent "
            f"({np.nanmax(workload):.2g} Erlangs): calls per interval, and aht_s in seconds?",
            PlanWarning,
            stacklevel=3,
        )
    abandon = intervals["abandon_rate"].to_numpy(dtype=float)
    keys = intervals["target"].astype(str).to_numpy()
    for key in pd.unique(keys):
        if not key or key == "nan":
            continue
        targets = parse_targets(key)
        asa = [t for t in targets if isinstance(t, Asa)]
        if not asa or any(isinstance(t, AbandonRate) for t in targets):
            continue
        hollow = (keys == key) & busy & (abandon > ASA_ABANDON_LIMIT)
        if hollow.any():
            rows = [int(i) + 2 for i in np.flatnonzero(hollow)]
            warnings.warn(
                f"{source}: {asa[0]} is met only with more than {ASA_ABANDON_LIMIT:.0%} of "
                f"callers abandoning in {describe_rows(rows)}: add an abandon target "
                "(e.g. abandon<=5%)",
                PlanWarning,
                stacklevel=3,
            )
