"""Figures of callers who call back.

Staffing against the redial share, and the abandon rate against the delay before they
call back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from staffing.queueing import evaluate, required_agents
from staffing.queueing.targets import TargetSet

__all__ = ["plot_redial_delay", "plot_redial_staffing", "redial_staffing_table"]

_COLOURS = ("#1f4e79", "#d95f02", "#1b9e77", "#7570b3")


def redial_staffing_table(
    calls: float,
    aht_s: float,
    targets: Sequence[Any],
    *,
    patience_s: float,
    interval_s: float = 1800.0,
    shares: Sequence[float] = tuple(np.round(np.arange(0.0, 0.81, 0.05), 2)),
    redial_delay_s: float | None = None,
) -> dict[str, np.ndarray]:
    """Agents required, per target set, as the redial share grows (the figure's data).

    Parameters
    ----------
    calls : float
        Fresh calls per interval.
    aht_s, patience_s, interval_s : float
        As for :func:`staffing.required_agents`.
    targets : sequence
        Target sets to compare (each a string or a sequence of targets).
    shares : sequence of float
        Redial shares, in ``[0, 1)``.
    redial_delay_s : float, optional
        Mean delay before a redial [s]: the exact retrial chain instead of the fixed
        point (:func:`staffing.evaluate`).

    Returns
    -------
    dict
        ``share``; per target set (its canonical text) the agents required; and
        ``attempts``, the attempts offered with the first set's staffing without redials
        (``agents``).

    Examples
    --------
    >>> t = redial_staffing_table(1000, 180, ["80/20"], patience_s=120, shares=[0, 0.4, 0.8])
    >>> t["80/20"].tolist(), t["attempts"].round(0).tolist(), int(t["agents"])
    ([96, 99, 102], [1000.0, 1038.0, 1169.0], 96)
    """
    share = np.asarray(shares, dtype=float)
    out: dict[str, np.ndarray] = {"share": share}
    first = None
    for spec in targets:
        ts = TargetSet.of(spec)
        need = np.array(
            [
                required_agents(
                    calls,
                    aht_s,
                    ts,
                    interval_s=interval_s,
                    patience_s=patience_s,
                    redial=r,
                    redial_delay_s=redial_delay_s,
                )
                for r in share
            ],
            dtype=np.int64,
        )
        out[str(ts)] = need
        if first is None:
            first = need
    assert first is not None
    plain = TargetSet.of(targets[0]).per_attempt
    agents = float(first[0])
    if plain:
        agents = float(
            required_agents(calls, aht_s, plain, interval_s=interval_s, patience_s=patience_s)
        )
    m = evaluate(
        np.full(share.shape, float(calls)),
        aht_s,
        agents,
        interval_s=interval_s,
        patience_s=patience_s,
        redial=share,
        redial_delay_s=redial_delay_s,
    )
    out["attempts"] = np.asarray(m.offered_attempts, dtype=float)
    out["agents"] = np.asarray(agents)
    return out


def plot_redial_staffing(
    calls: float,
    aht_s: float,
    targets: Sequence[Any] = ("80/20", "abandon<=5%", "customer_abandon<=5%"),
    *,
    patience_s: float,
    interval_s: float = 1800.0,
    shares: Sequence[float] = tuple(np.round(np.arange(0.0, 0.81, 0.05), 2)),
    redial_delay_s: float | None = None,
    ax: Any = None,
) -> Any:
    """Agents required against the share of abandoned callers who call again.

    One step line per target set, the agents of a plan that ignores redials as a dotted
    line, and (right axis) the attempts the ACD counts with the first set's staffing
    without redials: the load a plan on fresh calls alone leaves unstaffed.

    Parameters
    ----------
    calls, aht_s, targets, patience_s, interval_s, shares, redial_delay_s
        As for :func:`redial_staffing_table`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_redial_staffing(1000, 180, ["80/20"], patience_s=120, shares=[0, 0.4, 0.8])
    >>> ax.get_xlabel()
    'share of abandoned callers who call again'
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.4))
    table = redial_staffing_table(
        calls,
        aht_s,
        targets,
        patience_s=patience_s,
        interval_s=interval_s,
        shares=shares,
        redial_delay_s=redial_delay_s,
    )
    share = table["share"]
    names = [str(TargetSet.of(t)) for t in targets]
    for i, name in enumerate(names):
        colour = _COLOURS[i % len(_COLOURS)]
        ax.step(share, table[name], where="mid", color=colour, lw=2, label=name)
        ts = TargetSet.of(name)
        if ts.service_levels or ts.abandon_cap is not None:
            plain = ts.per_attempt
            base = required_agents(
                calls, aht_s, plain, interval_s=interval_s, patience_s=patience_s
            )
            ax.axhline(base, color=colour, lw=1, ls=":", alpha=0.8)
    ax.set_xlabel("share of abandoned callers who call again")
    ax.set_ylabel("agents required")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(alpha=0.3)
    right = ax.twinx()
    right.plot(share, table["attempts"], color="#8c8c8c", lw=1.2, ls="--")
    right.set_ylabel(
        f"attempts offered with {float(table['agents']):g} agents (dashed)", color="#595959"
    )
    right.tick_params(axis="y", colors="#595959")
    back = (
        "callers back long after (fixed point)"
        if redial_delay_s is None
        else f"callers back after {redial_delay_s / 60:g} min on average (exact chain)"
    )
    ax.set_title(
        f"{calls:g} fresh calls per {interval_s / 60:g} min, AHT {aht_s:g} s, "
        f"mean patience {patience_s:g} s;\n{back}",
        fontsize=10,
    )
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=len(names),
        fontsize=9,
        title="agents required for (dotted: the same target ignoring redials)",
        title_fontsize=8,
        frameon=False,
    )
    return ax


