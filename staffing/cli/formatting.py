"""Tables rounded for reading on a terminal (and in the HTML reports): text, units in headers."""

from __future__ import annotations

from typing import Any

__all__ = [
    "percent",
    "pretty_attribution",
    "pretty_compare",
    "pretty_credits",
    "pretty_exposure",
    "pretty_outsource",
    "pretty_summary",
    "pretty_sweep",
    "readable",
    "service_level_column",
    "when",
]


def percent(x: float, decimals: int = 1) -> str:
    """``12.3%``; empty for NaN."""
    from staffing.vocabulary import format_percent

    return format_percent(x, decimals)


def when(t: Any) -> str:
    """A period's start as ``Mon 2024-01-01``; ``all`` on the total row (NaT)."""
    import pandas as pd

    return "all" if pd.isna(t) else f"{t:%a %Y-%m-%d}"


def _num(x: float, decimals: int = 1) -> str:
    return "" if x != x else f"{x:,.{decimals}f}"


def _share(x: float) -> str:
    """A percentage of the fee: ``3%``, ``0.85%``."""
    return "" if x != x else f"{x:.2f}".rstrip("0").rstrip(".") + "%"


def _sl_header(threshold_s: Any) -> str:
    """``SL 20 s`` (or ``SL`` when the threshold is not known)."""
    from staffing.vocabulary import format_duration

    if threshold_s is None or threshold_s != threshold_s:
        return "SL"
    return f"SL {format_duration(float(threshold_s))}"


def _target_threshold(table: Any) -> float | None:
    """The threshold of the target a credit table was made for (``attrs["target"]``)."""
    from staffing.queueing.targets import TargetSet

    target = table.attrs.get("target")
    return TargetSet.parse(target).only_service_level("target").threshold_s if target else None


def service_level_column(table: Any) -> dict[str, Any]:
    """The service level labelled with its threshold: ``{"SL 20 s": ...}`` when every row
    has the same one, else ``{"SL": "84.3% (20 s)"}`` per row, ``(mixed)`` where a row's
    intervals mix thresholds (its ``threshold_s`` is NaN)."""
    from staffing.vocabulary import format_duration

    sl = table["service_level"]
    if "threshold_s" not in table:
        return {"SL": sl.map(percent)}
    thresholds = table["threshold_s"]
    measured = thresholds[sl.notna()]  # rows without a service level (split cost) aside
    distinct = measured.dropna().unique()
    if len(distinct) == 1 and measured.notna().all():
        return {f"SL {format_duration(float(distinct[0]))}": sl.map(percent)}
    cells = [
        "" if s != s else f"{percent(s)} ({format_duration(t) if t == t else 'mixed'})"
        for s, t in zip(sl, thresholds, strict=True)
    ]
    return {"SL": cells}


#: Readable headers of the columns tables share (units where a column has them).
_LABELS = {
    "interval_start": "interval",
    "period_start": "period",
    "aht_s": "AHT s",
    "asa_s": "ASA s",
    "workload_erlangs": "Erlangs",
    "agents": "agents",
    "required": "required",
    "scheduled": "scheduled",
    "service_level": "SL",
    "abandon_rate": "abandon",
    "occupancy": "occupancy",
    "shortfall_pts": "short pts",
    "patience_s": "patience s",
    "threshold_s": "threshold s",
    "interval_s": "interval s",
    "p_miss": "P(miss)",
}


