"""The prepared forecast: a forecast set up once for solving, simulating and judging.

:func:`prepare` validates a forecast (or a plan's interval table), applies the queue
model's one patience rule, gives every row its target set (the default targets, a targets
table's windows, or a plan's own ``target`` column) and the threshold its service level is
reported at, and returns one frozen :class:`PreparedForecast`. The planner, the day
simulator, the contracts and the schedules take it by name: its per-row arrays, its
queue-days (:class:`~staffing.prepared.days.QueueDays`), its target sets and their
judgement, its patience curves, and the stationary measures of any staffing of it.

Intervals sharing a target set are solved together in one vectorised call (few distinct
target sets, so the target of each row is kept as a categorical key, the set's canonical
text, and each key's :class:`~staffing.queueing.TargetSet` is parsed once).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import StaffingError
from staffing.frames import check_column
from staffing.frames.values import seconds_column
from staffing.prepared.calibration import patience_curves
from staffing.prepared.days import QueueDays, queue_days
from staffing.prepared.forecast import validate_forecast
from staffing.prepared.model import PatienceWarning, QueueModel
from staffing.prepared.windows import assign_targets, prepare_targets
from staffing.queueing import evaluate
from staffing.queueing.general_patience import PatienceCurve
from staffing.queueing.redial import RedialDelay, customer_abandon_rate
from staffing.queueing.targets import TargetSet, TargetsLike
from staffing.vocabulary import AbandonPolicy, service_level_denominator

__all__ = [
    "CHUNK_ROWS",
    "PreparedForecast",
    "column_keys",
    "constant_keys",
    "measures",
    "prepare",
    "report_thresholds",
    "row_chunks",
    "target_keys",
]

#: Rows evaluated in one vectorised call (memory stays flat on big forecasts).
CHUNK_ROWS = 262_144
#: Threshold [s] a service level is reported at when no target and no option says.
DEFAULT_THRESHOLD_S = 20.0


def constant_keys(n: int, key: str) -> Any:
    """``n`` rows of one target key, as a categorical."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([key]))


def target_keys(forecast: pd.DataFrame, targets: TargetsLike | None, targets_table: Any) -> Any:
    """Canonical target text of each interval, as a categorical (few distinct values)."""
    default = str(TargetSet.of(targets)) if targets is not None else None
    if targets_table is None:
        if default is None:
            raise StaffingError("no target given: use e.g. 80/20 (or a `targets_table`)")
        return constant_keys(len(forecast), default)
    rules = prepare_targets(targets_table)
    return pd.Categorical(assign_targets(forecast, rules, default).to_numpy())


def column_keys(column: pd.Series) -> Any:
    """Canonical target text per row from a table's ``target`` column (``""`` where empty).

    Examples
    --------
    >>> column_keys(pd.Series(["80/20", "abandon <= 5%+80/20", None])).tolist()
    ['80/20', 'abandon<=5%+80/20', '']
    """
    texts = {}
    for value in pd.unique(column):
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        texts[value] = "" if missing else str(TargetSet.parse(str(value)))
    return pd.Categorical(column.map(texts).fillna("").astype(str))


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
    default = DEFAULT_THRESHOLD_S if threshold_s is None else float(threshold_s)
    values = np.array([TargetSet.parse(str(k)).report_threshold(default) for k in keys.categories])
    return values[keys.codes] if values.size else np.full(len(keys), np.nan)


def _column_thresholds(f: pd.DataFrame, keys: Any) -> np.ndarray:
    """The threshold [s] of each row of a plan read back.

    Its target's first service level, else the table's ``threshold_s`` cell, which must
    then be a duration >= 0.
    """
    source = str(f.attrs.get("source", "plan"))
    given = seconds_column(f, "threshold_s", source=source).to_numpy(dtype=float)
    with_sl = report_thresholds(keys, np.nan)
    needed = np.isnan(with_sl)
    with np.errstate(invalid="ignore"):
        bad = needed & ~(np.isfinite(given) & (given >= 0))
    check_column(
        f,
        "threshold_s",
        ~bad,
        "missing or negative threshold where the target has no service level "
        "(give a threshold in seconds, or --threshold)",
        source=source,
    )
    return np.where(needed, given, with_sl)


def row_chunks(index: np.ndarray) -> list[np.ndarray]:
    """``index`` in pieces of at most :data:`~staffing.prepared.prepared.CHUNK_ROWS` rows."""
    return [index[i : i + CHUNK_ROWS] for i in range(0, index.size, CHUNK_ROWS)] or [index]


