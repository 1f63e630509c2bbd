"""Progress on a terminal: a bar where the work counts its steps, elapsed time elsewhere.

Both write to standard error and only when it is a terminal, so logs, pipes and tests see
nothing of them.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import click

__all__ = ["progress_bar", "working"]


def progress_bar(total: int, label: str) -> AbstractContextManager[Any]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return nullcontext(None)
    return click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True)


@contextmanager
def working(label: str, *, after_s: float = 3.0) -> Iterator[None]:
    """``label ... 12 s`` on stderr while a step with no count of its own runs (a solve,
    a fit), once it has taken ``after_s`` seconds; cleared when it ends."""
    if not sys.stderr.isatty():
        yield
        return
    done = threading.Event()
    start = time.perf_counter()
    shown = False

    def tick() -> None:
        nonlocal shown
        frames = "|/-\\"
        i = 0
        while not done.wait(0.25):
            elapsed = time.perf_counter() - start
            if elapsed >= after_s:
                sys.stderr.write(f"\r{label} {frames[i % 4]} {elapsed:4.0f} s")
                sys.stderr.flush()
                shown = True
                i += 1

    thread = threading.Thread(target=tick, name="working", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if shown:
            sys.stderr.write("\r" + " " * (len(label) + 12) + "\r")
            sys.stderr.flush()
