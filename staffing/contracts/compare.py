"""What-if comparison of SLA targets, and the sweeps behind a staffing budget.

:func:`compare` plans one forecast under several target scenarios ("80/20" against
"90/10+99/300" against "abandon<=5%") and puts the staffing and the achieved performance
side by side. :func:`sweep` draws the curves planners argue budgets with: FTE against the
service-level percentage at a fixed threshold, and against the threshold at a fixed
percentage, for Erlang C and Erlang A side by side (the law of diminishing returns: each
extra point of service level costs more staff than the one before).

Both plan every scenario with :func:`staffing.planner.plan` (one vectorised solve of all
intervals per scenario), so staffing, shrinkage and FTE mean exactly what they mean in
``staffing plan``. A scenario may name its staffing method after an ``@``
(``"80/20 @mol"``, ``"name=fast:90/10 @simulation"``), so the stationary plan and the
plans that hold through the day compare side by side.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing.contracts._measures import plan_counts
from staffing.errors import StaffingError, TargetError
from staffing.planner import FteRules, plan
from staffing.planner.requirement import plan_intervals
from staffing.planner.summary import SummaryParts
from staffing.planner.voice import METHODS, Method, check_method
from staffing.prepared import (
    ChannelRules,
    QueueModel,
    channel_columns,
    has_channels,
    prepare_targets,
    validate_forecast,
)
from staffing.queueing.targets import ServiceLevel, TargetSet
from staffing.simulation.scaleout import SimulationOptions

__all__ = [
    "COMPARE_CHANNEL_COLUMNS",
    "COMPARE_COLUMNS",
    "SWEEP_COLUMNS",
    "Comparison",
    "Scenario",
    "compare",
    "parse_scenario",
    "sweep",
]

#: Columns of the comparison table, in order.
COMPARE_COLUMNS: tuple[str, ...] = (
    "scenario",
    "targets",
    "method",
    "agent_hours",
    "fte",
    "peak_agents",
    "service_level",
    "asa_s",
    "abandon_rate",
    "occupancy",
    "cost",
    "delta_agent_hours",
    "delta_fte",
    "delta_peak_agents",
    "delta_cost",
)

#: Columns of the comparison table of a mixed-channel forecast, in order: a row per
#: scenario and channel, then the scenario's ``total`` row.
COMPARE_CHANNEL_COLUMNS: tuple[str, ...] = (*COMPARE_COLUMNS[:3], "channel", *COMPARE_COLUMNS[3:])

#: Columns of the sweep table, in order.
SWEEP_COLUMNS: tuple[str, ...] = (
    "sweep",
    "model",
    "target",
    "fraction",
    "threshold_s",
    "agent_hours",
    "fte",
    "peak_agents",
    "service_level",
    "abandon_rate",
    "cost",
    "marginal_fte",
)

#: Percentages swept at a fixed threshold, by default [fraction].
DEFAULT_FRACTIONS: tuple[float, ...] = tuple(np.round(np.arange(0.60, 0.951, 0.025), 4))
#: Thresholds swept at a fixed percentage, by default [s].
DEFAULT_THRESHOLDS: tuple[float, ...] = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300)

_NAMED = re.compile(r"^\s*name\s*=\s*(?P<name>[^:]+?)\s*:\s*(?P<spec>.+)$", re.IGNORECASE)
_METHOD = re.compile(r"^(?P<spec>.*?)\s*@\s*(?P<method>[A-Za-z_]*)\s*$")


@dataclass(frozen=True)
class Scenario:
    """A named set of targets to plan for, optionally with its staffing method.

    Attributes
    ----------
    name : str
        Label in tables and figures (default: the targets' canonical text, with
        ``" @method"`` when a method is named).
    targets : TargetSet
        Parsed once with :meth:`staffing.queueing.targets.TargetSet.parse`.
    method : {"sipp", "mol", "simulation"} or None
        Staffing method (:func:`staffing.planner.plan`); ``None``: the comparison's
        default.
    """

    name: str
    targets: TargetSet
    method: Method | None = None

    def __post_init__(self) -> None:
        if self.method is not None:
            check_method(self.method)

    @property
    def text(self) -> str:
        """The targets in canonical syntax, e.g. ``"90/10+99/300"``."""
        return str(self.targets)


def parse_scenario(spec: str | Scenario) -> Scenario:
    """Read ``"80/20"``, ``"name=premium:90/10+99/300"`` or ``"80/20 @mol"``.

    Returns a :class:`Scenario`.

    A staffing method (``sipp``, ``mol``, ``simulation``) may follow the targets after an
    ``@``; without one the comparison's default method applies.

    Examples
    --------
    >>> parse_scenario("name=premium:90/10+99/300")
    Scenario(name='premium', targets=TargetSet(targets=(ServiceLevel(fraction=0.9, \
threshold_s=10.0), ServiceLevel(fraction=0.99, threshold_s=300.0))), method=None)
    >>> parse_scenario("abandon<=5%").name
    'abandon<=5%'
    >>> s = parse_scenario("80/20 @mol")
    >>> s.name, s.method
    ('80/20 @mol', 'mol')
    >>> parse_scenario("name=held:80/20 @simulation").method
    'simulation'
    """
    if isinstance(spec, Scenario):
        return spec
    method: str | None = None
    m = _METHOD.match(spec)
    if m:
        method = m.group("method").lower()
        if method not in METHODS:
            raise TargetError(
                f"scenario {spec!r}: method {m.group('method')!r} after @: use "
                f"{', '.join(METHODS)} (e.g. 80/20 @mol)"
            )
        spec = m.group("spec")
    m = _NAMED.match(spec)
    if m:
        targets = TargetSet.of(m.group("spec"))
        return Scenario(m.group("name").strip(), targets, method)  # type: ignore[arg-type]
    if spec.strip().lower().startswith("name="):
        raise TargetError(f"scenario {spec!r}: write name=LABEL:TARGETS, e.g. name=premium:90/10")
    targets = TargetSet.of(spec)
    name = str(targets) + (f" @{method}" if method else "")
    return Scenario(name, targets, method)  # type: ignore[arg-type]


def _scenarios(scenarios: Sequence[str | Scenario] | str) -> list[Scenario]:
    items = [scenarios] if isinstance(scenarios, str | Scenario) else list(scenarios)
    if not items:
        raise TargetError("no scenario given: use e.g. `scenarios` 80/20 and 90/10")
    out = [parse_scenario(s) for s in items]
    names = [s.name for s in out]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise TargetError(
            f"scenario {twice[0]!r} is given twice; name them apart with name=LABEL:TARGETS"
        )
    return out


def _has_patience(forecast: pd.DataFrame, model: QueueModel) -> bool:
    """Whether any interval of the forecast is planned with Erlang A."""
    return bool(np.isfinite(model.patience(forecast)).any())


def _within_by_queue(
    intervals: pd.DataFrame, threshold_s: float, abandon_policy: str
) -> pd.DataFrame:
    """Calls answered within ``threshold_s`` and the calls they count against, per queue.

    Summed in row order, for the service level of a planned staffing at one threshold.
    """
    calls = intervals["calls"].to_numpy(dtype=float)
    busy = calls > 0
    codes, queues = pd.factorize(intervals["queue"].astype(str))
    within: np.ndarray = np.zeros(len(queues))
    base: np.ndarray = np.zeros(len(queues))
    if busy.any():
        w, b = plan_counts(intervals, calls, busy, float(threshold_s), abandon_policy)
        within = np.bincount(codes[busy], weights=w, minlength=len(queues))
        base = np.bincount(codes[busy], weights=b, minlength=len(queues))
    return pd.DataFrame({"queue": np.asarray(queues, dtype=object), "within": within, "base": base})


def _total_row(summary: pd.DataFrame) -> pd.Series:
    """The planner summary's last row: everything, all queues, the whole horizon."""
    return summary.iloc[-1]


