"""Service-level agreement targets and their one syntax.

========================  ================================================================
text                      meaning
========================  ================================================================
``80/20``                 80% of calls answered within 20 s
``99/300``                99% answered within 5 minutes
``asa<=30``               average speed of answer of answered calls <= 30 s
``abandon<=5%``           abandoned / offered <= 5% (per attempt, as the ACD counts)
``customer_abandon<=5%``  customers who finally give up <= 5% of fresh calls (with redials)
``occupancy<=85%``        busy time / staffed time <= 85%
========================  ================================================================

Percentages and thresholds use the shared vocabulary (:mod:`staffing.vocabulary`): a
percentage may carry ``%``, a bare number above 1 is a percentage and one below 1 a
fraction (``0.8/20`` is ``80/20``; a bare ``1`` is ambiguous and refused); a threshold is
any duration, a bare number being seconds (``90/4h`` is 90% within four hours, for
e-mail; ``asa<=0.5min``). Several targets combine with ``+`` or ``,``
(``90/10+99/300``).

Targets judge themselves
------------------------
Every target answers for itself, whatever computed the measures (Erlang C or A, chat,
priority classes, a simulation, a backlog plan): a solver or a report puts what it
measured into one :class:`Measures` and asks the :class:`TargetSet`

* ``met_by(measures)``: does each interval meet every target?
* ``margins(measures)``: how far inside each target (``>= 0`` met), in its own unit;
* ``shortfall_points(measures)``: the worst miss of a rate target in percentage points.

A set knows what it needs measured (``thresholds``, ``needs``), the threshold at which a
plan reports its service level (``report_threshold``), and its caps (``abandon_cap``).
Its canonical text (``str``) is what a table's ``target`` column holds, and
:meth:`TargetSet.parse` reads such text back into the same set.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, overload

import numpy as np

from staffing.errors import StaffingError, TargetError
from staffing.vocabulary import format_duration, parse_duration, parse_rate

__all__ = [
    "AbandonRate",
    "Asa",
    "CustomerAbandon",
    "DeferredTarget",
    "Measures",
    "Occupancy",
    "ServiceLevel",
    "Target",
    "TargetKind",
    "TargetSet",
    "TargetsLike",
    "check_queueing_targets",
    "parse_targets",
]


def _fraction(text: str, what: str, spec: str) -> float:
    try:
        return parse_rate(text, what=what)
    except StaffingError as exc:
        raise TargetError(f"target {spec!r}: {exc}") from None


def _seconds(text: str, spec: str) -> float:
    try:
        return parse_duration(text, what="threshold", allow_inf=False)
    except StaffingError as exc:
        raise TargetError(f"target {spec!r}: {exc}") from None


def _pct(value: float) -> str:
    return f"{100 * value:g}%"


def _threshold(seconds: float) -> str:
    """Seconds below an hour (``20``, ``300``); whole hours and minutes above (``4h``, ``1h30``)."""
    if seconds >= 3600 and seconds % 60 == 0:
        hours, minutes = divmod(int(seconds) // 60, 60)
        return f"{hours}h" + (f"{minutes:02d}" if minutes else "")
    return f"{seconds:g}"


MeasureLike = Any  # an array (or scalar), or a callable giving one when first asked for


class Measures:
    """The measures of some intervals, as targets read them.

    Parameters
    ----------
    service_level : mapping or callable, optional
        Threshold [s] -> service level of every interval (per the abandon policy the
        caller computed it with), or a function of the threshold computing it on demand.
    asa_s, abandon_rate, occupancy : array or callable, optional
        The other measures; a zero-argument callable is evaluated the first time a
        target asks for it. A target whose measure was not given raises ``KeyError``.

    Examples
    --------
    >>> m = Measures({20.0: np.array([0.85, 0.7])}, abandon_rate=np.array([0.03, 0.06]))
    >>> TargetSet.parse("80/20+abandon<=5%").met_by(m).tolist()
    [True, False]
    """

    __slots__ = ("_levels", "_values")

    def __init__(
        self,
        service_level: Mapping[float, Any] | Callable[[float], Any] | None = None,
        **values: MeasureLike,
    ) -> None:
        self._levels = service_level
        self._values: dict[str, Any] = {k: v for k, v in values.items() if v is not None}

    def service_level(self, threshold_s: float) -> np.ndarray:
        """Service level at ``threshold_s`` [s]."""
        levels = self._levels
        if levels is None:
            raise KeyError("service_level")
        if callable(levels):
            return np.asarray(levels(threshold_s), dtype=float)
        return np.asarray(levels[float(threshold_s)], dtype=float)

    def value(self, name: str) -> np.ndarray:
        """The measure ``name`` (``asa_s``, ``abandon_rate``, ``occupancy``...)."""
        v = self._values[name]
        if callable(v):
            v = self._values[name] = v()
        return np.asarray(v, dtype=float)


class TargetKind:
    """What every target kind answers: its measure, its limit, and whether it is met.

    ``measure`` names what the target reads from :class:`Measures`; ``cap`` is true for
    a ceiling (``asa<=30``) and false for a floor (``80/20``); ``rate`` is true for the
    targets whose miss a planner tells in percentage points below target (service level
    and abandon rate: the escalation bands); an ASA in seconds and an occupancy cap are
    judged, not counted in points.
    """

    measure: ClassVar[str]
    cap: ClassVar[bool]
    rate: ClassVar[bool]

    @property
    def limit(self) -> float:
        """The target's value: the share to reach, or the cap not to exceed."""
        raise NotImplementedError

    def measured(self, measures: Measures) -> np.ndarray:
        """What the target judges, read from ``measures``.

        Raises
        ------
        TargetError
            The model that measured gives no such measure (a customer abandon rate
            without redials, in a chat or priority-class model).
        """
        try:
            return measures.value(self.measure)
        except KeyError:
            raise TargetError(
                f"target {self}: not measured by this model (the customer abandon rate "
                "needs a redial share, on voice queues)"
                if self.measure == "customer_abandon_rate"
                else f"target {self}: not measured by this model"
            ) from None

    def margin(self, measures: Measures) -> np.ndarray:
        """How far inside the target each interval is, in the measure's unit (>= 0: met)."""
        got = self.measured(measures)
        return self.limit - got if self.cap else got - self.limit

    def met_by(self, measures: Measures) -> np.ndarray:
        """Whether each interval meets the target."""
        got = self.measured(measures)
        with np.errstate(invalid="ignore"):
            return np.asarray(got <= self.limit if self.cap else got >= self.limit)

    def shortfall_points(self, measures: Measures) -> np.ndarray | None:
        """The miss [percentage points] (negative: met by that much).

        ``None`` for a target not counted in points (ASA, occupancy).
        """
        if not self.rate:
            return None
        return -100.0 * self.margin(measures)


