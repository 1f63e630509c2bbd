"""Service-level agreement targets and their one syntax.

===================  ==================================================
text                 meaning
===================  ==================================================
``80/20``            80% of calls answered within 20 s
``99/300``           99% answered within 5 minutes
``asa<=30``          average speed of answer of answered calls <= 30 s
``abandon<=5%``      abandoned / offered <= 5%
``occupancy<=85%``   busy time / staffed time <= 85%
===================  ==================================================

Percentages and thresholds use the shared vocabulary (:mod:`staffing.vocabulary`): a
percentage may carry ``%``, a bare number above 1 is a percentage and one below 1 a
fraction (``0.8/20`` is ``80/20``; a bare ``1`` is ambiguous and refused); a threshold is
any duration, a bare number being seconds (``90/4h`` is 90% within four hours, for
e-mail; ``asa<=0.5min``). Several targets combine with ``+`` or ``,``
(``90/10+99/300``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from staffing.errors import StaffingError, TargetError
from staffing.vocabulary import parse_duration, parse_rate

__all__ = [
    "AbandonRate",
    "Asa",
    "Occupancy",
    "ServiceLevel",
    "Target",
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


@dataclass(frozen=True)
class ServiceLevel:
    """At least ``fraction`` of calls answered within ``threshold_s`` seconds (``80/20``)."""

    fraction: float
    threshold_s: float

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

    def __str__(self) -> str:
        pct = 100 * self.fraction
        # "80/20"; a percentage of 1 or less keeps its % so that it reads back the same
        return f"{pct:g}{'%' if 0 < pct <= 1 else ''}/{_threshold(self.threshold_s)}"


@dataclass(frozen=True)
class Asa:
    """Average speed of answer of answered calls at most ``seconds``."""

    seconds: float

    def __post_init__(self) -> None:
        if not self.seconds > 0.0:
            raise TargetError(
                f"target {self}: no staffing reaches an ASA of {self.seconds:g} s "
                "(it must be above 0)"
            )

    def __str__(self) -> str:
        return f"asa<={self.seconds:g}"


@dataclass(frozen=True)
class AbandonRate:
    """Abandoned calls at most ``fraction`` of offered calls."""

    fraction: float

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction < 1.0:
            raise TargetError(
                f"target {self}: no staffing can hold abandons to {_pct(self.fraction)} "
                "(use a rate between 0 and 100% exclusive)"
            )

    def __str__(self) -> str:
        return f"abandon<={_pct(self.fraction)}"


@dataclass(frozen=True)
class Occupancy:
    """Agent occupancy (busy time / staffed time) at most ``fraction``."""

    fraction: float

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction <= 1.0:
            raise TargetError(f"target {self}: occupancy cap must be above 0 and at most 100%")

    def __str__(self) -> str:
        return f"occupancy<={_pct(self.fraction)}"


Target = ServiceLevel | Asa | AbandonRate | Occupancy
TargetsLike = str | Target | Iterable[str | Target]

_SL = re.compile(r"^\s*([0-9.]+\s*%?)\s*/\s*(\S.*?)\s*$")
_CAP = re.compile(
    r"^\s*(asa|abandon|abandons|abandon_rate|abandonment|occupancy|occ)\s*(<=|<|=<)\s*(.+?)\s*$",
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
        return AbandonRate(_fraction(value, "abandon rate", spec))
    raise TargetError(
        f"unknown target {spec!r}: use e.g. 80/20, 99/300, asa<=30, abandon<=5%, occupancy<=85%"
    )


def parse_targets(targets: TargetsLike) -> tuple[Target, ...]:
    """Read one target or several into target objects.

    Parameters
    ----------
    targets : str, target object, or a sequence of them
        ``"80/20"``, ``"90/10+99/300"``, ``["80/20", "abandon<=5%"]``, ``Asa(30)``...

    Returns
    -------
    tuple of ServiceLevel, Asa, AbandonRate, Occupancy

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
    items: list[str | Target]
    if isinstance(targets, str | ServiceLevel | Asa | AbandonRate | Occupancy):
        items = [targets]
    else:
        items = list(targets)
    out: list[Target] = []
    for item in items:
        if isinstance(item, str):
            parts = [p for p in re.split(r"[+,;]", item) if p.strip()]
            if not parts:
                raise TargetError(f"empty target {item!r}")
            out.extend(_parse_one(p) for p in parts)
        elif isinstance(item, ServiceLevel | Asa | AbandonRate | Occupancy):
            out.append(item)
        else:
            raise TargetError(f"not a target: {item!r}")
    if not out:
        raise TargetError("no target given: use e.g. 80/20")
    return tuple(dict.fromkeys(out))


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