def compare(
    forecast: pd.DataFrame,
    scenarios: Sequence[str | Scenario] | str,
    *,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    cost_per_fte: float | None = None,
    threshold_s: float | None = None,
    method: Method = "sipp",
    simulation: SimulationOptions | None = None,
    targets_table: pd.DataFrame | None = None,
    channels: ChannelRules | None = None,
) -> pd.DataFrame:
    """Staffing and achieved performance of a forecast under each target scenario.

    Parameters
    ----------
    forecast : DataFrame
        As for :func:`staffing.planner.plan` (``interval_start``, optional ``queue``,
        ``calls``, ``aht_s``, optional ``patience_s``).
    scenarios : sequence of str or Scenario
        ``"80/20"``, ``"90/10+99/300"``, ``"abandon<=5%"``,
        ``"name=premium:90/10+99/300"``, ``"80/20 @mol"`` (a staffing method after an
        ``@``); the first is the baseline of the ``delta_`` columns.
    interval_s, model, fte
        As in :func:`staffing.planner.plan`.
    cost_per_fte : float, optional
        Yearly cost of one FTE [currency]; gives ``cost``.
    threshold_s : float, optional
        Threshold [s] at which every scenario's ``service_level`` is reported, so the
        rows compare like with like; default the first service-level threshold of the
        first scenario that has one, else 20 s.
    method : {"sipp", "mol", "simulation"}, default "sipp"
        Staffing method of the scenarios that name none.
    simulation : SimulationOptions, optional
        Replications, seed and workers of ``simulation`` scenarios' search.
    targets_table : DataFrame, optional
        Mixed-channel forecasts: the targets of deferred work (e-mail, tickets), which
        scenarios leave as they are (see :mod:`staffing.prepared.windows`).
    channels : ChannelRules, optional
        Mixed-channel forecasts: as for :func:`staffing.planner.plan`.

    Returns
    -------
    DataFrame
        Columns :data:`COMPARE_COLUMNS`, one row per scenario in the order given:
        ``targets`` in canonical syntax; ``method`` the staffing method; ``agent_hours``
        [h] summed over the horizon;
        ``fte`` the average FTE over it (as the planner's total row); ``peak_agents`` the
        most agents on the phones at once over all queues; ``service_level`` at
        ``threshold_s``, ``asa_s`` [s], ``abandon_rate`` and ``occupancy``
        volume-weighted over the horizon; ``cost = fte * cost_per_fte`` (yearly, NaN
        without a cost); ``delta_*`` each row minus the first. ``attrs["threshold_s"]``
        holds the reporting threshold.

        A forecast naming channels (:mod:`staffing.prepared.channels`) gives
        :data:`COMPARE_CHANNEL_COLUMNS` instead: per scenario one row per channel, then
        a ``total`` row, each from the plan's summary (``delta_*`` against the first
        scenario's row of the same channel). A scenario's targets apply to the voice
        and chat queues; deferred work keeps its own target from ``targets_table``
        (a response time of hours is not a voice target). ``service_level`` is then each
        row's at its own thresholds (the summary's), and ``attrs["threshold_s"]`` NaN.

    Raises
    ------
    TargetError
        An unreadable scenario, the same name twice, or an abandon-rate target without
        any patience (Erlang C has no abandons, so it cannot size for one).

    Examples
    --------
    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "calls": [100.0, 120.0], "aht_s": [180.0, 180.0]})
    >>> t = compare(f, ["80/20", "name=fast:90/10"])
    >>> t[["scenario", "agent_hours", "peak_agents", "delta_agent_hours"]].to_numpy().tolist()
    [['80/20', 15.0, 16, 0.0], ['fast', 16.0, 17, 1.0]]

    80/20 needs 14 and 16 agents for the two half-hours (15 agent-hours), 90/10 needs 15
    and 17 (16 agent-hours): one agent-hour more.

    The same targets staffed through the day (modified offered load) next to the
    stationary plan; the measures are the stationary ones of each plan's agents:

    >>> t = compare(f, ["80/20", "80/20 @mol"])
    >>> t[["scenario", "method", "agent_hours"]].to_numpy().tolist()
    [['80/20', 'sipp', 15.0], ['80/20 @mol', 'mol', 15.0]]
    """
    comparison = Comparison(
        scenarios,
        interval_s=interval_s,
        model=model,
        fte=fte,
        cost_per_fte=cost_per_fte,
        threshold_s=threshold_s,
        method=method,
        simulation=simulation,
        targets_table=targets_table,
        channels=channels,
        source=str(forecast.attrs.get("source", "forecast")),
    )
    comparison.add(forecast)
    return comparison.table()