@dataclass(frozen=True)
class ServiceLevel(TargetKind):
    """At least ``fraction`` of calls answered within ``threshold_s`` seconds (``80/20``)."""

    fraction: float
    threshold_s: float

    measure: ClassVar[str] = "service_level"
    cap: ClassVar[bool] = False
    rate: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction <= 1.0:
            raise TargetError(
                f"target {self}: no staffing can answer {_pct(self.fraction)} of calls within "
                f"a threshold (use a percentage above 0 and at most 100%)"
            )
        if not self.threshold_s >= 0.0 or self.threshold_s == float("inf"):
            raise TargetError(f"target {self}: threshold must be a finite number of seconds >= 0")
        if self.fraction == 1.0 and self.threshold_s == 0.0:
            raise TargetError(f"target {self}: nothing is handled in 0 s")

    @property
    def limit(self) -> float:
        """The fraction to reach (0.8 for 80/20)."""
        return self.fraction

    def measured(self, measures: Measures) -> np.ndarray:
        """The service level at this target's threshold."""
        return measures.service_level(self.threshold_s)

    def __str__(self) -> str:
        pct = 100 * self.fraction
        # "80/20"; a percentage of 1 or less keeps its % so that it reads back the same
        return f"{pct:g}{'%' if 0 < pct <= 1 else ''}/{_threshold(self.threshold_s)}"


@dataclass(frozen=True)
class Asa(TargetKind):
    """Average speed of answer of answered calls at most ``seconds``."""

    seconds: float

    measure: ClassVar[str] = "asa_s"
    cap: ClassVar[bool] = True
    rate: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not self.seconds > 0.0:
            raise TargetError(
                f"target {self}: no staffing reaches an ASA of {self.seconds:g} s "
                "(it must be above 0)"
            )

    @property
    def limit(self) -> float:
        """The longest ASA allowed [s]."""
        return self.seconds

    def __str__(self) -> str:
        return f"asa<={self.seconds:g}"


