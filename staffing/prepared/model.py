"""The queue model: how callers behave.

Their patience and from which source, how abandons count, and how many of the staffed agents are
effectively taking calls.

:class:`QueueModel` is validated once, when it is made, and then passed on unchanged by
every function that plans, evaluates, simulates or judges a forecast. It reads the
patience and the effective-staffing factor a saved calibration holds through
:mod:`staffing.prepared.calibration`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from staffing.errors import StaffingError, StaffingWarning
from staffing.prepared.calibration import (
    calibrated_patience,
    calibrated_redials,
    calibrated_staffing_factor,
    check_calibration,
)
from staffing.queueing.redial import RedialDelay, check_redial
from staffing.vocabulary import AbandonPolicy, check_abandon_policy

__all__ = ["PATIENCE_MODELS", "PatienceWarning", "QueueModel"]

#: How patience enters the measures: ``exponential`` (Erlang A with the mean) or ``km``
#: (M/M/n+G with the calibration's Kaplan-Meier curve).
PATIENCE_MODELS: tuple[str, ...] = ("exponential", "km")


class PatienceWarning(StaffingWarning):
    """A queue's patience came from a less specific source than asked for."""


@dataclass(frozen=True)
class QueueModel:
    """How callers behave and how abandoned calls count: Erlang C or Erlang A per interval.

    Parameters
    ----------
    patience_s : float, optional
        Mean customer patience [s] for intervals no more specific source covers; ``inf``
        means nobody abandons (Erlang C).
    calibration : mapping, optional
        The content of ``calibration.json`` (:func:`staffing.io.load_calibration`, or
        :meth:`staffing.calibration.Calibrator.to_dict`): patience per queue.
    abandon_policy : {"fail", "exclude", "exclude_within", "count_within"}
        How abandoned calls enter the service level (see :func:`staffing.evaluate`).
    calibration_period : str, default "latest"
        Which of the calibration's patience estimates to use where it fitted several
        periods: ``"latest"`` (the most recent period), ``"pooled"`` (the whole history)
        or a period label such as ``"2024Q3"`` or ``"2024-07"``.
    abandonment : bool, default True
        ``False`` plans every interval with Erlang C, whatever patience any source gives
        (for comparing a plan with one that assumes nobody hangs up).
    staffing_factor : float, optional
        Effective agents per staffed agent for queues no calibration covers (default 1:
        every staffed agent takes calls).
    calibrated_staffing : bool, default True
        ``False`` leaves out the calibration's effective-staffing factor (staffed agents
        then all count as effective; patience still comes from the calibration).
    patience_model : {"exponential", "km"}, default "exponential"
        ``"km"``: queues whose calibration holds a Kaplan-Meier patience curve are
        planned with that curve (M/M/n+G, :mod:`staffing.queueing.general_patience`)
        instead of Erlang A with its mean; the others stay exponential, with a warning.
    redial : float, optional
        Share of abandoned callers who call again, in ``[0, 1)``, for queues no more
        specific source covers (see the notes). The forecast's ``calls`` are then fresh
        calls and the plan follows the redials through the day
        (:mod:`staffing.planner.redials`).
    redial_delay_s : float, optional
        Mean delay [s] before a redial (exponential), for queues whose calibration has
        no delay curve; needed with any redial share.
    reconnect : float, optional
        Share of answered callers who call again (the matter not settled), in ``[0, 1)``,
        after the same delay. A calibration reports it but does not apply it: calls
        after an answer may be new business.

    Notes
    -----
    **Patience, one precedence rule: the most specific source wins.** For each interval:

    1. the calibration's patience for the interval's queue (a calibration of a single
       queue applies to every queue);
    2. else the interval's own ``patience_s`` in the forecast (empty = no value);
    3. else ``patience_s`` given here;
    4. else no patience: Erlang C.

    A queue the calibration does not know falls back to 2 and 3 with a
    :class:`PatienceWarning` naming it. ``inf`` at any step means Erlang C for that
    interval and stops the search.

    **Effective staffing, the same rule.** The model's agents are *effective* agents:
    ``effective = staffing_factor x staffed``, with the factor (:meth:`staffing_factors`)

    1. from the calibration's factor for the interval's queue (a calibration of a single
       queue applies to every queue), for ``calibration_period`` as patience;
    2. else ``staffing_factor`` given here;
    3. else 1.

    A plan's requirement is in effective agents; its scheduled staff is
    ``agents / staffing_factor / (1 - in-centre shrinkage)``, so ``1 - staffing_factor``
    is a measured in-centre shrinkage. A roster's agents (evaluate) are staffed agents,
    and the model sees ``staffing_factor x`` them.

    **Redials, the same rule.** The share of abandoned callers who call again: the
    calibration's for the queue (from caller ids), else the forecast's ``redial``
    column, else ``redial`` here, else none. Its delay: the calibration's curve, else
    exponential with ``redial_delay_s``.

    Examples
    --------
    >>> f = pd.DataFrame({"queue": ["sales", "care", "care"],
    ...                   "patience_s": [np.nan, 300.0, np.nan]})
    >>> QueueModel(patience_s=120).patience(f).tolist()
    [120.0, 300.0, 120.0]
    >>> QueueModel().patience(f).tolist()
    [inf, 300.0, inf]
    """

    patience_s: float | None = None
    calibration: Mapping[str, Any] | None = field(default=None, repr=False)
    abandon_policy: AbandonPolicy = "fail"
    calibration_period: str = "latest"
    abandonment: bool = True
    staffing_factor: float | None = None
    calibrated_staffing: bool = True
    patience_model: str = "exponential"
    redial: float | None = None
    redial_delay_s: float | None = None
    reconnect: float | None = None

    def __post_init__(self) -> None:
        if self.staffing_factor is not None:
            factor = float(self.staffing_factor)
            if not (math.isfinite(factor) and factor > 0):
                raise StaffingError(
                    f"`staffing_factor` {self.staffing_factor!r}: give the effective agents "
                    "per staffed agent, a number above 0 (e.g. 0.85)"
                )
            object.__setattr__(self, "staffing_factor", factor)
        if self.patience_s is not None:
            value = float(self.patience_s)
            if math.isnan(value) or value <= 0:
                raise StaffingError(
                    f"`patience_s` {self.patience_s!r}: give a mean patience above 0 s "
                    "(or inf for Erlang C)"
                )
            object.__setattr__(self, "patience_s", value)
        check_abandon_policy(self.abandon_policy)
        if self.calibration is not None:
            check_calibration(self.calibration)
        if self.patience_model not in PATIENCE_MODELS:
            raise StaffingError(f"`patience_model` {self.patience_model!r}: use exponential or km")
        check_redial(self.redial, self.reconnect, self.redial_delay_s)
        for name in ("redial", "redial_delay_s", "reconnect"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, float(value))

    @property
    def has_patience(self) -> bool:
        """Whether any source but a forecast column gives a finite patience."""
        if not self.abandonment:
            return False
        if self.patience_s is not None and math.isfinite(self.patience_s):
            return True
        if self.calibration is None:
            return False
        table = calibrated_patience(self.calibration, self.calibration_period)
        return any(math.isfinite(v) for v in table.values())

    def patience(self, forecast: pd.DataFrame) -> np.ndarray:
        """Mean patience [s] of every row of a forecast (``inf``: Erlang C).

        Parameters
        ----------
        forecast : DataFrame
            With ``queue`` and, optionally, ``patience_s``.

        Returns
        -------
        ndarray of float
            One value per row, by the precedence rule of the class notes.
        """
        n = len(forecast)
        out = np.full(n, np.nan)
        if not self.abandonment:
            return np.full(n, np.inf)
        if self.calibration is not None:
            out = self._calibrated(forecast["queue"])
        if "patience_s" in forecast.columns:
            column = pd.to_numeric(forecast["patience_s"], errors="coerce").to_numpy(dtype=float)
            out = np.where(np.isnan(out), column, out)
        if self.patience_s is not None:
            out = np.where(np.isnan(out), self.patience_s, out)
        return np.where(np.isnan(out), np.inf, out)

    def _calibrated(self, queues: pd.Series) -> np.ndarray:
        table = calibrated_patience(self.calibration or {}, self.calibration_period)
        single = next(iter(table.values())) if len(table) == 1 else None
        lookup: dict[str, float] = {}
        unknown: list[str] = []
        for q in pd.unique(queues.astype(str)):
            if q in table:
                lookup[q] = table[q]
            elif single is not None:
                lookup[q] = single
            else:
                lookup[q] = math.nan
                unknown.append(q)
        if unknown:
            names = ", ".join(f"'{q}'" for q in sorted(unknown))
            warnings.warn(
                f"the calibration has no patience for queue{'s' if len(unknown) > 1 else ''} "
                f"{names} (it has {', '.join(sorted(table))}): using the forecast's "
                "patience_s, else `patience_s`, else Erlang C",
                PatienceWarning,
                stacklevel=3,
            )
        return queues.astype(str).map(lookup).to_numpy(dtype=float)

    def _factor_table(self) -> dict[str, float]:
        if self.calibration is None or not self.calibrated_staffing:
            return {}
        return calibrated_staffing_factor(self.calibration, self.calibration_period)

    def staffing_factors(self, forecast: pd.DataFrame) -> np.ndarray:
        """Effective agents per staffed agent for every row of a forecast.

        Parameters
        ----------
        forecast : DataFrame
            With ``queue``.

        Returns
        -------
        ndarray of float
            One value per row, by the precedence rule of the class notes.

        Examples
        --------
        >>> cal = {"queues": {"sales": {"patience_s": 95.0, "staffing_factor": 0.85},
        ...                   "care": {"patience_s": 60.0}}}
        >>> f = pd.DataFrame({"queue": ["sales", "care"]})
        >>> QueueModel(calibration=cal, staffing_factor=0.9).staffing_factors(f).tolist()
        [0.85, 0.9]
        """
        table = self._factor_table()
        single = (
            next(iter(table.values()))
            if len(table) == 1 and len((self.calibration or {}).get("queues", {})) == 1
            else None
        )
        fallback = 1.0 if self.staffing_factor is None else float(self.staffing_factor)
        default = single if single is not None else fallback
        if not table:
            return np.full(len(forecast), default)
        codes, names = pd.factorize(forecast["queue"])
        # one value per queue, and the default last for a row without a queue
        values = np.array([*(table.get(str(q), default) for q in names), default], dtype=float)
        return values[np.where(codes >= 0, codes, len(names))]

    def staffing_choice(self) -> str:
        """The calibration's effective-staffing factor per queue in words ("" without one).

        Examples
        --------
        >>> cal = {"queues": {"all": {"patience_s": 380.0, "staffing_factor": 0.85,
        ...        "latest_staffing_period": "1999-04", "latest_staffing_factor": 0.86}}}
        >>> QueueModel(calibration=cal).staffing_choice()
        'all x0.860 (1999-04, a measured shrinkage of 14.0%)'
        """
        table = self._factor_table()
        parts = []
        for queue, value in table.items():
            entry = (self.calibration or {})["queues"][queue]
            if self.calibration_period == "latest":
                label = entry.get("latest_staffing_period", "whole history")
            elif self.calibration_period == "pooled":
                label = "whole history"
            else:
                label = self.calibration_period
            parts.append(f"{queue} x{value:.3f} ({label}, a measured shrinkage of {1 - value:.1%})")
        return ", ".join(parts)

    # -- redials ---------------------------------------------------------------------------

    def redial_shares(self, forecast: pd.DataFrame) -> np.ndarray:
        """Share of abandoned callers who call again, per row (NaN: no redials).

        ``forecast`` has ``queue`` and, optionally, ``redial``.

        Examples
        --------
        >>> f = pd.DataFrame({"queue": ["sales", "care"], "redial": [0.5, np.nan]})
        >>> QueueModel(redial=0.3, redial_delay_s=600).redial_shares(f).tolist()
        [0.5, 0.3]
        """
        n = len(forecast)
        out = np.full(n, np.nan)
        table = calibrated_redials(self.calibration)
        if table:
            single = next(iter(table.values())) if len(table) == 1 else None
            lookup = {
                q: (table.get(q, single) or {}).get("share", np.nan)
                for q in pd.unique(forecast["queue"].astype(str))
            }
            out = forecast["queue"].astype(str).map(lookup).to_numpy(dtype=float)
        if "redial" in forecast.columns:
            column = pd.to_numeric(forecast["redial"], errors="coerce").to_numpy(dtype=float)
            out = np.where(np.isnan(out), column, out)
        if self.redial is not None:
            out = np.where(np.isnan(out), self.redial, out)
        return out

    def redial_delay(self, queue: str) -> RedialDelay | None:
        """When a queue's callers call again.

        The calibration's delay curve, else exponential with ``redial_delay_s``, else
        ``None``.
        """
        table = calibrated_redials(self.calibration)
        single = next(iter(table.values())) if len(table) == 1 else None
        entry = table.get(str(queue), single)
        if entry is not None and entry["delay"] is not None:
            return entry["delay"]
        if self.redial_delay_s is not None:
            return RedialDelay.exponential(self.redial_delay_s)
        return None

    def calibration_choice(self) -> str:
        """Which of the calibration's patience estimates this model uses, queue by queue.

        Examples
        --------
        >>> cal = {"queues": {"sales": {"patience_s": 95.0, "latest_period": "2024Q2",
        ...                             "latest_patience_s": 80.0}}}
        >>> QueueModel(calibration=cal).calibration_choice()
        'latest period: sales 80 s (2024Q2)'
        """
        if self.calibration is None:
            return ""
        table = calibrated_patience(self.calibration, self.calibration_period)
        parts = []
        for queue, value in table.items():
            entry = self.calibration["queues"][queue]
            if self.calibration_period == "latest":
                label = entry.get("latest_period", "whole history")
            elif self.calibration_period == "pooled":
                label = "whole history"
            else:
                label = self.calibration_period
            shown = "no estimate (Erlang C)" if math.isinf(value) else f"{value:.0f} s"
            parts.append(f"{queue} {shown} ({label})" if not math.isnan(value) else f"{queue} -")
        return f"{self.calibration_period} period: " + ", ".join(parts)

    def describe(self, forecast: pd.DataFrame | None = None) -> str:
        """The model in words, for reports ("Erlang A with ...", "Erlang C ...")."""
        if not self.abandonment:
            return "Erlang C for every interval (abandonment left out)" + (
                f"; effective agents = factor x staffed agents: {self.staffing_choice()}"
                if self.staffing_choice()
                else ""
            )
        parts = []
        if self.calibration is not None:
            parts.append(f"the calibration's patience per queue ({self.calibration_period})")
        column = (
            forecast["patience_s"] if forecast is not None and "patience_s" in forecast else None
        )
        if column is not None and pd.to_numeric(column, errors="coerce").notna().any():
            parts.append("the forecast's patience_s column")
        if self.patience_s is not None:
            parts.append(
                "no abandonment"
                if math.isinf(self.patience_s)
                else f"a mean patience of {self.patience_s:g} s"
            )
        staffing = self.staffing_choice()
        if staffing:
            staffing = (
                f"; effective agents = factor x staffed agents from the calibration: "
                f"{staffing}, applied to scheduled staff before the in-centre shrinkage"
            )
        elif self.staffing_factor is not None and self.staffing_factor != 1.0:
            staffing = f"; effective agents = {self.staffing_factor:g} x staffed agents"
        if not parts:
            text = "Erlang C (no abandonment)"
        else:
            text = "Erlang A with " + ", else ".join(parts) + " (Erlang C where none applies)"
            if self.patience_model == "km":
                text += "; M/M/n+G with the calibration's Kaplan-Meier curve where it has one"
        return text + staffing + self._describe_redials(forecast)

    def _describe_redials(self, forecast: pd.DataFrame | None) -> str:
        sources = []
        if calibrated_redials(self.calibration):
            sources.append("the calibration's redial shares and delay curves")
        column = forecast.get("redial") if forecast is not None else None
        if column is not None and pd.to_numeric(column, errors="coerce").notna().any():
            sources.append("the forecast's redial column")
        if self.redial is not None:
            sources.append(f"{100 * self.redial:g}% of abandoned callers calling again")
        if not sources and not self.reconnect:
            return ""
        text = "; redials: " + (", else ".join(sources) or "none")
        if self.redial_delay_s is not None:
            text += f" (exponential delay, mean {self.redial_delay_s:g} s)"
        if self.reconnect:
            text += f"; {100 * self.reconnect:g}% of answered callers call again"
        return text