def plot_redial_delay(
    calls: float,
    aht_s: float,
    agents: float,
    *,
    patience_s: float,
    redial: float,
    interval_s: float = 3600.0,
    delays_s: Sequence[float] = (30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 2400.0, 4800.0),
    ax: Any = None,
) -> Any:
    """Abandon rate per attempt against the mean delay before callers call back.

    The exact retrial chain at each delay (:mod:`staffing.queueing.retrial`), and the
    fixed point, which does not depend on the delay, as a horizontal line: the chain's
    limit for long delays. A delay past the chain's size is left out.

    Parameters
    ----------
    calls, aht_s, agents, patience_s, redial, interval_s
        As for :func:`staffing.evaluate` (``calls`` are fresh calls).
    delays_s : sequence of float
        Mean delays [s] to draw.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> ax = plot_redial_delay(100, 180, 11, patience_s=120, redial=0.5, delays_s=[60, 600])
    >>> ax.get_xlabel()
    'mean delay before calling again [min]'
    """
    import warnings

    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    from staffing.errors import StaffingWarning

    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.0))
    kw: dict[str, Any] = {"interval_s": interval_s, "patience_s": patience_s, "redial": redial}
    fixed = float(evaluate(calls, aht_s, agents, **kw).abandon_rate)
    shown: list[tuple[float, float]] = []
    for d in delays_s:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always", StaffingWarning)
            m = evaluate(calls, aht_s, agents, redial_delay_s=d, **kw)
        if not any(issubclass(w.category, StaffingWarning) for w in said):
            shown.append((float(d), float(m.abandon_rate)))
    if shown:
        x, y = (np.array(v) for v in zip(*shown, strict=True))
        ax.plot(x / 60.0, y, "o-", color=_COLOURS[0], lw=2, label="exact retrial chain")
    ax.axhline(fixed, color=_COLOURS[1], lw=1.5, ls="--", label="fixed point (any delay)")
    ax.set_xscale("log")
    if shown:
        ax.set_xticks(x / 60.0)
        ax.set_xticklabels([f"{v:g}" for v in x / 60.0])
        ax.minorticks_off()
    ax.set_xlabel("mean delay before calling again [min]")
    ax.set_ylabel("abandoned attempts")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    ax.grid(alpha=0.3, which="both")
    ax.set_title(
        f"{calls:g} fresh calls per {interval_s / 60:g} min, AHT {aht_s:g} s, {agents:g} agents, "
        f"mean patience {patience_s:g} s, {100 * redial:g}% call again",
        fontsize=9,
    )
    ax.legend(frameon=False, fontsize=9)
    return ax