@dataclass(frozen=True)
class AbandonRate(TargetKind):
    """Abandoned calls at most ``fraction`` of offered calls."""

    fraction: float

    measure: ClassVar[str] = "abandon_rate"
    cap: ClassVar[bool] = True
    rate: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction < 1.0:
            raise TargetError(
                f"target {self}: no staffing can hold abandons to {_pct(self.fraction)} "
                "(use a rate between 0 and 100% exclusive)"
            )

    @property
    def limit(self) -> float:
        """The highest abandon rate allowed."""
        return self.fraction

    def __str__(self) -> str:
        return f"abandon<={_pct(self.fraction)}"


@dataclass(frozen=True)
class CustomerAbandon(TargetKind):
    """Customers who finally give up at most ``fraction`` of fresh calls (``customer_abandon<=5%``).

    With redials (:mod:`staffing.queueing.redial`) an abandoned caller may call again, so
    the ACD's abandon rate counts attempts; this target counts customers: the share of
    fresh calls whose caller gave up for good, ``P (1 - r) / (1 - r P - c (1 - P))`` with
    ``P`` the abandon rate per attempt. It needs a redial share.

    Examples
    --------
    >>> str(CustomerAbandon(0.05)), CustomerAbandon(0.05).measure
    ('customer_abandon<=5%', 'customer_abandon_rate')
    """

    fraction: float

    measure: ClassVar[str] = "customer_abandon_rate"
    cap: ClassVar[bool] = True
    rate: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction < 1.0:
            raise TargetError(
                f"target {self}: no staffing can hold customers giving up to "
                f"{_pct(self.fraction)} (use a rate between 0 and 100% exclusive)"
            )

    @property
    def limit(self) -> float:
        """The highest share of customers lost for good."""
        return self.fraction

    def __str__(self) -> str:
        return f"customer_abandon<={_pct(self.fraction)}"


@dataclass(frozen=True)
class Occupancy(TargetKind):
    """Agent occupancy (busy time / staffed time) at most ``fraction``."""

    fraction: float

    measure: ClassVar[str] = "occupancy"
    cap: ClassVar[bool] = True
    rate: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction <= 1.0:
            raise TargetError(f"target {self}: occupancy cap must be above 0 and at most 100%")

    @property
    def limit(self) -> float:
        """The highest occupancy allowed."""
        return self.fraction

    def __str__(self) -> str:
        return f"occupancy<={_pct(self.fraction)}"


@dataclass(frozen=True)
class DeferredTarget(TargetKind):
    """At least ``share`` of items handled within ``deadline_s``, all within ``late_within_s``.

    The target of deferred work (e-mail, tickets), written like a service level
    (``90/4h``, or ``90/4h+100/24h`` with the deadline for all of it) and read from a
    :class:`TargetSet` with :meth:`TargetSet.deferred`. It judges the share handled within
    the deadline, the service level at ``deadline_s`` of :class:`Measures`.

    Parameters
    ----------
    share : float
        Fraction of items to handle within the deadline, in ``(0, 1]``.
    deadline_s : float
        Response time [s], counted on the calendar clock or in business hours (see
        ``business_hours`` of :func:`staffing.planner.deferred.plan_deferred`).
    late_within_s : float, optional
        Response time [s] within which *every* item is handled, so that the share
        missing the deadline is late but never dropped (default twice ``deadline_s``;
        equal to ``deadline_s`` when ``share`` is 100%).

    Examples
    --------
    >>> t = DeferredTarget(0.9, 4 * 3600)
    >>> str(t), t.final_s
    ('90/4 h', 28800.0)
    >>> str(DeferredTarget(1.0, 86400.0))
    '100/24 h'
    """

    share: float
    deadline_s: float
    late_within_s: float | None = None

    measure: ClassVar[str] = "service_level"
    cap: ClassVar[bool] = False
    rate: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if not 0.0 < self.share <= 1.0:
            raise TargetError(
                f"deferred target share {self.share!r}: give a share above 0 and at most 100%"
            )
        if not (math.isfinite(self.deadline_s) and self.deadline_s > 0.0):
            raise TargetError(
                f"deferred target deadline {self.deadline_s!r} s: give a response time above "
                "0 (e.g. 4h)"
            )
        late = self.late_within_s
        if late is not None and not (math.isfinite(late) and late >= self.deadline_s):
            raise TargetError(
                f"`late_within_s` {late!r} s: every item must be handled within a finite time "
                f"no shorter than the deadline ({format_duration(self.deadline_s)})"
            )

    @property
    def limit(self) -> float:
        """The share of items to handle within the deadline."""
        return self.share

    @property
    def final_s(self) -> float:
        """Response time [s] within which every item is handled."""
        if self.share >= 1.0:
            return float(self.deadline_s)
        if self.late_within_s is not None:
            return float(self.late_within_s)
        return 2.0 * float(self.deadline_s)

    def measured(self, measures: Measures) -> np.ndarray:
        """The share handled within the deadline."""
        return measures.service_level(self.deadline_s)

    def __str__(self) -> str:
        return f"{100 * self.share:g}/{format_duration(self.deadline_s)}"