class Comparison:
    """:func:`compare` over a forecast given in chunks of whole queues (pools).

    :meth:`add` plans each chunk under every scenario, keeping only the summaries' parts
    and the calls answered within the reporting threshold per queue; :meth:`table` gives
    the comparison of everything added, the same table :func:`compare` gives of the whole
    forecast. Parameters as for :func:`compare`, plus the forecast's ``source`` name.
    """

    def __init__(
        self,
        scenarios: Sequence[str | Scenario] | str,
        *,
        interval_s: float | str | None = None,
        model: QueueModel | None = None,
        fte: FteRules | None = None,
        cost_per_fte: float | None = None,
        threshold_s: float | None = None,
        method: Method = "sipp",
        simulation: SimulationOptions | None = None,
        targets_table: pd.DataFrame | None = None,
        channels: ChannelRules | None = None,
        source: str = "forecast",
    ) -> None:
        check_method(method)
        self.items = _scenarios(scenarios)
        if cost_per_fte is not None and not (np.isfinite(cost_per_fte) and cost_per_fte >= 0):
            raise StaffingError(f"cost per FTE {cost_per_fte!r}: give an amount >= 0")
        if threshold_s is None:
            firsts = [t for sc in self.items for t in sc.targets.thresholds]
            threshold_s = firsts[0] if firsts else 20.0
        if not (np.isfinite(threshold_s) and threshold_s >= 0):
            raise StaffingError(f"threshold {threshold_s!r} s: give a number of seconds >= 0")
        self.threshold_s = float(threshold_s)
        self.model = model or QueueModel()
        self.fte = fte or FteRules()
        self.interval_s = interval_s
        self.cost_per_fte = cost_per_fte
        self.method = method
        self.simulation = simulation
        self.targets_table = targets_table
        self.channels = channels or ChannelRules()
        self.source = source
        self._mixed: bool | None = None
        self._parts = [SummaryParts(period="week", fte=self.fte) for _ in self.items]
        self._within: list[list[pd.DataFrame]] = [[] for _ in self.items]

    def add(self, forecast: pd.DataFrame) -> None:
        """Plan a chunk of whole queues under every scenario."""
        prepared = validate_forecast(forecast, interval_s=self.interval_s)
        mixed = has_channels(prepared)
        if self._mixed is not None and mixed != self._mixed:
            raise StaffingError("the chunks of one comparison must all have, or all lack, channels")
        self._mixed = mixed
        if mixed:
            self._add_channels(forecast, prepared)
            return
        if not _has_patience(prepared, self.model):
            for sc in self.items:
                if sc.targets.abandon_cap is not None:
                    raise TargetError(
                        f"scenario {sc.name!r}: an abandon-rate target needs customer patience "
                        "(Erlang A); give a patience_s column, `patience_s` or a `calibration`"
                    )
        for k, sc in enumerate(self.items):  # one vectorised plan per scenario
            intervals = plan_intervals(
                forecast,
                sc.targets,
                interval_s=self.interval_s,
                model=self.model,
                fte=self.fte,
                method=sc.method or self.method,
                simulation=self.simulation,
            )
            self._parts[k].add(intervals)
            self._within[k].append(
                _within_by_queue(intervals, self.threshold_s, self.model.abandon_policy)
            )

    def _add_channels(self, forecast: pd.DataFrame, prepared: pd.DataFrame) -> None:
        ch = channel_columns(prepared, self.channels)
        live = sorted(set(ch["channel"][ch["channel_model"] != "deferred"]))
        deferred = sorted(set(ch["channel"][ch["channel_model"] == "deferred"]))
        if deferred and self.targets_table is None:
            raise TargetError(
                f"compare: the deferred channels ({', '.join(deferred)}) keep their targets "
                "from `targets_table`; scenarios set the targets of the voice and chat queues"
            )
        base = prepare_targets(self.targets_table) if self.targets_table is not None else None
        for k, sc in enumerate(self.items):
            scenario_rules = prepare_targets(
                pd.DataFrame({"channel": live, "target": [sc.text] * len(live)})
            )
            rules = (
                pd.concat([scenario_rules, base], ignore_index=True)
                if base is not None
                else scenario_rules
            )
            rules.attrs["source"] = "targets"
            self._parts[k].add(
                plan_intervals(
                    forecast,
                    targets_table=rules,
                    interval_s=self.interval_s,
                    model=self.model,
                    fte=self.fte,
                    method=sc.method or self.method,
                    simulation=self.simulation,
                    channels=self.channels,
                )
            )

    def table(self) -> pd.DataFrame:
        """The comparison of every chunk added (see :func:`compare`)."""
        if self._mixed is None:
            raise StaffingError("nothing to compare: no forecast added")
        if self._mixed:
            return self._channel_table()
        rows = []
        for k, sc in enumerate(self.items):
            total = _total_row(self._parts[k].summary())
            within = pd.concat(self._within[k], ignore_index=True)
            counted = math.fsum(within["base"].tolist())
            fte_total = float(total["fte"])
            rows.append(
                {
                    "scenario": sc.name,
                    "targets": sc.text,
                    "method": sc.method or self.method,
                    "agent_hours": float(total["agent_hours"]),
                    "fte": fte_total,
                    "peak_agents": int(total["peak_agents"]),
                    "service_level": (
                        math.fsum(within["within"].tolist()) / counted if counted > 0 else np.nan
                    ),
                    "asa_s": float(total["asa_s"]),
                    "abandon_rate": float(total["abandon_rate"]),
                    "occupancy": float(total["occupancy"]),
                    "cost": (
                        fte_total * self.cost_per_fte if self.cost_per_fte is not None else np.nan
                    ),
                }
            )
        table = pd.DataFrame(rows)
        for name in ("agent_hours", "fte", "peak_agents", "cost"):
            table[f"delta_{name}"] = table[name] - table[name].iloc[0]
        table = table[list(COMPARE_COLUMNS)]
        table.attrs.update({"threshold_s": self.threshold_s, "source": self.source})
        return table

    def _channel_table(self) -> pd.DataFrame:
        rows = []
        for k, sc in enumerate(self.items):
            s = self._parts[k].summary()
            horizon = s["period_start"].isna()
            single = len(s["period_start"].dropna().unique()) <= 1
            picked = s[(s["level"] == "channel") & (horizon | single)].drop_duplicates("queue")
            picked = pd.concat([picked, s.iloc[[-1]]])
            for _, r in picked.iterrows():
                fte_value = float(r["fte"])
                rows.append(
                    {
                        "scenario": sc.name,
                        "targets": sc.text,
                        "method": sc.method or self.method,
                        "channel": r["queue"],
                        "agent_hours": float(r["agent_hours"]),
                        "fte": fte_value,
                        "peak_agents": float(r["peak_agents"]),
                        "service_level": float(r["service_level"]),
                        "asa_s": float(r["asa_s"]),
                        "abandon_rate": float(r["abandon_rate"]),
                        "occupancy": float(r["occupancy"]),
                        "cost": (
                            fte_value * self.cost_per_fte
                            if self.cost_per_fte is not None
                            else np.nan
                        ),
                    }
                )
        table = pd.DataFrame(rows)
        first = table[table["scenario"] == self.items[0].name].set_index("channel")
        for name in ("agent_hours", "fte", "peak_agents", "cost"):
            table[f"delta_{name}"] = table[name] - table["channel"].map(first[name]).to_numpy()
        table = table[list(COMPARE_CHANNEL_COLUMNS)]
        table.attrs.update({"threshold_s": float("nan"), "source": self.source})
        return table


