"""``staffing erlang``: the Erlang C / Erlang A calculator table for one interval.

The table WFM analysts know: for a range of agents, the service level, ASA, abandon rate,
occupancy and probability of waiting, with the fewest agents meeting every target
marked. Erlang C without ``--patience``, Erlang A with it, M/M/n+G with
``--patience-model km`` (a calibration's Kaplan-Meier curve). With ``--redial`` the
calls are fresh calls, each abandoned caller calls again with that probability, and the
table gains the attempts offered and the share of customers who finally give up
(:mod:`staffing.queueing.redial`); with ``--redial-delay`` too, by the exact retrial
chain (:mod:`staffing.queueing.retrial`). With ``--concurrency N`` it is
the chat calculator: agents holding up to N chats at once, each slower the more it holds
(``--chat-efficiency``), by the exact chain of :mod:`staffing.queueing.chat`; its
service level is of the first response, its occupancy the busy chat slots.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import click

from staffing.cli.command import OneLineCommand
from staffing.cli.options import abandon_policy_option, chat_efficiency_option
from staffing.cli.types import AgentRange, Duration, FiniteFloat, Interval, Percent

if TYPE_CHECKING:
    from staffing.vocabulary import AbandonPolicy

__all__ = ["erlang_command"]

_WINDOW = 5  # rows shown either side of the requirement by default


def _targets(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> Any:
    from staffing.errors import TargetError
    from staffing.queueing.targets import TargetSet

    try:
        return TargetSet.of(values or ("80/20",))
    except TargetError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@click.command("erlang", cls=OneLineCommand)
@click.option(
    "--calls", type=FiniteFloat(min=0.0), required=True, help="Calls offered in the interval."
)
@click.option(
    "--interval",
    "interval_s",
    type=Interval(),
    default="30min",
    show_default=True,
    help="Interval length: 15min, 30min, 1h, 900 (seconds) or 00:30:00.",
)
@click.option(
    "--aht",
    "aht_s",
    type=Duration(),
    required=True,
    help="Average handle time incl. wrap-up: seconds (180) or a duration (3min).",
)
@click.option(
    "--patience",
    "--patience-s",
    "patience_s",
    type=Duration(allow_inf=True),
    default=None,
    help="Mean customer patience (Erlang A); omit for Erlang C (nobody abandons).",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    default=("80/20",),
    callback=_targets,
    show_default=True,
    help="Target to staff for, repeatable: 80/20, 90/10+99/300, asa<=30, "
    "abandon<=5%, occupancy<=85%.",
)
@click.option(
    "--agents",
    "agents",
    type=AgentRange(),
    default=None,
    help=f"Agents to tabulate: a count or low:high  [default: the requirement +/- {_WINDOW}]",
)
@click.option(
    "--threshold",
    "--threshold-s",
    "threshold_s",
    type=Duration(allow_zero=True),
    default=None,
    help="Service-level threshold of the service_level column  "
    "[default: the first N/T target's, else 20]",
)
@abandon_policy_option(
    "How abandoned calls enter the service level (Erlang A): fail = answered "
    "within t / offered; exclude = / answered; exclude_within = / (offered - "
    "abandoned within t); count_within = (answered + abandoned within t) / offered."
)
@click.option(
    "--concurrency",
    type=click.IntRange(1),
    default=None,
    help="Chat: the most chats an agent holds at once (1 is Erlang C / A exactly).",
)
@chat_efficiency_option()
@click.option(
    "--redial",
    type=Percent(allow_one=False),
    default=None,
    metavar="PERCENT",
    help="Share of abandoned callers who call again (Erlang X): --calls are fresh calls.",
)
@click.option(
    "--reconnect",
    type=Percent(allow_one=False),
    default=None,
    metavar="PERCENT",
    help="Share of answered callers who call again.",
)
@click.option(
    "--redial-delay",
    "redial_delay_s",
    type=Duration(),
    default=None,
    metavar="DURATION",
    help="Mean delay before calling again (exponential). With --patience the table is "
    "then the exact retrial chain: callers who call back soon come back into the same busy "
    "spell. Without it, the fixed point (callers who call back long after).",
)
@click.option(
    "--patience-model",
    type=click.Choice(["exponential", "km"]),
    default="exponential",
    show_default=True,
    help="km: M/M/n+G with the Kaplan-Meier patience curve of --calibration's --queue.",
)
@click.option(
    "--calibration",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="calibration.json (from call records): the patience curve of --patience-model km.",
)
@click.option(
    "--queue",
    default=None,
    help="The calibration's queue whose curve to use (needed when it has several).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output on standard output.",
)
def erlang_command(
    calls: float,
    interval_s: float,
    aht_s: float,
    patience_s: float | None,
    targets: Any,
    agents: tuple[int, int] | None,
    threshold_s: float | None,
    abandon_policy: AbandonPolicy,
    concurrency: int | None,
    chat_efficiency: tuple[float, ...] | None,
    redial: float | None,
    reconnect: float | None,
    redial_delay_s: float | None,
    patience_model: str,
    calibration: str | None,
    queue: str | None,
    fmt: str,
) -> None:
    """Erlang C / A calculator: performance by number of agents for one interval.

    \b
    staffing erlang --calls 100 --interval 30min --aht 180 --target 80/20
    staffing erlang --calls 100 --aht 3min --patience 2min --target 80/20 \\
        --target 'abandon<=5%' --agents 8:16 --format csv
    staffing erlang --calls 200 --aht 6min --target 80/60 --concurrency 3
    staffing erlang --calls 1000 --aht 3min --patience 2min --redial 40% \\
        --target 'customer_abandon<=3%'
    staffing erlang --calls 100 --aht 3min --patience-model km \\
        --calibration calibration.json --queue PS
    """
    import functools

    import numpy as np

    from staffing.queueing import evaluate, required_agents
    from staffing.queueing.chat import DEFAULT_EFFICIENCY, evaluate_chat, required_chat_agents

    if chat_efficiency is not None and concurrency is None:
        raise click.UsageError("--chat-efficiency needs --concurrency (the chat calculator)")
    if aht_s < 20.0:  # the planner's sanity check for files, here for one number
        minutes, seconds = divmod(round(aht_s * 60), 60)
        click.echo(
            f"Warning: --aht {aht_s:g} is {aht_s:g} seconds: handle time in minutes? write "
            f"{minutes}:{seconds:02d} or {minutes * 60 + seconds} for {minutes} minutes"
            + (f" {seconds} seconds" if seconds else ""),
            err=True,
        )
    efficiency = chat_efficiency or DEFAULT_EFFICIENCY
    if concurrency is not None:
        if concurrency > len(efficiency):
            raise click.BadParameter(
                f"{concurrency} chats: the efficiency table covers {len(efficiency)}; give a "
                "longer --chat-efficiency",
                param_hint="--concurrency",
            )
        evaluate = functools.partial(_chat_evaluate, evaluate_chat, concurrency, efficiency)
        required_agents = functools.partial(
            _chat_required, required_chat_agents, concurrency, efficiency
        )

    redials = redial is not None or reconnect is not None
    if concurrency is not None and (redials or patience_model == "km"):
        raise click.UsageError(
            "the chat calculator (--concurrency) takes neither redials nor --patience-model km"
        )
    if patience_s is not None and math.isinf(patience_s):
        patience_s = None  # inf: nobody abandons, Erlang C
    found = _curve(patience_model, calibration, queue, patience_s)
    curve = found[1] if found is not None else None
    more: dict[str, Any] = {}
    if concurrency is None:
        more = {
            "patience_curve": curve,
            "redial": redial,
            "reconnect": reconnect,
            "redial_delay_s": redial_delay_s,
        }
    elif targets.customer_abandon_cap is not None:
        raise click.UsageError("a customer_abandon target needs --redial (not chat)")
    if threshold_s is None:
        threshold_s = targets.report_threshold()
    required = required_agents(
        calls,
        aht_s,
        targets,
        interval_s=interval_s,
        patience_s=patience_s,
        abandon_policy=abandon_policy,
        **more,
    )
    if agents is None:
        low = max(0 if required == 0 else 1, required - _WINDOW)
        agents = (low, max(required + _WINDOW, low + 2 * _WINDOW))
    n = np.arange(agents[0], agents[1] + 1, dtype=float)
    m = evaluate(
        calls,
        aht_s,
        n,
        interval_s=interval_s,
        threshold_s=threshold_s,
        patience_s=patience_s,
        abandon_policy=abandon_policy,
        **more,
    )
    workload = calls * aht_s / interval_s
    rows: dict[str, Any] = {
        "agents": n.astype(int),
        "workload_erlangs": np.full(n.shape, workload),
        "service_level": m.service_level,
        "asa_s": m.asa_s,
        "abandon_rate": m.abandon_rate,
        "occupancy": m.occupancy,
        "p_wait": m.p_wait,
    }
    if redials:
        rows["offered_attempts"] = m.offered_attempts
        rows["customer_abandon_rate"] = m.customer_abandon_rate
    extra = sorted(set(targets.thresholds) - {threshold_s})
    for t in extra:
        rows[f"service_level_{t:g}s"] = evaluate(
            calls,
            aht_s,
            n,
            interval_s=interval_s,
            threshold_s=t,
            patience_s=patience_s,
            abandon_policy=abandon_policy,
            **more,
        ).service_level
    rows["required"] = n == required
    model_name = "Erlang A" if patience_s is not None else "Erlang C"
    if curve is not None:
        model_name = "M/M/n+G"
    info = {
        "model": ("chat, " if concurrency is not None else "") + model_name,
        "calls": calls,
        "interval_s": interval_s,
        "aht_s": aht_s,
        "patience_s": patience_s,
        "workload_erlangs": workload,
        "targets": [str(t) for t in targets],
        "threshold_s": threshold_s,
        "abandon_policy": abandon_policy,
        "required_agents": required,
    }
    if found is not None:
        info["patience_curve"] = {"queue": found[0], "mean_s": found[1].mean_s}
    if redials:
        info["redial"] = redial
        info["reconnect"] = reconnect
        info["redial_delay_s"] = redial_delay_s
    if concurrency is not None:
        info["concurrency"] = concurrency
        info["efficiency"] = list(efficiency[:concurrency])
    if fmt == "table":
        click.echo(_table(rows, info, extra))
    elif fmt == "csv":
        import pandas as pd

        click.echo(pd.DataFrame(rows).to_csv(index=False), nl=False)
    else:
        records = [{k: _json_value(k, v[i]) for k, v in rows.items()} for i in range(n.size)]
        click.echo(json.dumps({**info, "rows": records}, indent=2))


def _curve(
    patience_model: str, calibration: str | None, queue: str | None, patience_s: float | None
) -> tuple[str, Any] | None:
    """The queue and patience curve of ``--patience-model km`` (``None`` otherwise)."""
    if patience_model != "km":
        if calibration is not None or queue is not None:
            raise click.UsageError("--calibration and --queue go with --patience-model km")
        return None
    if calibration is None:
        raise click.UsageError(
            "--patience-model km needs --calibration (calibration.json from call records)"
        )
    if patience_s is not None:
        raise click.UsageError("give --patience or --patience-model km, not both")
    from staffing.io import load_calibration
    from staffing.prepared.calibration import patience_curves
    from staffing.queueing.general_patience import PatienceCurve

    cal = load_calibration(calibration)
    curves = patience_curves(cal, list(cal["queues"]))
    if not curves:
        raise click.BadParameter(
            "the calibration has no Kaplan-Meier patience curve (calibrate call records)",
            param_hint="--calibration",
        )
    if queue is None:
        if len(curves) > 1:
            raise click.UsageError(
                f"the calibration has curves for {', '.join(sorted(curves))}: name one with --queue"
            )
        queue = next(iter(curves))
    if queue not in curves:
        raise click.BadParameter(
            f"{queue!r}: the calibration has no curve for it (it has {', '.join(sorted(curves))})",
            param_hint="--queue",
        )
    return queue, PatienceCurve.of(curves[queue])


def _chat_evaluate(
    evaluate_chat: Any,
    concurrency: int,
    efficiency: Any,
    calls: Any,
    aht_s: Any,
    agents: Any,
    **kwargs: Any,
) -> Any:
    """``evaluate`` with the chat chain's signature: agents hold up to ``concurrency``."""
    return evaluate_chat(calls, aht_s, agents, concurrency, efficiency=efficiency, **kwargs)