Target = ServiceLevel | Asa | AbandonRate | Occupancy | CustomerAbandon
_KINDS = (ServiceLevel, Asa, AbandonRate, Occupancy, CustomerAbandon)

_SL = re.compile(r"^\s*([0-9.]+\s*%?)\s*/\s*(\S.*?)\s*$")
_CAP = re.compile(
    r"^\s*(asa|customer_abandon_rate|customer_abandons|customer_abandon|abandon_rate|abandons|"
    r"abandonment|abandon|occupancy|occ)\s*(<=|<|=<)\s*(.+?)\s*$",
    re.IGNORECASE,
)


def _parse_one(spec: str) -> Target:
    m = _SL.match(spec)
    if m:
        return ServiceLevel(_fraction(m.group(1), "percentage", spec), _seconds(m.group(2), spec))
    m = _CAP.match(spec)
    if m:
        kind, value = m.group(1).lower(), m.group(3)
        if kind == "asa":
            return Asa(_seconds(value, spec))
        if kind.startswith("occ"):
            return Occupancy(_fraction(value, "occupancy", spec))
        if kind.startswith("customer"):
            return CustomerAbandon(_fraction(value, "customer abandon rate", spec))
        return AbandonRate(_fraction(value, "abandon rate", spec))
    raise TargetError(
        f"unknown target {spec!r}: use e.g. 80/20, 99/300, asa<=30, abandon<=5%, "
        "customer_abandon<=5%, occupancy<=85%"
    )


@lru_cache(maxsize=1024)
def _parse_text(text: str) -> tuple[Target, ...]:
    parts = [p for p in re.split(r"[+,;]", text) if p.strip()]
    if not parts:
        raise TargetError(f"empty target {text!r}")
    return tuple(_parse_one(p) for p in parts)