def sweep(
    forecast: pd.DataFrame,
    *,
    at: str | ServiceLevel = "80/20",
    fractions: Sequence[float] | None = None,
    thresholds_s: Sequence[float] | None = None,
    interval_s: float | str | None = None,
    model: QueueModel | None = None,
    fte: FteRules | None = None,
    cost_per_fte: float | None = None,
) -> pd.DataFrame:
    """FTE against the service-level percentage and against the threshold, C and A.

    Parameters
    ----------
    forecast : DataFrame
        As for :func:`staffing.planner.plan`.
    at : str or ServiceLevel, default "80/20"
        The fixed point: its threshold is kept while the percentage is swept, and its
        percentage while the threshold is swept.
    fractions : sequence of float, optional
        Percentages to sweep [fractions in (0, 1)]; default 60% to 95% by 2.5 points.
    thresholds_s : sequence of float, optional
        Thresholds to sweep [s]; default 5 s to 5 minutes.
    interval_s, model, fte
        As in :func:`staffing.planner.plan`. Erlang A uses the model's patience; the
        Erlang C curves ignore every patience.
    cost_per_fte : float, optional
        Yearly cost of one FTE [currency]; gives ``cost``.

    Returns
    -------
    DataFrame
        Columns :data:`SWEEP_COLUMNS`: ``sweep`` is ``"percent"`` or ``"threshold"``,
        ``model`` ``"Erlang C"`` or ``"Erlang A"`` (Erlang A only when a patience is
        known); one row per swept point, percentages ascending and thresholds
        descending (each curve from the loosest target to the strictest).
        ``service_level`` is achieved at the row's own threshold; ``marginal_fte`` the
        extra FTE over the previous, looser point of the same curve, per percentage point
        (percent sweep) or per second taken off the threshold (threshold sweep).

    Notes
    -----
    Each point is one plan of every interval (a loop over sweep points, never over
    intervals). Where callers abandon, Erlang A usually needs fewer agents than Erlang C
    for the same target (callers who hang up shorten the queue for those who stay); the
    gap between the two curves is what an Erlang C plan overstaffs.

    Examples
    --------
    >>> f = pd.DataFrame({"interval_start": ["2025-03-03 09:00", "2025-03-03 09:30"],
    ...                   "calls": [100.0, 120.0], "aht_s": [180.0, 180.0]})
    >>> s = sweep(f, fractions=[0.7, 0.8, 0.9], thresholds_s=[30, 20, 10])
    >>> s[s.sweep == "percent"]["agent_hours"].tolist()
    [14.0, 15.0, 16.0]
    """
    model = model or QueueModel()
    if has_channels(forecast):
        raise StaffingError(
            "sweep: the budget curves are for voice forecasts (one target for every "
            "queue); compare scenarios of a forecast with channels instead"
        )
    goal = TargetSet.parse(at)
    if len(goal) != 1 or not goal.service_levels:
        raise TargetError(f"sweep point {at!r}: give one service-level target, e.g. 80/20")
    point = goal.service_levels[0]
    fr = sorted({float(x) for x in (fractions if fractions is not None else DEFAULT_FRACTIONS)})
    th = sorted(
        {float(x) for x in (thresholds_s if thresholds_s is not None else DEFAULT_THRESHOLDS)},
        reverse=True,
    )
    if not fr or not th:
        raise StaffingError("a sweep needs at least one percentage and one threshold")
    curves: list[tuple[str, list[ServiceLevel]]] = [
        ("percent", [ServiceLevel(f, point.threshold_s) for f in fr]),
        ("threshold", [ServiceLevel(point.fraction, t) for t in th]),
    ]
    without = forecast.drop(columns="patience_s", errors="ignore")
    without.attrs = dict(forecast.attrs)
    models = [("Erlang C", without, QueueModel(abandon_policy=model.abandon_policy))]
    if _has_patience(validate_forecast(forecast, interval_s=interval_s), model):
        models.append(("Erlang A", forecast, model))
    rows = []
    for name, frame, queue_model in models:
        for kind, targets in curves:
            previous: tuple[float, float] | None = None
            for tg in targets:  # one vectorised plan per sweep point
                p = plan(
                    frame,
                    [tg],
                    interval_s=interval_s,
                    model=queue_model,
                    fte=fte,
                    period="week",
                )
                total = _total_row(p.summary)
                fte_total = float(total["fte"])
                x = 100.0 * tg.fraction if kind == "percent" else -tg.threshold_s
                marginal = (fte_total - previous[1]) / (x - previous[0]) if previous else np.nan
                previous = (x, fte_total)
                rows.append(
                    {
                        "sweep": kind,
                        "model": name,
                        "target": str(tg),
                        "fraction": tg.fraction,
                        "threshold_s": tg.threshold_s,
                        "agent_hours": float(total["agent_hours"]),
                        "fte": fte_total,
                        "peak_agents": int(total["peak_agents"]),
                        "service_level": float(total["service_level"]),
                        "abandon_rate": float(total["abandon_rate"]),
                        "cost": fte_total * cost_per_fte if cost_per_fte is not None else np.nan,
                        "marginal_fte": marginal,
                    }
                )
    table = pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))
    table.attrs.update({"at": str(point), "source": forecast.attrs.get("source", "forecast")})
    return table