def readable(table: Any, *, statistics: bool = False) -> Any:
    """Any of the tool's tables for reading: headers with units, shares as percentages,
    times as ``Mon 03 Mar 08:30``, numbers rounded (a DataFrame of text).

    ``statistics`` (a calibration's tables): small numbers (estimates, standard errors,
    z-scores) keep three decimals, p-values two significant digits, flags read yes/no.
    """
    import pandas as pd

    from staffing.io.tables import is_percent_column

    out = {}
    if "service_level" in table and "threshold_s" in table:
        out.update(service_level_column(table))
    for name in table.columns:
        col = table[name]
        label = _LABELS.get(str(name), str(name).replace("_", " "))
        if name == "service_level" and out:
            continue
        if col.dtype.kind == "M" or isinstance(col.dtype, pd.DatetimeTZDtype):
            out[label] = col.map(lambda t: "" if pd.isna(t) else f"{t:%a %d %b %H:%M}")
        elif col.dtype.kind == "f" and is_percent_column(str(name)):
            out[label] = col.map(percent)
        elif col.dtype.kind == "f" and statistics and "p_value" in str(name):
            out[label] = col.map(lambda x: "" if x != x else f"{x:.2g}")
        elif col.dtype.kind == "f" and statistics and float(col.abs().median() or 0) < 10:
            out[label] = col.map(lambda x: "" if x != x else f"{x:,.3f}")
        elif col.dtype.kind == "f":
            out[label] = col.map(lambda x: "" if x != x else f"{x:,.1f}")
        elif col.dtype.kind == "b" and statistics:
            out[label] = col.map(lambda x: "yes" if x else "no")
        elif col.dtype.kind in "iu":
            out[label] = col.map(lambda x: f"{x:,}")
        else:
            out[label] = col.astype(str)
    return pd.DataFrame(out)


def pretty_summary(summary: Any, *, bands: bool = False) -> Any:
    """The summary with units in the headers and rounded for reading (a DataFrame of text)."""
    import pandas as pd

    mixed = "level" in summary.columns
    table = pd.DataFrame(
        {
            "period": summary["period_start"].map(when),
            **({"level": summary["level"]} if mixed else {}),
            ("name" if mixed else "queue"): summary["queue"],
            "calls": summary["calls"].map(lambda x: f"{x:,.0f}"),
            "agent h": summary["agent_hours"].map(lambda x: f"{x:,.1f}"),
            "scheduled h": summary["scheduled_hours"].map(lambda x: f"{x:,.1f}"),
            "FTE": summary["fte"].map(lambda x: f"{x:,.1f}"),
            "peak": summary["peak_agents"].map(
                (lambda x: f"{x:.1f}".removesuffix(".0")) if mixed else (lambda x: f"{x:g}")
            ),
            **service_level_column(summary),
            "abandon": summary["abandon_rate"].map(percent),
            "occupancy": summary["occupancy"].map(percent),
            "ASA s": summary["asa_s"].map(lambda x: "" if x != x else f"{x:.1f}"),
        }
    )
    if "customer_abandon_rate" in summary.columns:  # callers who call again
        table.insert(3, "fresh", summary["fresh_calls"].map(lambda x: f"{x:,.0f}"))
        table = table.rename(columns={"calls": "attempts"})
        at = list(table.columns).index("abandon") + 1
        table.insert(at, "cust. ab.", summary["customer_abandon_rate"].map(percent))
    if bands:
        for col, label in (
            ("intervals_warning", "warning"),
            ("intervals_interrupt_offline", "interrupt"),
            ("intervals_all_hands", "all hands"),
        ):
            table[label] = summary[col].map(str)
    return table


def pretty_compare(table: Any) -> Any:
    """The comparison rounded for reading, units in the headers (a DataFrame of text)."""
    import pandas as pd

    out = pd.DataFrame(
        {
            "scenario": table["scenario"],
            "targets": table["targets"],
            **({"method": table["method"]} if "method" in table else {}),
            **({"channel": table["channel"]} if "channel" in table else {}),
            "agent h": table["agent_hours"].map(_num),
            "FTE": table["fte"].map(_num),
            "peak": table["peak_agents"].map(
                (lambda x: f"{x:.1f}".removesuffix(".0")) if "channel" in table else str
            ),
            _sl_header(table.attrs.get("threshold_s")): table["service_level"].map(percent),
            "ASA s": table["asa_s"].map(_num),
            "abandon": table["abandon_rate"].map(percent),
            "occupancy": table["occupancy"].map(percent),
            "+FTE": table["delta_fte"].map(lambda x: f"{x:+,.1f}"),
        }
    )
    if table["cost"].notna().any():
        out["cost/yr"] = table["cost"].map(lambda x: _num(x, 0))
        out["+cost/yr"] = table["delta_cost"].map(lambda x: f"{x:+,.0f}")
    return out