@dataclass(frozen=True)
class TargetSet:
    """Targets met all at once: the requirement is the fewest agents meeting every one.

    Parsed once from text (:meth:`parse`), written back to the same canonical text
    (``str``) for a table's ``target`` column; an empty set (text ``""``) is "no targets":
    it is met by anything and reports its service level at a default threshold.

    Parameters
    ----------
    targets : tuple of ServiceLevel, Asa, AbandonRate, Occupancy, CustomerAbandon
        In order, without repeats.

    Examples
    --------
    >>> ts = TargetSet.parse("90/10 + 99/300, abandon<=5%")
    >>> str(ts), ts.thresholds, ts.report_threshold(), ts.abandon_cap
    ('90/10+99/300+abandon<=5%', (10.0, 300.0), 10.0, 0.05)
    >>> m = Measures({10.0: [0.92, 0.88], 300.0: [0.995, 0.999]}, abandon_rate=[0.02, 0.01])
    >>> ts.met_by(m).tolist(), [x.round(3).tolist() for x in ts.margins(m)]
    ([True, False], [[0.02, -0.02], [0.005, 0.009], [0.03, 0.04]])
    >>> ts.shortfall_points(m).round(1).tolist()
    [-0.5, 2.0]
    """

    targets: tuple[Target, ...] = ()

    def __post_init__(self) -> None:
        for t in self.targets:
            if not isinstance(t, _KINDS):
                raise TargetError(f"not a target: {t!r}")

    # -- reading ----------------------------------------------------------------------

    @classmethod
    def parse(cls, spec: TargetsLike | None) -> TargetSet:
        """A set from text (``"80/20+abandon<=5%"``), target objects, or a set.

        ``None`` and ``""`` are the empty set. Text is cached, so a table's ``target``
        column of a few distinct values costs a few parses.

        Raises
        ------
        TargetError
            A target that cannot be read or that no staffing meets.
        """
        if isinstance(spec, TargetSet):
            return spec
        if spec is None or (isinstance(spec, str) and not spec.strip()):
            return _EMPTY
        if isinstance(spec, str):
            return _set_of_text(spec)
        if isinstance(spec, _KINDS):
            return cls((spec,))
        out: list[Target] = []
        for item in spec:
            if isinstance(item, TargetSet):
                out.extend(item.targets)
            elif isinstance(item, str):
                out.extend(_parse_text(item))
            elif isinstance(item, _KINDS):
                out.append(item)
            else:
                raise TargetError(f"not a target: {item!r}")
        return cls(tuple(dict.fromkeys(out)))

    @classmethod
    def of(cls, spec: TargetsLike) -> TargetSet:
        """Like :meth:`parse`, but refuses no targets at all (a solver needs some)."""
        out = cls.parse(spec)
        if not out:
            raise TargetError("no target given: use e.g. 80/20")
        return out

    # -- a sequence of targets --------------------------------------------------------

    def __str__(self) -> str:
        return "+".join(str(t) for t in self.targets)

    def __iter__(self) -> Iterator[Target]:
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)

    def __bool__(self) -> bool:
        return bool(self.targets)

    @overload
    def __getitem__(self, i: int) -> Target: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Target, ...]: ...
    def __getitem__(self, i: int | slice) -> Target | tuple[Target, ...]:
        return self.targets[i]

    # -- what the set asks for --------------------------------------------------------

    @property
    def service_levels(self) -> tuple[ServiceLevel, ...]:
        """The service-level targets, in order."""
        return tuple(t for t in self.targets if isinstance(t, ServiceLevel))

    @property
    def per_attempt(self) -> TargetSet:
        """The set without its ``customer_abandon<=`` caps: what one attempt is judged on.

        With redials a customer-level cap is judged on the fixed point of fresh calls and
        redials (:mod:`staffing.queueing.redial`); the other targets on each attempt.

        Examples
        --------
        >>> str(TargetSet.parse("80/20+customer_abandon<=3%").per_attempt)
        '80/20'
        """
        return TargetSet(tuple(t for t in self.targets if not isinstance(t, CustomerAbandon)))

    @property
    def thresholds(self) -> tuple[float, ...]:
        """Thresholds [s] of the service-level targets, in order, without repeats."""
        return tuple(dict.fromkeys(t.threshold_s for t in self.service_levels))

    def needs(self, measure: str) -> bool:
        """Whether a target reads ``measure`` (``asa_s``, ``abandon_rate``...)."""
        return any(t.measure == measure for t in self.targets)

    def report_threshold(self, default: float = 20.0) -> float:
        """The threshold [s] a plan reports its service level at.

        The first service-level target's, else ``default``.
        """
        levels = self.service_levels
        return levels[0].threshold_s if levels else float(default)

    def cap(self, kind: type[Asa | AbandonRate | Occupancy | CustomerAbandon]) -> float | None:
        """The tightest cap of one kind (``TargetSet.cap(Asa)``), ``None`` without one."""
        limits = [t.limit for t in self.targets if isinstance(t, kind)]
        return min(limits) if limits else None

    @property
    def abandon_cap(self) -> float | None:
        """The tightest abandon-rate cap, ``None`` without one."""
        return self.cap(AbandonRate)

    @property
    def customer_abandon_cap(self) -> float | None:
        """The tightest cap on customers giving up (``customer_abandon<=``).

        ``None`` without one.
        """
        return self.cap(CustomerAbandon)

    @property
    def asa_cap(self) -> float | None:
        """The tightest ASA cap [s], ``None`` without one."""
        return self.cap(Asa)

    def only_service_level(self, what: str) -> ServiceLevel:
        """The one service-level target of a set that must be exactly that.

        A contract's clause, a sweep point.

        Raises
        ------
        TargetError
            Naming ``what`` when the set is anything else.
        """
        if len(self.targets) != 1 or not isinstance(self.targets[0], ServiceLevel):
            raise TargetError(
                f"{what} {str(self) or 'no target'!r}: give one service-level target, e.g. 80/20"
            )
        return self.targets[0]

    def deferred(self, what: str) -> DeferredTarget:
        """The set read as deferred work's target: ``90/4h``, or ``90/4h+100/24h``.

        Raises
        ------
        TargetError
            Naming ``what`` for a set that is not one or two service levels, the second
            100% within a longer deadline.

        Examples
        --------
        >>> TargetSet.parse("90/4h+100/24h").deferred("queue 'mail'")
        DeferredTarget(share=0.9, deadline_s=14400.0, late_within_s=86400.0)
        """
        levels = sorted(self.service_levels, key=lambda t: t.threshold_s)
        if not levels or len(levels) != len(self.targets) or len(levels) > 2:
            raise TargetError(
                f"{what}: deferred work takes a share within a deadline (90/4h), optionally "
                f"with the deadline for all of it (90/4h+100/24h), not {self or 'no target'}"
            )
        first = levels[0]
        if len(levels) == 1:
            return DeferredTarget(first.fraction, first.threshold_s)
        last = levels[1]
        if last.fraction < 1.0 or first.fraction >= 1.0:
            raise TargetError(
                f"{what}: the second target of deferred work must be 100% within a longer "
                f"deadline (e.g. 90/4h+100/24h), not {self}"
            )
        return DeferredTarget(first.fraction, first.threshold_s, last.threshold_s)

    # -- judging ----------------------------------------------------------------------

    def met_by(self, measures: Measures) -> np.ndarray:
        """Whether each interval meets every target (all true for the empty set)."""
        ok: Any = True
        for t in self.targets:
            ok = ok & t.met_by(measures)
        return np.asarray(ok)

    def margins(self, measures: Measures) -> list[np.ndarray]:
        """Per target, in order, how far inside it each interval is (>= 0: met)."""
        return [t.margin(measures) for t in self.targets]

    def shortfall_points(self, measures: Measures) -> np.ndarray | Any:
        """The worst miss of the service-level and abandon-rate targets [percentage points].

        Negative when all are met (NaN without such a target).
        """
        worst: Any = np.nan
        for t in self.targets:
            gap = t.shortfall_points(measures)
            if gap is not None:
                worst = np.fmax(worst, gap)
        return worst


