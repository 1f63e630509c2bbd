"""Small event-driven simulations for the chat and priority-class tests.

Nothing here uses a queueing formula: every chat or call is followed from its arrival to its
answer or its abandonment, and the measures are counted from those fates.

**Chat.** Chats arrive as a Poisson process; an agent holding ``j`` chats completes one at
rate ``efficiency[j-1] / aht_s`` (memoryless, so the next completion among all agents is
drawn afresh at each event and falls on a load level with probability proportional to the
agents there times their throughput). A new chat goes to a least-loaded agent with a free
slot, or else waits first-come first-served; a waiting chat leaves when its own exponential
patience runs out. An agent that frees a slot takes the chat at the head of the queue. With
``rebalance`` the loads are kept within one chat of each other: when a completion leaves a
gap of two, a chat is handed from a most-loaded agent to the least-loaded one (the balanced
system the birth-death model describes); without it, only routing balances the loads.
Agents are exchangeable, so the state is the number of agents at each load.

**Priority classes.** Calls of classes 1..K (1 served first) arrive as independent Poisson
streams; ``agents`` identical agents with exponential handle times; a free agent takes the
longest-waiting call of the best class present (non-preemptive priority, FCFS within a
class); nobody abandons.

Each replication starts empty, discards a warm-up, and returns per-replication fractions;
the tests turn independent replications into a mean and a standard error.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Sequence

import numpy as np


class _Exp:
    """Exponential variates (mean 1) drawn in blocks from one seeded generator."""

    def __init__(self, rng: np.random.Generator, block: int = 65536) -> None:
        self.rng, self.block = rng, block
        self.exp = rng.standard_exponential(block)
        self.uni = rng.random(block)
        self.i = self.j = 0

    def e(self) -> float:
        if self.i == self.block:
            self.exp, self.i = self.rng.standard_exponential(self.block), 0
        self.i += 1
        return float(self.exp[self.i - 1])

    def u(self) -> float:
        if self.j == self.block:
            self.uni, self.j = self.rng.random(self.block), 0
        self.j += 1
        return float(self.uni[self.j - 1])


def simulate_chat(
    *,
    rate_per_s: float,
    aht_s: float,
    agents: int,
    concurrency: int,
    efficiency: Sequence[float],
    threshold_s: float,
    patience_s: float = math.inf,
    chats: int,
    warmup: int,
    seed: int,
    rebalance: bool = True,
) -> dict[str, float]:
    """One replication of the chat system: measured fractions over ``chats`` chats."""
    draw = _Exp(np.random.default_rng(seed))
    c = concurrency
    eff = [0.0, *efficiency[:c]]
    mu = 1.0 / aht_s
    count = [0] * (c + 1)  # agents holding j chats
    count[0] = agents
    queue: deque[tuple[float, int]] = deque()  # (arrival, id) of waiting chats
    deadlines: list[tuple[float, int, float]] = []  # (leaves at, id, arrival), lazily cleaned
    gone: set[int] = set()  # waiting chats that were answered or left
    in_service = 0
    slots = agents * c
    t = 0.0
    next_arrival = draw.e() / rate_per_s
    arrived = 0
    end = warmup + chats  # chats warmup .. end-1 are counted
    t_start = t_end = math.nan
    busy_area = 0.0
    resolved = waited = answered = within = abandoned = abandoned_within = 0
    wait_answered = 0.0

    def answer(arrival: float, idx: int) -> None:
        nonlocal answered, within, wait_answered, waited, resolved
        if not warmup <= idx < end:
            return
        wait = t - arrival
        resolved += 1
        answered += 1
        wait_answered += wait
        within += wait <= threshold_s
        waited += wait > 0

    def lowest() -> int:
        j = 0
        while count[j] == 0:
            j += 1
        return j

    def highest() -> int:
        j = c
        while count[j] == 0:
            j -= 1
        return j

    while resolved < chats:
        service_rate = mu * sum(count[j] * eff[j] for j in range(1, c + 1))
        next_done = t + draw.e() / service_rate if service_rate > 0 else math.inf
        while deadlines and deadlines[0][1] in gone:
            heapq.heappop(deadlines)
        next_leave = deadlines[0][0] if deadlines else math.inf
        step = min(next_arrival, next_done, next_leave)
        if warmup < arrived <= end:  # the measured window: arrivals of counted chats
            busy_area += in_service * (step - t)
        t = step
        if step == next_arrival:
            idx = arrived
            arrived += 1
            if idx == warmup:
                t_start = t
            if idx == end:
                t_end = t
            next_arrival = t + draw.e() / rate_per_s
            if in_service < slots:
                j = lowest()
                count[j] -= 1
                count[j + 1] += 1
                in_service += 1
                answer(t, idx)
            else:
                queue.append((t, idx))
                if math.isfinite(patience_s):
                    heapq.heappush(deadlines, (t + draw.e() * patience_s, idx, t))
        elif step == next_done:
            # which load level finishes a chat: proportional to agents x throughput
            x = draw.u() * service_rate / mu
            j = 1
            while j < c and x >= count[j] * eff[j]:
                x -= count[j] * eff[j]
                j += 1
            while count[j] == 0:  # rounding at the top of the draw
                j -= 1
            count[j] -= 1
            count[j - 1] += 1
            in_service -= 1
            while queue and queue[0][1] in gone:
                queue.popleft()
            if queue:
                arrival, idx = queue.popleft()
                gone.add(idx)
                count[j - 1] -= 1
                count[j] += 1
                in_service += 1
                answer(arrival, idx)
            elif rebalance:
                lo, hi = lowest(), highest()
                if hi - lo >= 2:  # hand one chat from a most- to a least-loaded agent
                    count[hi] -= 1
                    count[hi - 1] += 1
                    count[lo] -= 1
                    count[lo + 1] += 1
        else:
            when, idx, arrival = heapq.heappop(deadlines)
            gone.add(idx)
            if warmup <= idx < end:
                resolved += 1
                abandoned += 1
                waited += 1
                abandoned_within += when - arrival <= threshold_s
    if math.isnan(t_end):
        t_end = t
    n = chats
    return {
        "p_wait": waited / n,
        "abandon_rate": abandoned / n,
        "asa_s": wait_answered / answered,
        "sl_fail": within / n,
        "sl_exclude": within / answered,
        "sl_exclude_within": within / (n - abandoned_within),
        "sl_count_within": (within + abandoned_within) / n,
        "occupancy": busy_area / ((t_end - t_start) * slots),
    }


def simulate_priority(
    *,
    rates_per_s: Sequence[float],
    aht_s: float,
    agents: int,
    threshold_s: float,
    calls: int,
    warmup: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """One replication of the priority pool: per class, the measured fractions."""
    draw = _Exp(np.random.default_rng(seed))
    k = len(rates_per_s)
    total = float(sum(rates_per_s))
    cum = [float(x) for x in np.cumsum(rates_per_s) / total]
    mu = 1.0 / aht_s
    queues: list[deque[tuple[float, int]]] = [deque() for _ in range(k)]
    busy = 0
    t = 0.0
    next_arrival = draw.e() / total
    arrived = 0
    end = warmup + calls  # calls warmup .. end-1 are counted
    resolved = 0
    offered = [0] * k
    waited = [0] * k
    within = [0] * k
    wait_sum = [0.0] * k
    while resolved < calls:
        next_done = t + draw.e() / (busy * mu) if busy else math.inf
        if next_arrival < next_done:
            t = next_arrival
            next_arrival = t + draw.e() / total
            u = draw.u()
            cls = 0
            while cls < k - 1 and u >= cum[cls]:
                cls += 1
            idx = arrived
            arrived += 1
            if busy < agents:  # an agent is free: no queue either
                busy += 1
                if warmup <= idx < end:
                    resolved += 1
                    offered[cls] += 1
                    within[cls] += 1
            else:
                queues[cls].append((t, idx))
        else:
            t = next_done
            for cls in range(k):
                if queues[cls]:
                    arrival, idx = queues[cls].popleft()
                    if warmup <= idx < end:
                        wait = t - arrival
                        resolved += 1
                        offered[cls] += 1
                        waited[cls] += 1
                        wait_sum[cls] += wait
                        within[cls] += wait <= threshold_s
                    break
            else:
                busy -= 1
    n = np.array(offered, dtype=float)
    return {
        "p_wait": np.array(waited) / n,
        "service_level": np.array(within) / n,
        "asa_s": np.array(wait_sum) / n,
    }