def pretty_sweep(table: Any) -> Any:
    """The sweep rounded for reading (a DataFrame of text)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "sweep": table["sweep"],
            "model": table["model"],
            "target": table["target"],
            "FTE": table["fte"].map(_num),
            "agent h": table["agent_hours"].map(_num),
            "SL (at its own threshold)": table["service_level"].map(percent),
            "abandon": table["abandon_rate"].map(percent),
            "marginal FTE": table["marginal_fte"].map(lambda x: _num(x, 2)),
        }
    )


def pretty_outsource(summary: Any) -> Any:
    """The side-by-side summary rounded for reading (a DataFrame of text)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "period": summary["period_start"].map(when),
            **({"level": summary["level"]} if "level" in summary else {}),
            "queue": summary["queue"],
            "party": summary["party"],
            "calls": summary["calls"].map(lambda x: _num(x, 0)),
            "agent h": summary["agent_hours"].map(_num),
            "FTE": summary["fte"].map(_num),
            "peak": summary["peak_agents"].map(lambda x: f"{x:.4g}"),
            **service_level_column(summary),
            "abandon": summary["abandon_rate"].map(percent),
            "occupancy": summary["occupancy"].map(percent),
        }
    )


def pretty_attribution(summary: Any) -> Any:
    """The attribution summary rounded for reading (a DataFrame of text)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "period": summary["period_start"].map(when),
            "queue": summary["queue"],
            "calls plan": summary["planned_calls"].map(lambda x: _num(x, 0)),
            "calls": summary["calls"].map(lambda x: _num(x, 0)),
            "SL plan": summary["planned_service_level"].map(percent),
            "SL expected": summary["expected_service_level"].map(percent),
            "SL delivered": summary["service_level"].map(percent),
            "volume pts": summary["volume_effect_pts"].map(lambda x: f"{x:+.1f}"),
            "staffing pts": summary["staffing_effect_pts"].map(lambda x: f"{x:+.1f}"),
            "other pts": summary["other_effect_pts"].map(lambda x: f"{x:+.1f}"),
            "cause": summary["cause"],
        }
    )


def pretty_credits(table: Any) -> Any:
    """The credit table rounded for reading (a DataFrame of text)."""
    import pandas as pd

    def back(x: Any) -> str:
        return "" if pd.isna(x) else ("yes" if bool(x) else "no")

    return pd.DataFrame(
        {
            "period": table["period_start"].map(when),
            _sl_header(_target_threshold(table)): table["service_level"].map(
                lambda x: percent(x, 2)
            ),
            "short pts": table["shortfall_pts"].map(lambda x: _num(x, 2)),
            "credit": table["credit_pct"].map(_share),
            "amount": table["credit_amount"].map(lambda x: _num(x, 2)),
            "earned back": table["earned_back"].map(back),
            "band": table["band"],
        }
    )


def pretty_exposure(table: Any) -> Any:
    """The exposure table rounded for reading (a DataFrame of text)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "period": table["period_start"].map(when),
            "calls": table["calls"].map(lambda x: _num(x, 0)),
            "SL plan": table["planned_service_level"].map(percent),
            "SL mean": table["service_level_mean"].map(percent),
            "SL 5%-95%": [
                f"{percent(a)}-{percent(b)}"
                for a, b in zip(table["service_level_p05"], table["service_level_p95"], strict=True)
            ],
            "P(miss)": table["p_miss"].map(lambda x: percent(x, 0)),
            "credit": [
                f"{m:.2f}% ± {s:.2f}%"
                for m, s in zip(table["credit_pct_mean"], table["credit_pct_sd"], strict=True)
            ],
            "amount": [
                "" if m != m else f"{m:,.0f} ± {s:,.0f}"
                for m, s in zip(table["credit_amount_mean"], table["credit_amount_sd"], strict=True)
            ],
        }
    )
