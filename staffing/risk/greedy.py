"""Added agents in the order they buy the most, and the shortest such prefix that is enough.

Two pieces shared by staffing a period to a probability
(:func:`~staffing.risk.staff_to_probability`) and bringing a day back to target
(:func:`~staffing.risk.intraday`):

* :func:`greedy_additions`: the order in which to add agents. The value of an interval
  staffed with ``n`` agents is its expected calls answered within the threshold,
  ``calls P(wait <= t; n)`` (Erlang C or A, the plan's model); each step adds the bundle
  of ``m`` agents to the interval where ``m`` more agents buy the most such calls per
  agent-hour, ``(v(n + m) - v(n)) / (m h)`` with ``h`` the interval's length in hours.
  Allowing bundles (not only ``m = 1``) gets past intervals where Erlang C gives nothing
  until the queue is stable. The stationary formula ranks the intervals; whether the
  additions are enough is judged by simulation.
* :class:`PrefixSearch`: the fewest steps of that order with which a simulated measure
  reaches its goal: a secant search on the measure against the stationary gain, falling
  back to bisection, on common random numbers (each step re-simulates only the
  queue-days it changes).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from staffing.queueing import evaluate

__all__ = ["Additions", "PrefixSearch", "greedy_additions"]

_MAX_BUNDLE = 400  # agents looked ahead per interval


@dataclass(frozen=True)
class Additions:
    """Agents to add, step by step, over a set of rows.

    Attributes
    ----------
    rows : ndarray
        Candidate rows (positions in the plan).
    hours : ndarray
        Length of each row's interval [h].
    step_row : ndarray
        Index into ``rows`` of each step.
    step_agents : ndarray
        Agents each step adds.
    gain : ndarray
        Cumulative expected calls answered within the threshold bought after ``L``
        steps, ``L = 0 .. steps`` (stationary formula).
    agent_hours : ndarray
        Cumulative agent-hours added after ``L`` steps.
    """

    rows: np.ndarray
    hours: np.ndarray
    step_row: np.ndarray
    step_agents: np.ndarray
    gain: np.ndarray
    agent_hours: np.ndarray

    @property
    def steps(self) -> int:
        """Agent-intervals added so far."""
        return int(self.step_row.size)

    def added(self, steps: int) -> np.ndarray:
        """Agents added to each of ``rows`` by the first ``steps`` steps."""
        out = np.zeros(self.rows.size)
        np.add.at(out, self.step_row[:steps], self.step_agents[:steps])
        return out

    def first_reaching(self, gain: float) -> int:
        """The fewest steps whose stationary gain is at least ``gain``."""
        return min(int(np.searchsorted(self.gain, gain - 1e-12, side="left")), self.steps)


def greedy_additions(
    calls: np.ndarray,
    aht_s: np.ndarray,
    agents: np.ndarray,
    interval_s: np.ndarray,
    threshold_s: np.ndarray,
    patience_s: np.ndarray,
    rows: np.ndarray | None = None,
    max_agent_hours: float = np.inf,
) -> Additions:
    """The greedy order of added agents by expected calls answered within the threshold.

    Parameters
    ----------
    calls, aht_s, agents, interval_s, threshold_s, patience_s : ndarray
        Per candidate interval: calls, handle time [s], the staffing to add to [agents],
        length [s], threshold [s], mean patience [s] (``inf``: Erlang C).
    rows : ndarray, optional
        Labels of the intervals (default ``0 .. K-1``).
    max_agent_hours : float, optional
        Stop once this many agent-hours are added.

    Returns
    -------
    Additions

    Notes
    -----
    With ``v_k(n) = calls_k P(W <= t_k; n)`` and ``h_k`` the interval's length in
    hours, each step picks ``argmax_k max_m (v_k(n_k + m) - v_k(n_k)) / (m h_k)`` and adds
    those ``m`` agents. Each interval's table reaches the staffing at which it answers
    almost every call within the threshold (``a + 5 sqrt(a) + 3`` agents for a workload
    of ``a`` Erlangs), so the order ends when no agent buys anything more.

    Examples
    --------
    Two intervals of 10 Erlangs; the first has 9 agents, which Erlang C answers no call
    within the threshold with, and 10 would not either: its first step adds a bundle of
    three, and the next steps go there too before the second interval gets one.

    >>> a = greedy_additions(np.array([100.0, 100.0]), np.array([180.0, 180.0]),
    ...                      np.array([9.0, 14.0]), np.array([1800.0, 1800.0]),
    ...                      np.array([20.0, 20.0]), np.array([np.inf, np.inf]))
    >>> a.step_row[:5].tolist(), a.step_agents[:5].tolist()
    ([0, 0, 0, 0, 1], [3.0, 1.0, 1.0, 1.0, 1.0])
    >>> a.gain[:3].round(1).tolist(), a.agent_hours[:3].tolist()
    ([0.0, 64.0, 79.6], [0.0, 1.5, 2.0])
    """
    c = np.asarray(calls, dtype=float)
    k = c.size
    labels = np.arange(k) if rows is None else np.asarray(rows)
    hours = np.asarray(interval_s, dtype=float) / 3600.0
    base = np.asarray(agents, dtype=float)
    load = c * np.asarray(aht_s, dtype=float) / np.asarray(interval_s, dtype=float)
    top = np.ceil(load + 5.0 * np.sqrt(load) + 3.0)
    depth = np.clip(top - np.floor(base), 1, _MAX_BUNDLE).astype(np.int64)
    depth = np.where(c > 0, depth, 0)
    width = int(depth.max()) + 1 if k else 1
    m = np.arange(width)[None, :]
    value = np.zeros((k, width))
    if k:
        sl = evaluate(
            c[:, None],
            np.asarray(aht_s, dtype=float)[:, None],
            base[:, None] + m,
            interval_s=np.asarray(interval_s, dtype=float)[:, None],
            threshold_s=np.asarray(threshold_s, dtype=float)[:, None],
            patience_s=np.asarray(patience_s, dtype=float)[:, None],
            abandon_policy="fail",
        ).service_level
        value = c[:, None] * np.nan_to_num(np.asarray(sl, dtype=float))
        value = np.maximum.accumulate(value, axis=1)  # never less for more agents
    level = np.zeros(k, dtype=np.int64)

    def best(i: int) -> tuple[float, int] | None:
        c0 = int(level[i])
        if c0 >= depth[i]:
            return None
        gains = value[i, c0 + 1 : depth[i] + 1] - value[i, c0]
        ratio = gains / (np.arange(1, gains.size + 1) * hours[i])
        j = int(np.argmax(ratio))
        if not gains[j] > 1e-9:
            return None
        return float(ratio[j]), j + 1

    heap: list[tuple[float, int, int]] = []
    for i in range(k):
        b = best(i)
        if b is not None:
            heap.append((-b[0], i, b[1]))
    heapq.heapify(heap)
    step_row, step_agents, gain, spent = [], [], [0.0], [0.0]
    while heap and spent[-1] < max_agent_hours:
        _, i, bundle = heapq.heappop(heap)
        before = value[i, level[i]]
        level[i] += bundle
        step_row.append(i)
        step_agents.append(float(bundle))
        gain.append(gain[-1] + float(value[i, level[i]] - before))
        spent.append(spent[-1] + bundle * float(hours[i]))
        b = best(i)
        if b is not None:
            heapq.heappush(heap, (-b[0], i, b[1]))
    return Additions(
        rows=labels,
        hours=hours,
        step_row=np.asarray(step_row, dtype=np.intp),
        step_agents=np.asarray(step_agents, dtype=float),
        gain=np.asarray(gain),
        agent_hours=np.asarray(spent),
    )


@dataclass
class PrefixSearch:
    """The fewest steps ``L`` of an :class:`Additions` order with which a measure is met.

    The measure ``x(L)`` is simulated (on common random numbers, so it moves little but
    surely with ``L``) and the goal is ``x >= 0``. ``lo`` is the largest count of steps
    known to fall short (0 at the start, with ``x_lo`` the measure of the plan as it is),
    ``hi`` the smallest known to reach the goal. Proposals interpolate ``x`` linearly
    against the stationary gain (a secant step), every other one in a row on the same
    side a bisection, so the search ends in a few rounds; its answer is ``hi``.

    Parameters
    ----------
    additions : Additions
    x0 : float
        The measure with no step (below 0).
    slope : float
        A first guess of ``dx / d gain`` (e.g. one over the period's calls: each call
        answered within the threshold raises the service level by that much).
    """

    additions: Additions
    x0: float
    slope: float
    lo: int = 0
    hi: int | None = None
    x_lo: float = field(init=False)
    x_hi: float = np.nan
    unreachable: bool = False
    rounds: int = 0
    _sides: list[bool] = field(default_factory=list)
    _points: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.x_lo = self.x0
        self._points.append((0.0, self.x0))

    @property
    def done(self) -> bool:
        """Whether the search has settled (or cannot reach the level)."""
        return self.unreachable or (self.hi is not None and self.hi - self.lo <= 1)

    @property
    def answer(self) -> int:
        """Steps to take: ``hi``, or every step when the goal cannot be reached."""
        return self.additions.steps if self.hi is None else self.hi

    def propose(self) -> int | None:
        """The next count of steps to simulate, or None when done."""
        a = self.additions
        if self.done:
            return None
        if self.hi is None:
            if self.lo >= a.steps:
                self.unreachable = True
                return None
            slope = self._slope()
            need = -self.x_lo / slope if slope > 0 else np.inf
            target = a.gain[self.lo] + 1.15 * need
            step = a.first_reaching(target) if np.isfinite(target) else a.steps
            return int(min(max(step, self.lo + 1), a.steps))
        bisect = len(self._sides) >= 2 and self._sides[-1] == self._sides[-2]
        g_lo, g_hi = a.gain[self.lo], a.gain[self.hi]
        if not bisect and self.x_hi > self.x_lo and g_hi > g_lo:
            target = g_lo + (0.0 - self.x_lo) * (g_hi - g_lo) / (self.x_hi - self.x_lo)
            step = a.first_reaching(target)
        else:
            step = (self.lo + self.hi) // 2
        return int(min(max(step, self.lo + 1), self.hi - 1))

    def record(self, steps: int, x: float, ok: bool) -> None:
        """The measure simulated with ``steps`` steps and whether it meets the goal."""
        self.rounds += 1
        self._points.append((float(self.additions.gain[steps]), float(x)))
        self._sides.append(ok)
        if ok:
            if self.hi is None or steps < self.hi:
                self.hi, self.x_hi = steps, x
        elif steps > self.lo:
            self.lo, self.x_lo = steps, x
            if steps >= self.additions.steps:
                self.unreachable = self.hi is None

    def _slope(self) -> float:
        """``dx / d gain`` from the two points furthest apart, else the first guess."""
        pts = sorted(self._points)
        if len(pts) >= 2 and pts[-1][0] > pts[0][0]:
            s = (pts[-1][1] - pts[0][1]) / (pts[-1][0] - pts[0][0])
            if s > 0:
                return float(s)
        return float(self.slope)
