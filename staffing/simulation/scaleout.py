"""Where simulations run: in this process, in local processes, or on a Dask cluster.

Queue-days are independent, and each draws from its own random streams (see
:func:`~staffing.simulation.queue_day.queue_day_seed`), so they can be simulated in any
order, anywhere: the numbers depend on the seed and the queue-day only. This module holds
the settings every table-level simulation shares (:class:`SimulationOptions`) and the one
function that hands the queue-days to the workers (:func:`map_queue_days`).

``jobs=N`` runs them in ``N`` local processes (``spawn``ed: no state is inherited), and
``scheduler`` on a Dask distributed cluster (``pip install 'staffing[dask]'``; the
workers need ``staffing`` installed too). A queue-day is the unit of work: about a second
for a busy day with 1,000 replications, small to send (its forecast and staffing) and small
to return (its estimates).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from staffing.errors import StaffingError

__all__ = ["SimulationOptions", "map_queue_days"]

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class SimulationOptions:
    """How a plan is simulated: replications, seed, randomness beyond Poisson, and where.

    Parameters
    ----------
    replications : int, default 1000
        Independent days simulated per queue-day (at least 2).
    seed : int, default 0
        Seed of every random stream: the same seed gives the same numbers, whatever the
        order, the number of jobs or the machine.
    volume_cv : float, default 0
        Coefficient of variation of a day-level gamma factor on the forecast's calls
        (forecast error beyond Poisson randomness); 0: calls are Poisson.
    service_cv : float, optional
        Coefficient of variation of handle times (lognormal); ``None``: exponential.
    confidence : float, default 0.95
        Level of every confidence interval.
    jobs : int, default 1
        Local processes to run queue-days in (1: this process).
    scheduler : str or distributed.Client, optional
        Address of a Dask distributed scheduler (``"tcp://10.0.0.5:8786"``) or a client
        already connected; then the queue-days run on its workers and ``jobs`` is not
        used.

    Examples
    --------
    >>> SimulationOptions(replications=500, seed=7).describe()
    '500 replications, seed 7, Poisson calls, exponential handle times'
    >>> SimulationOptions(replications=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    staffing.errors.StaffingError: `replications` must be a whole number >= 2 (got 1)
    """

    replications: int = 1000
    seed: int = 0
    volume_cv: float = 0.0
    service_cv: float | None = None
    confidence: float = 0.95
    jobs: int = 1
    scheduler: Any = None

    def __post_init__(self) -> None:
        for name, low in (("replications", 2), ("seed", 0), ("jobs", 1)):
            value = getattr(self, name)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or value != int(value) or value < low:
                raise StaffingError(f"`{name}` must be a whole number >= {low} (got {value!r})")
            object.__setattr__(self, name, int(value))
        if not (math.isfinite(self.volume_cv) and self.volume_cv >= 0):
            raise StaffingError(f"`volume_cv` must be a number >= 0 (got {self.volume_cv!r})")
        if self.service_cv is not None and not (
            math.isfinite(self.service_cv) and self.service_cv >= 0
        ):
            raise StaffingError(
                f"`service_cv` must be a number >= 0 or None (got {self.service_cv!r})"
            )
        if not 0.0 < self.confidence < 1.0:
            raise StaffingError(f"`confidence` must be between 0 and 1 (got {self.confidence!r})")

    def describe(self) -> str:
        """The settings in words, for reports."""
        calls = (
            f"calls Poisson times a daily factor with CV {self.volume_cv:g}"
            if self.volume_cv
            else "Poisson calls"
        )
        service = (
            "exponential handle times"
            if self.service_cv is None
            else f"lognormal handle times with CV {self.service_cv:g}"
        )
        return f"{self.replications} replications, seed {self.seed}, {calls}, {service}"


def map_queue_days(
    function: Callable[[T], R],
    tasks: Sequence[T],
    *,
    jobs: int = 1,
    scheduler: Any = None,
    progress: Callable[[int], None] | None = None,
    weights: Sequence[int] | None = None,
) -> list[R]:
    """``[function(t) for t in tasks]``, here, in ``jobs`` processes or on a Dask cluster.

    Parameters
    ----------
    function : callable
        A module-level function (it is sent to other processes by name).
    tasks : sequence
        Its arguments, one per queue-day (picklable).
    jobs : int, default 1
        Local processes; 1 runs everything in this process.
    scheduler : str or distributed.Client, optional
        A Dask scheduler's address, or a connected client.
    progress : callable, optional
        Called with ``weights[i]`` (default 1) as task ``i`` finishes.
    weights : sequence of int, optional
        Progress units of each task (e.g. its intervals).

    Returns
    -------
    list
        The results, in the order of ``tasks`` whatever the order they finished in.

    Raises
    ------
    StaffingError
        The first error a task raised (the others are cancelled); a scheduler that cannot
        be reached; Dask not installed.
    """
    weights = list(weights) if weights is not None else [1] * len(tasks)

    def tick(i: int) -> None:
        if progress is not None:
            progress(int(weights[i]))

    if scheduler is not None:
        return _on_dask(function, tasks, scheduler, tick)
    if jobs <= 1 or len(tasks) <= 1:
        out = []
        for i, task in enumerate(tasks):
            out.append(function(task))
            tick(i)
        return out
    return _in_processes(function, tasks, jobs, tick)


def _in_processes(
    function: Callable[[T], R], tasks: Sequence[T], jobs: int, tick: Callable[[int], None]
) -> list[R]:
    """Tasks on ``jobs`` worker processes, in order; stopped at once on any exception.

    Workers start with Ctrl-C (SIGINT) blocked, so a Ctrl-C at the terminal, which reaches
    the whole process group, is the parent's alone: it stops the run and the workers
    without a traceback from each. When the parent stops (an error in a task, SIGTERM,
    Ctrl-C), the tasks not started are dropped and the workers are ended, rather than
    waited for.
    """
    import multiprocessing
    import signal
    from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

    results: list[Any] = [None] * len(tasks)
    context = multiprocessing.get_context("spawn")
    others = set(multiprocessing.active_children())  # a caller's own processes: left alone
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)),
        mp_context=context,
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        # the workers are spawned while the tasks are submitted, and keep this signal mask
        # (POSIX; elsewhere a worker may still see Ctrl-C)
        masking = hasattr(signal, "pthread_sigmask")
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if masking else None
        try:
            index = {pool.submit(function, task): i for i, task in enumerate(tasks)}
        finally:
            if blocked is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        pending = set(index)
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                error = future.exception()
                if error is not None:
                    raise error
                results[index[future]] = future.result()
                tick(index[future])
    except BaseException:
        # the workers first: a worker still starting up, its pipe closed by the shutdown,
        # would otherwise print a traceback before the signal reached it
        for worker in set(multiprocessing.active_children()) - others:
            worker.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def die_with_parent(parent: int) -> None:
    """Make a worker process end when the process that started it ends, however it ends.

    A killed parent (``kill -9``, or a ``kill`` that ends it before it can stop its pool)
    leaves its workers waiting for tasks that will never come. Each worker asks the
    kernel for a signal when its parent dies (Linux ``PR_SET_PDEATHSIG``) and, where that
    is not available or came too late, watches its parent's process id twice a second.
    """
    import signal
    import threading
    import time

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _on_dask(
    function: Callable[[T], R], tasks: Sequence[T], scheduler: Any, tick: Callable[[int], None]
) -> list[R]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise StaffingError(
            "`scheduler` needs Dask distributed: pip install 'staffing[dask]'"
        ) from None
    own = not isinstance(scheduler, Client)
    if own:
        try:
            client = Client(str(scheduler), timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise StaffingError(
                f"`scheduler` {scheduler!r}: cannot reach a Dask scheduler there ({exc})"
            ) from None
    else:
        client = scheduler
    try:
        futures = client.map(function, list(tasks), pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        for future in as_completed(futures):
            if future.status == "error":
                for other in futures:
                    other.cancel()
                raise future.exception()
            tick(index[future.key])
        results: list[R] = client.gather(futures)
        return results
    finally:
        if own:
            client.close()