def measures(
    calls: np.ndarray,
    aht: np.ndarray,
    agents: np.ndarray,
    interval: np.ndarray,
    thresholds: np.ndarray,
    patience: np.ndarray,
    abandon_policy: AbandonPolicy,
    patience_curve: PatienceCurve | None = None,
) -> dict[str, np.ndarray]:
    """Service level, ASA, abandon rate, occupancy and ``sl_calls``, one vectorised pass.

    ``sl_calls`` is the service level's denominator in calls under the abandon policy
    (:func:`staffing.vocabulary.service_level_denominator`), the weight a period's
    service level averages intervals with. With a ``patience_curve`` the measures are
    M/M/n+G's with that curve (``patience`` is not read).
    """
    if patience_curve is not None:
        patience = None  # type: ignore[assignment]
    m = evaluate(
        calls,
        aht,
        agents,
        interval_s=interval,
        threshold_s=thresholds,
        patience_s=patience,
        abandon_policy=abandon_policy,
        patience_curve=patience_curve,
    )
    sl = np.asarray(m.service_level, dtype=float)
    ab = np.asarray(m.abandon_rate, dtype=float)
    abandoned_within = None
    if abandon_policy == "exclude_within":
        # answered within t / offered, then abandoned within t = offered - AW / SL
        aw = np.asarray(
            evaluate(
                calls,
                aht,
                agents,
                interval_s=interval,
                threshold_s=thresholds,
                patience_s=patience,
                abandon_policy="fail",
                patience_curve=patience_curve,
            ).service_level,
            dtype=float,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            abandoned_within = np.where(sl > 0, calls - calls * aw / sl, 0.0)
    sl_calls = service_level_denominator(
        abandon_policy, offered=calls, abandoned=calls * ab, abandoned_within=abandoned_within
    )
    return {
        "service_level": sl,
        "asa_s": np.asarray(m.asa_s, dtype=float),
        "abandon_rate": ab,
        "occupancy": np.asarray(m.occupancy, dtype=float),
        "sl_calls": np.array(sl_calls, dtype=float),  # its own array, never the calls
    }


@dataclass(frozen=True, eq=False)
class PreparedForecast:
    """A forecast set up once: validated rows, patience, targets and reported thresholds.

    Made by :func:`prepare`; every array has one value per row of :attr:`frame`, in its
    order (row ``i`` is the file's row ``i + 2``).

    Attributes
    ----------
    frame : DataFrame
        The validated forecast (:func:`~staffing.prepared.validate_forecast`):
        ``interval_start``, ``queue``, ``calls``, ``aht_s``, ``interval_s``, optional
        ``patience_s`` and any other columns as given.
    model : QueueModel
        Patience sources and the abandon policy.
    patience_s : ndarray
        Mean patience [s] of each row by the model's one rule (``inf``: Erlang C).
    keys : Categorical
        Each row's target set as canonical text (``""``: no targets).
    thresholds_s : ndarray
        The threshold [s] each row's service level is reported at.
    """

    frame: pd.DataFrame
    model: QueueModel
    patience_s: np.ndarray
    keys: Any
    thresholds_s: np.ndarray

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def source(self) -> str:
        """The file (or table) name messages use."""
        return str(self.frame.attrs.get("source", "forecast"))

    @property
    def abandon_policy(self) -> AbandonPolicy:
        """How abandoned calls enter the service level."""
        return self.model.abandon_policy

    # -- per-row arrays -------------------------------------------------------------------

    @cached_property
    def calls(self) -> np.ndarray:
        """Calls offered [count] (float)."""
        return self.frame["calls"].to_numpy(dtype=float)

    @cached_property
    def aht_given_s(self) -> np.ndarray:
        """Handle time [s] as the forecast gives it (may be empty where no calls)."""
        return self.frame["aht_s"].to_numpy(dtype=float)

    @cached_property
    def aht_s(self) -> np.ndarray:
        """Handle time [s] to compute with.

        1 where there are no calls (any value needs no agents there).
        """
        return np.where(self.calls > 0, self.aht_given_s, 1.0)

    @cached_property
    def interval_s(self) -> np.ndarray:
        """Interval length [s]."""
        return self.frame["interval_s"].to_numpy(dtype=float)

    @cached_property
    def staffing_factor(self) -> np.ndarray:
        """Effective agents per staffed agent, per row.

        By :meth:`QueueModel.staffing_factors`: 1 unless a calibration or the model says
        otherwise.
        """
        return self.model.staffing_factors(self.frame)

    @cached_property
    def workload_erlangs(self) -> np.ndarray:
        """``calls * aht_s / interval_s``."""
        return self.calls * self.aht_s / self.interval_s

    @cached_property
    def queues(self) -> np.ndarray:
        """Queue name of each row (object)."""
        return self.frame["queue"].to_numpy(dtype=object)

    @cached_property
    def key_text(self) -> np.ndarray:
        """Each row's target key as an object array of text."""
        return np.asarray(self.keys, dtype=object).astype(str)

    # -- grouping -------------------------------------------------------------------------

    @cached_property
    def days(self) -> QueueDays:
        """The rows grouped into queue-days and open stretches."""
        return queue_days(self.frame)

    @cached_property
    def target_sets(self) -> dict[str, TargetSet]:
        """Each target key's set, parsed once."""
        return {str(k): TargetSet.parse(str(k)) for k in pd.Categorical(self.keys).categories}

    def targets_of(self, key: str) -> TargetSet:
        """The target set of a key (``""``: the empty set)."""
        return self.target_sets.get(key) or TargetSet.parse(key)

    def target_groups(
        self, rows: np.ndarray | None = None
    ) -> Iterator[tuple[TargetSet, np.ndarray]]:
        """Each target set with the rows (positions) that have it, in key order.

        Parameters
        ----------
        rows : ndarray of int, optional
            Only these rows (positions), default all.
        """
        keys = pd.Categorical(self.keys)
        codes = np.asarray(keys.codes)
        within = np.arange(len(self)) if rows is None else np.asarray(rows)
        sub = codes[within]
        for code in pd.unique(sub):
            yield self.targets_of(str(keys.categories[code])), within[sub == code]

    # -- patience ---------------------------------------------------------------------------

    @cached_property
    def patience_curves(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The calibration's Kaplan-Meier patience curve of each queue that has one."""
        if not self.model.abandonment:
            return {}
        return patience_curves(self.model.calibration, pd.unique(self.frame["queue"]))

    @cached_property
    def km_curves(self) -> dict[str, PatienceCurve]:
        """Queues planned with M/M/n+G (``patience_model="km"``) and their curves.

        A queue whose calibration has no Kaplan-Meier curve stays exponential, with a
        :class:`~staffing.prepared.PatienceWarning` naming it.

        Raises
        ------
        StaffingError
            ``km`` without a calibration.
        """
        if self.model.patience_model != "km" or not self.model.abandonment:
            return {}
        if self.model.calibration is None:
            raise StaffingError(
                "`patience_model` 'km' needs a calibration from call records (its "
                "Kaplan-Meier patience curve): give `calibration`"
            )
        curves = {q: PatienceCurve.of(c) for q, c in self.patience_curves.items()}
        missing = sorted(set(pd.unique(self.frame["queue"].astype(str))) - set(curves))
        if missing:
            names = ", ".join(f"'{q}'" for q in missing)
            warnings.warn(
                f"the calibration has no Kaplan-Meier patience curve for queue"
                f"{'s' if len(missing) > 1 else ''} {names}: exponential patience (Erlang A) "
                "there",
                PatienceWarning,
                stacklevel=2,
            )
        return curves

    def patience_groups(
        self, rows: np.ndarray | None = None
    ) -> Iterator[tuple[PatienceCurve | None, np.ndarray]]:
        """Rows (positions) by patience curve.

        Each queue planned with M/M/n+G with its curve, then all other rows with ``None``
        (exponential patience or none).
        """
        within = np.arange(len(self)) if rows is None else np.asarray(rows)
        curves = self.km_curves
        if not curves:
            yield None, within
            return
        queues = self.queues[within].astype(str)
        rest = np.ones(within.size, dtype=bool)
        for name, curve in curves.items():
            mine = queues == name
            if mine.any():
                rest &= ~mine
                yield curve, within[mine]
        if rest.any():
            yield None, within[rest]

    # -- redials ----------------------------------------------------------------------------

    @cached_property
    def redial_share(self) -> np.ndarray:
        """Share of abandoned callers who call again, per row (NaN: none).

        By the model's one rule (:class:`~staffing.prepared.QueueModel`).
        """
        return self.model.redial_shares(self.frame)

    @cached_property
    def reconnect_share(self) -> np.ndarray:
        """Share of answered callers who call again, per row (0: none).

        The forecast's ``reconnect`` column (a plan read back), else the model's.
        """
        out = np.full(len(self), self.model.reconnect or 0.0)
        if "reconnect" in self.frame.columns:
            column = pd.to_numeric(self.frame["reconnect"], errors="coerce").to_numpy(float)
            ok = np.isfinite(column) & (column >= 0.0) & (column < 1.0)
            out = np.where(ok, column, out)
        return out

    @cached_property
    def aht_filled_s(self) -> np.ndarray:
        """Handle time [s] per row, the queue's call-weighted mean where the row has no calls.

        The redials it receives are handled like the queue's calls.
        """
        given = self.aht_given_s
        known = np.isfinite(given) & (given > 0) & (self.calls > 0)
        frame = pd.DataFrame(
            {
                "q": self.queues.astype(str),
                "work": np.where(known, self.calls * given, 0.0),
                "calls": np.where(known, self.calls, 0.0),
            }
        )
        sums = frame.groupby("q", sort=False)[["work", "calls"]].transform("sum")
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (sums["work"] / sums["calls"]).to_numpy(dtype=float)
        mean = np.where(np.isfinite(mean) & (mean > 0), mean, 1.0)
        return np.where(np.isfinite(given) & (given > 0), given, mean)

    @cached_property
    def has_redials(self) -> bool:
        """Whether any caller calls again: the forecast's calls are then fresh calls."""
        return bool(np.isfinite(self.redial_share).any() or (self.reconnect_share > 0).any())

    @cached_property
    def redial_delays(self) -> dict[str, RedialDelay]:
        """When each queue's callers call again (queues with redials only).

        Raises
        ------
        StaffingError
            A queue with redials and no delay (no ``redial_delay_s``, no calibrated curve).
        """
        if not self.has_redials:
            return {}
        again = np.isfinite(self.redial_share) | (self.reconnect_share > 0)
        out: dict[str, RedialDelay] = {}
        names = self.queues.astype(str)
        column = None
        if "redial_delay_s" in self.frame.columns:  # a plan read back: its mean delays
            column = pd.to_numeric(self.frame["redial_delay_s"], errors="coerce").to_numpy(float)
        for q in pd.unique(names[again]):
            delay = self.model.redial_delay(q)
            if delay is None and column is not None:
                given = column[(names == q) & np.isfinite(column) & (column > 0)]
                if given.size:
                    delay = RedialDelay.exponential(float(given[0]))
            if delay is None:
                raise StaffingError(
                    f"queue '{q}': callers who call again need a delay: give `redial_delay_s` "
                    "(e.g. 10min) or a calibration with a redial delay curve"
                )
            out[q] = delay
        return out

    # -- views ------------------------------------------------------------------------------

    def take(self, rows: np.ndarray) -> PreparedForecast:
        """The same forecast restricted to ``rows`` (positions), renumbered from 0."""
        frame = self.frame.iloc[rows].reset_index(drop=True)
        frame.attrs = dict(self.frame.attrs)
        return PreparedForecast(
            frame=frame,
            model=self.model,
            patience_s=self.patience_s[rows],
            keys=pd.Categorical(
                np.asarray(self.keys)[rows], categories=pd.Categorical(self.keys).categories
            ),
            thresholds_s=self.thresholds_s[rows],
        )

    def measures(
        self,
        agents: np.ndarray,
        thresholds_s: np.ndarray | None = None,
        *,
        calls: np.ndarray | None = None,
        aht_s: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """Stationary (Erlang C/A, or M/M/n+G) measures of ``agents`` per row.

        See :func:`measures`.

        Parameters
        ----------
        agents : ndarray
            Agents per row (may be fractional).
        thresholds_s : ndarray, optional
            Report the service level at these thresholds instead of each row's own.
        calls, aht_s : ndarray, optional
            The attempts offered per row and their handle time, instead of the forecast's
            (a plan with redials: :mod:`staffing.planner.redials`); with redials the
            result also has ``customer_abandon_rate``.
        """
        calls = self.calls if calls is None else np.asarray(calls, dtype=float)
        aht = self.aht_s if aht_s is None else np.asarray(aht_s, dtype=float)
        staff = np.asarray(agents, dtype=float)
        thresholds = self.thresholds_s if thresholds_s is None else thresholds_s
        if not self.km_curves:
            out = measures(
                calls, aht, staff, self.interval_s, thresholds, self.patience_s, self.abandon_policy
            )
        else:
            out = {}
            for curve, rows in self.patience_groups():
                part = measures(
                    calls[rows],
                    aht[rows],
                    staff[rows],
                    self.interval_s[rows],
                    thresholds[rows],
                    self.patience_s[rows],
                    self.abandon_policy,
                    patience_curve=curve,
                )
                for key, values in part.items():
                    out.setdefault(key, np.full(len(self), np.nan))[rows] = values
        if self.has_redials:
            out["customer_abandon_rate"] = np.asarray(
                customer_abandon_rate(
                    out["abandon_rate"], np.nan_to_num(self.redial_share), self.reconnect_share
                ),
                dtype=float,
            )
        return out

    def __repr__(self) -> str:
        queues = self.frame["queue"].nunique()
        return (
            f"PreparedForecast({len(self)} intervals, {queues} queue(s), "
            f"{len(self.target_sets)} target set(s), {self.model.abandon_policy!r})"
        )


def prepare(
    forecast: pd.DataFrame | PreparedForecast,
    targets: TargetsLike | None = None,
    *,
    targets_table: pd.DataFrame | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    threshold_s: float | None = None,
    need_targets: bool = True,
    column_targets: bool = False,
) -> PreparedForecast:
    """Set a forecast up once for solving, simulating and judging.

    Parameters
    ----------
    forecast : DataFrame or PreparedForecast
        A forecast (or a plan's interval table): ``interval_start``, optional ``queue``,
        ``calls``, ``aht_s``, optional ``patience_s`` and ``interval_s``. A prepared
        forecast is returned as it is.
    targets : str, target, TargetSet or sequence, optional
        Targets for every interval; with a ``targets_table``, the default for intervals
        no rule matches.
    targets_table : DataFrame, optional
        Targets per queue and weekday/time window (:mod:`staffing.prepared.windows`).
    interval_s : float or str, optional
        Interval length; default the ``interval_s`` column, else inferred per queue.
    model : QueueModel, optional
        Patience sources and the abandon policy (default: Erlang C where the forecast
        gives no patience, abandons count as failures).
    threshold_s : float, optional
        Threshold [s] of the reported service level for target sets without a
        service-level target (default 20 s; with ``column_targets``, the table's own
        ``threshold_s`` column where it has one).
    need_targets : bool, default True
        Refuse a forecast without targets; when false, no targets means every key is
        ``""`` (measures are reported, nothing can be missed).
    column_targets : bool, default False
        Without ``targets`` and ``targets_table``, take each row's targets from the
        table's ``target`` column (a plan read back).

    Returns
    -------
    PreparedForecast

    Raises
    ------
    InputError, TargetError, StaffingError
        A bad forecast, an unknown or unreachable target, no targets where needed.

    Examples
    --------
    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "calls": [100.0, 0.0], "aht_s": 180.0})
    >>> p = prepare(f, "90/10+99/300+abandon<=5%", model=QueueModel(patience_s=120))
    >>> p
    PreparedForecast(2 intervals, 1 queue(s), 1 target set(s), 'fail')
    >>> p.thresholds_s.tolist(), p.patience_s.tolist(), p.interval_s.tolist()
    ([10.0, 10.0], [120.0, 120.0], [1800.0, 1800.0])
    >>> [(str(ts), rows.tolist()) for ts, rows in p.target_groups()]
    [('90/10+99/300+abandon<=5%', [0, 1])]
    """
    if isinstance(forecast, PreparedForecast):
        return forecast
    model = model or QueueModel()
    f = validate_forecast(forecast, interval_s=interval_s)
    patience = model.patience(f)
    n = len(f)
    from_column = (
        column_targets and targets is None and targets_table is None and "target" in f.columns
    )
    if from_column:
        keys = column_keys(f["target"])
        if threshold_s is None and "threshold_s" in f.columns:
            thresholds = _column_thresholds(f, keys)
        else:
            thresholds = report_thresholds(keys, threshold_s)
    elif not need_targets and targets is None and targets_table is None:
        keys = constant_keys(n, "")
        thresholds = np.full(n, DEFAULT_THRESHOLD_S if threshold_s is None else float(threshold_s))
    else:
        keys = target_keys(f, targets, targets_table)
        thresholds = report_thresholds(keys, threshold_s)
    return PreparedForecast(
        frame=f, model=model, patience_s=patience, keys=keys, thresholds_s=thresholds
    )