_EMPTY = TargetSet()


@lru_cache(maxsize=1024)
def _set_of_text(text: str) -> TargetSet:
    return TargetSet(tuple(dict.fromkeys(_parse_text(text))))


TargetsLike = str | Target | TargetSet | Iterable[str | Target | TargetSet]


def parse_targets(targets: TargetsLike) -> tuple[Target, ...]:
    """Read one target or several into target objects.

    Parameters
    ----------
    targets : str, target object, TargetSet, or a sequence of them
        ``"80/20"``, ``"90/10+99/300"``, ``["80/20", "abandon<=5%"]``, ``Asa(30)``...

    Returns
    -------
    tuple of ServiceLevel, Asa, AbandonRate, Occupancy
        The targets of :meth:`TargetSet.of`, which reads them.

    Raises
    ------
    TargetError
        (a ``ValueError``) naming a target that cannot be read or that no staffing meets.

    Examples
    --------
    >>> parse_targets("90/10+99/300")
    (ServiceLevel(fraction=0.9, threshold_s=10.0), ServiceLevel(fraction=0.99, threshold_s=300.0))
    >>> [str(t) for t in parse_targets(["80/20", "abandon<=5%"])]
    ['80/20', 'abandon<=5%']
    """
    return TargetSet.of(targets).targets


def check_queueing_targets(targets: Iterable[Target]) -> None:
    """Refuse targets no queue of callers can meet: 100% within a threshold.

    A deferred-work target such as ``100/24h`` (every e-mail within a day) is met by a
    backlog plan; calls, chats and other contacts that queue with random arrivals are
    never all answered within a threshold.

    Raises
    ------
    TargetError
        Naming the target.
    """
    for tg in targets:
        if isinstance(tg, ServiceLevel) and tg.fraction >= 1.0:
            raise TargetError(
                f"target {tg}: no staffing answers 100% of randomly arriving calls within a "
                "threshold (100% targets are for deferred work such as e-mail)"
            )