def _chat_required(
    required_chat_agents: Any,
    concurrency: int,
    efficiency: Any,
    calls: Any,
    aht_s: Any,
    targets: Any,
    **kwargs: Any,
) -> Any:
    """``required_agents`` for chat agents holding up to ``concurrency``."""
    return required_chat_agents(calls, aht_s, targets, concurrency, efficiency=efficiency, **kwargs)


def _json_value(column: str, value: Any) -> Any:
    """JSON has no inf: an infinite ASA (unstable Erlang C) becomes null."""
    if column == "agents":
        return int(value)
    if column == "required":
        return bool(value)
    number = float(value)
    return number if math.isfinite(number) else None


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _seconds(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.1f}"


def _table(rows: dict[str, Any], info: dict[str, Any], extra: list[float]) -> str:
    patience = info["patience_s"]
    model = (
        f"Erlang A, mean patience {patience:g} s"
        if patience is not None
        else "Erlang C, no abandonment"
    )
    curve = info.get("patience_curve")
    if curve is not None:
        model = (
            f"M/M/n+G, the Kaplan-Meier patience of {curve['queue']}, mean {curve['mean_s']:.0f} s"
        )
    redials = "offered_attempts" in rows
    if redials:
        again = []
        if info.get("redial") is not None:
            again.append(f"{100 * info['redial']:g}% of abandoned callers call again")
        if info.get("reconnect") is not None:
            again.append(f"{100 * info['reconnect']:g}% of answered callers")
        model += "; " + ", ".join(again)
        if info.get("redial_delay_s") is not None and info.get("patience_s") is not None:
            model += f" after {info['redial_delay_s']:g} s on average (exact retrial chain)"
        else:
            model += " (fixed point: callers who call back long after)"
    if "concurrency" in info:
        eff = ", ".join(f"{e:g}" for e in info["efficiency"])
        model = (
            f"chat, up to {info['concurrency']} per agent (throughput {eff}); "
            f"{model}; SL of the first response, occupancy of chat slots"
        )
    head = [
        f"{info['calls']:g} calls per {info['interval_s'] / 60:g} min, AHT {info['aht_s']:g} s:"
        f" {info['workload_erlangs']:.2f} Erlangs ({model})",
        f"targets {', '.join(info['targets'])} -> {info['required_agents']} agents"
        + (
            f" (abandon policy: {info['abandon_policy']})"
            if patience is not None or curve is not None
            else ""
        ),
        "",
    ]
    sl_name = f"SL {info['threshold_s']:g}s"
    columns = [("agents", 6), (sl_name, 8)]
    columns += [(f"SL {t:g}s", 8) for t in extra]
    columns += [("ASA s", 8), ("abandon", 8)]
    if redials:
        columns += [("attempts", 9), ("cust. ab.", 9)]
    columns += [("occupancy", 9), ("P(wait)", 8)]
    lines = ["  ".join(name.rjust(width) for name, width in columns)]
    for i, agents in enumerate(rows["agents"]):
        cells = [str(agents), _pct(rows["service_level"][i])]
        cells += [_pct(rows[f"service_level_{t:g}s"][i]) for t in extra]
        cells += [_seconds(rows["asa_s"][i]), _pct(rows["abandon_rate"][i])]
        if redials:
            cells += [
                f"{rows['offered_attempts'][i]:.1f}",
                _pct(rows["customer_abandon_rate"][i]),
            ]
        cells += [_pct(rows["occupancy"][i]), _pct(rows["p_wait"][i])]
        line = "  ".join(c.rjust(w) for c, (_, w) in zip(cells, columns, strict=True))
        if rows["required"][i]:
            line += "  <- fewest meeting all targets"
        lines.append(line)
    return "\n".join(head + lines)
