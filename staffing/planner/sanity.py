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
from staffing.queueing.targets import Asa, TargetSet

__all__ = [
    "ASA_ABANDON_LIMIT",
    "MINUTES_LIKE_AHT_S",
    "PlanWarning",
    "SanityCheck",
    "check_plan_sanity",
]

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
        A plan's interval table (:data:`~staffing.planner.tables.INTERVAL_COLUMNS`), in the
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
    check = SanityCheck(source)
    check.add(intervals)
    check.warn(stacklevel=4)


class SanityCheck:
    """The warnings of :func:`~staffing.planner.sanity.check_plan_sanity` for a chunked plan.

    :meth:`add` each chunk's interval table (with the file rows of its rows), then
    :meth:`warn` once.

    Parameters
    ----------
    source : str
        The forecast's name, for messages.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._busy = False
        self._aht = -np.inf
        self._workload = -np.inf
        self._hollow: dict[str, tuple[int, list[int]]] = {}

    def add(self, intervals: pd.DataFrame, rows: np.ndarray | None = None) -> None:
        """Take in a chunk.

        ``rows``: the file's data-row index of each row, from 0; default the table's own
        positions.
        """
        busy = intervals["calls"].to_numpy(dtype=float) > 0
        if not busy.any():
            return
        self._busy = True
        aht = intervals["aht_s"].to_numpy(dtype=float)[busy]
        self._aht = max(self._aht, float(np.nanmax(aht)))
        workload = intervals["workload_erlangs"].to_numpy(dtype=float)
        self._workload = max(self._workload, float(np.nanmax(workload)))
        abandon = intervals["abandon_rate"].to_numpy(dtype=float)
        codes, keys = pd.factorize(intervals["target"])
        for k, key in enumerate(keys):
            key = str(key)
            if not key or key == "nan":
                continue
            targets = TargetSet.parse(key)
            if targets.asa_cap is None or targets.abandon_cap is not None:
                continue
            hollow = np.flatnonzero((codes == k) & busy & (abandon > ASA_ABANDON_LIMIT))
            if hollow.size:
                found = rows[hollow] if rows is not None else hollow
                count, first = self._hollow.get(key, (0, []))
                shown = sorted([*first, *(int(i) + 2 for i in found[:5])])[:5]
                self._hollow[key] = (count + int(hollow.size), shown)

    def warn(self, stacklevel: int = 2) -> None:
        """Give the warnings the chunks added up to."""
        if not self._busy:
            return
        source = self.source
        if self._aht < MINUTES_LIKE_AHT_S:
            top = self._aht
            minutes, seconds = divmod(round(top * 60), 60)
            warnings.warn(
                f"{source}: every aht_s is below {MINUTES_LIKE_AHT_S:g} s (at most {top:g}): "
                f"handle times in minutes? write {minutes}:{seconds:02d} or "
                f"{minutes * 60 + seconds} for {minutes} minutes {seconds} seconds",
                PlanWarning,
                stacklevel=stacklevel,
            )
        if self._workload < 1.0:
            warnings.warn(
                f"{source}: the busiest interval needs under one agent "
                f"({self._workload:.2g} Erlangs): calls per interval, and aht_s in seconds?",
                PlanWarning,
                stacklevel=stacklevel,
            )
        for key, (count, shown) in self._hollow.items():
            asa = Asa(TargetSet.parse(key).asa_cap or 0.0)
            warnings.warn(
                f"{source}: {asa} is met only with more than {ASA_ABANDON_LIMIT:.0%} of "
                f"callers abandoning in {describe_rows(shown, total=count)}: add an abandon "
                "target (e.g. abandon<=5%)",
                PlanWarning,
                stacklevel=stacklevel,
            )
