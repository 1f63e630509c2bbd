"""Channels: voice, chat, e-mail and other contacts in one forecast, and how each is staffed.

A forecast may name each queue's channel and how its agents are shared:

===============  ==========================================================================
column           meaning
===============  ==========================================================================
``channel``      ``voice`` (default when empty or absent), ``chat``, ``email``, ``social``
                 or any name mapped to a model by ``channel_models``
``concurrency``  chats an agent holds at once (concurrent channels only; default 1)
``pool``         queues answered by the same agents share a pool name (empty: alone)
``priority``     1 = first (``P1`` reads as 1): the voice classes of a pool, or the ticket
                 priorities of the deferred queues of a pool
===============  ==========================================================================

Each channel is staffed by one of three models:

* ``immediate`` (``voice``, ``phone``): the caller waits on the line; Erlang C or A per
  interval (:func:`staffing.required_agents`), or, for several voice queues of one pool,
  the non-preemptive priority pool (:func:`staffing.queueing.priority.required_priority_agents`);
* ``concurrent`` (``chat``, ``messaging``, ``social``): an agent holds several contacts
  at once (:func:`staffing.queueing.chat.required_chat_agents`);
* ``deferred`` (``email``, ``ticket``, ``case``, ``backoffice``): work that waits in a
  backlog and is answered within hours (:func:`staffing.planner.deferred.plan_deferred`),
  filling the idle time of the voice queues of its pool first (blending).

:class:`ChannelRules` holds the settings of the non-voice models (the mapping of channel
names, the chat efficiency table, the deferred work's opening hours, deadline clock and
occupancy cap); :func:`channel_columns` validates the columns once, naming the file's rows.
:func:`check_simulable` refuses the rows of a plan that a model of first-come first-served
voice lines (the day simulator, the credit exposure) cannot take.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from staffing.errors import InputError, StaffingError
from staffing.frames import bad_rows, check_column, numeric_column, queue_names
from staffing.queueing.chat import DEFAULT_EFFICIENCY, efficiency_table
from staffing.vocabulary import OpeningHours, parse_rate

__all__ = [
    "CHANNEL_COLUMNS",
    "DEADLINE_CLOCKS",
    "DEFAULT_CHANNEL_MODELS",
    "MODELS",
    "ChannelRules",
    "channel_columns",
    "check_simulable",
    "has_channels",
    "parse_open_hours",
]

#: The three ways a channel is staffed.
MODELS: tuple[str, ...] = ("immediate", "concurrent", "deferred")
#: Channel names every forecast may use, and their model.
DEFAULT_CHANNEL_MODELS: dict[str, str] = {
    "voice": "immediate",
    "phone": "immediate",
    "chat": "concurrent",
    "messaging": "concurrent",
    "social": "concurrent",
    "email": "deferred",
    "ticket": "deferred",
    "case": "deferred",
    "backoffice": "deferred",
}
#: Optional forecast columns that make a forecast a mixed-channel one.
CHANNEL_COLUMNS: tuple[str, ...] = ("channel", "concurrency", "pool", "priority")
#: How deferred work's deadlines are counted.
DEADLINE_CLOCKS: tuple[str, ...] = ("calendar", "business")
#: Channel of a row that names none.
DEFAULT_CHANNEL = "voice"

DeadlineClock = Literal["calendar", "business"]


def has_channels(forecast: pd.DataFrame) -> bool:
    """Whether a forecast names channels, concurrency, pools or priorities (any column).

    Examples
    --------
    >>> has_channels(pd.DataFrame({"calls": [1.0]})), has_channels(pd.DataFrame({"pool": ["a"]}))
    (False, True)
    """
    return any(c in forecast.columns for c in CHANNEL_COLUMNS)


def channel_names(values: Any) -> pd.Series:
    """Channel names as compared everywhere: stripped, lower case; empty = ``voice``."""
    s = pd.Series(values)
    text = s.astype("string").str.strip().str.lower()
    return text.fillna("").replace("", DEFAULT_CHANNEL).astype(object)


def parse_open_hours(value: Any) -> OpeningHours | None:
    """Opening hours of deferred work, in the vocabulary's one grammar.

    Parameters
    ----------
    value : str, sequence of str, mapping or None
        ``"Mon-Fri 08:00-18:00"``, ``"08:00-18:00"`` (every day), several such texts
        (``["Mon-Fri 08:00-18:00", "Sat 09:00-13:00"]``), or a mapping
        (:class:`staffing.vocabulary.OpeningHours`).

    Returns
    -------
    OpeningHours or None
        ``None`` for ``None`` (always open).

    Examples
    --------
    >>> str(parse_open_hours(["Mon-Fri 08:00-18:00", "Sat 09:00-13:00"]))
    'Mon-Fri 08:00-18:00; Sat 09:00-13:00'
    >>> str(parse_open_hours("07:00-19:00"))
    '07:00-19:00'
    """
    return OpeningHours.parse(value, what="`open_hours`")


@dataclass(frozen=True)
class ChannelRules:
    """How chat and deferred channels are staffed, and which model a channel name means.

    Parameters
    ----------
    channel_models : mapping, optional
        Channel name -> model (``"immediate"``, ``"concurrent"`` or ``"deferred"``) for
        names beyond :data:`DEFAULT_CHANNEL_MODELS` (or to override one):
        ``{"whatsapp": "concurrent"}``.
    chat_efficiency : sequence of float, default (1, 1.7, 2.5, 2.9, 3.5)
        Total throughput of a chat agent holding j = 1, 2, ... chats relative to one chat
        (:func:`staffing.queueing.chat.evaluate_chat`).
    open_hours : str, sequence of str or mapping, optional
        When agents may work deferred items, per weekday (:func:`parse_open_hours`):
        ``"Mon-Fri 08:00-18:00"``; default always.
    deadline_clock : {"calendar", "business"}, default "calendar"
        Deferred deadlines count on the calendar clock or in open hours only.
    max_occupancy : float or str, default 0.9
        Busy share cap of agents working deferred items: blended agents take deferred
        work in the voice idle time up to it, and added agents work at it.

    Examples
    --------
    >>> r = ChannelRules(channel_models={"WhatsApp": "concurrent"},
    ...                  open_hours="Mon-Fri 08:00-18:00")
    >>> r.model_of("whatsapp"), r.model_of("email"), str(r.open_hours)
    ('concurrent', 'deferred', 'Mon-Fri 08:00-18:00')
    """

    channel_models: Mapping[str, str] = field(default_factory=dict)
    chat_efficiency: Sequence[float] = DEFAULT_EFFICIENCY
    open_hours: OpeningHours | str | Sequence[str] | Mapping[Any, Any] | None = None
    deadline_clock: DeadlineClock = "calendar"
    max_occupancy: float | str = 0.9

    def __post_init__(self) -> None:
        models = {}
        for name, model in dict(self.channel_models).items():
            key = str(name).strip().lower()
            value = str(model).strip().lower()
            if value not in MODELS:
                raise StaffingError(
                    f"`channel_models` {name}={model}: the model must be one of {', '.join(MODELS)}"
                )
            if not key:
                raise StaffingError("`channel_models`: a channel name is empty")
            models[key] = value
        object.__setattr__(self, "channel_models", models)
        eff = tuple(float(x) for x in self.chat_efficiency)
        efficiency_table(eff, np.ones(1))
        object.__setattr__(self, "chat_efficiency", eff)
        object.__setattr__(self, "open_hours", parse_open_hours(self.open_hours))
        if self.deadline_clock not in DEADLINE_CLOCKS:
            raise StaffingError(
                f"`deadline_clock` {self.deadline_clock!r}: use calendar or business"
            )
        rho = parse_rate(self.max_occupancy, what="`max_occupancy`", allow_zero=False)
        object.__setattr__(self, "max_occupancy", rho)

    @property
    def models(self) -> dict[str, str]:
        """Every known channel name and its model."""
        return {**DEFAULT_CHANNEL_MODELS, **dict(self.channel_models)}

    def model_of(self, channel: str) -> str:
        """The model of a channel name (raises for an unknown name)."""
        key = str(channel).strip().lower()
        found = self.models.get(key)
        if found is None:
            raise StaffingError(
                f"unknown channel {channel!r}: map it to immediate, concurrent or deferred "
                f"with `channel_models` (e.g. {key}=deferred)"
            )
        return found

    @property
    def business_hours(self) -> bool:
        """Whether deadlines run on the business-hours clock (``deadline_clock``)."""
        return self.deadline_clock == "business"

    def describe(self) -> str:
        """The rules in words, for reports."""
        eff = ", ".join(f"{x:g}" for x in self.chat_efficiency)
        hours = "always open" if self.open_hours is None else f"open {self.open_hours}"
        return (
            f"Chat efficiency {eff} (throughput with 1, 2, ... chats). Deferred work: "
            f"{hours}, deadlines on the {self.deadline_clock} clock, occupancy at most "
            f"{100 * float(self.max_occupancy):g}%."
        )


def channel_columns(
    f: pd.DataFrame, rules: ChannelRules, *, source: str | None = None
) -> pd.DataFrame:
    """The validated channel columns of a prepared forecast.

    Parameters
    ----------
    f : DataFrame
        A forecast from :func:`~staffing.prepared.validate_forecast` (row ``i`` is the
        file's row ``i + 2``), with any of :data:`CHANNEL_COLUMNS`.
    rules : ChannelRules
        The channel name mapping and the chat efficiency table.
    source : str, optional
        Name used in error messages (default ``f.attrs["source"]``).

    Returns
    -------
    DataFrame
        Aligned with ``f``: ``channel`` (lower case), ``channel_model``, ``concurrency``
        (int64, 1 where not given), ``pool`` (text, ``""`` for a queue alone) and
        ``priority`` (float, NaN where not given).

    Raises
    ------
    InputError
        Naming the column and rows: an unknown channel, a concurrency that is not a whole
        number of at least 1 (or above the efficiency table, or given for a channel that
        is not concurrent), a priority that is not a whole number of at least 1, or a
        queue whose channel, pool or priority changes between rows.

    Examples
    --------
    >>> f = pd.DataFrame({"queue": ["a", "b"], "channel": ["Chat", None], "concurrency": [3, None]})
    >>> channel_columns(f, ChannelRules())[["channel", "channel_model", "concurrency"]]
      channel channel_model  concurrency
    0    chat    concurrent            3
    1   voice     immediate            1
    """
    source = source or str(f.attrs.get("source", "forecast"))
    n = len(f)
    out = pd.DataFrame(index=f.index)
    if "channel" in f.columns:
        channel = channel_names(f["channel"].to_numpy()).to_numpy()
    else:
        channel = np.full(n, DEFAULT_CHANNEL, dtype=object)
    models = rules.models
    known = np.array([c in models for c in channel], dtype=bool)
    if not known.all():
        first = str(channel[~known][0])
        raise InputError(
            f"unknown channel '{first}': map it to immediate, concurrent or deferred with "
            f"`channel_models` (e.g. {first}=deferred)",
            source=source,
            column="channel",
            rows=bad_rows(known),
        )
    model = np.array([models[c] for c in channel], dtype=object)
    out["channel"] = channel
    out["channel_model"] = model

    if "concurrency" in f.columns:
        cc = numeric_column(f, "concurrency", source=source).to_numpy(dtype=float)
        cc = np.where(np.isnan(cc), 1.0, cc)
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(cc) & (cc >= 1) & (cc == np.round(cc))
        check_column(f, "concurrency", whole, "not a whole number of at least 1", source=source)
        if "channel" in f.columns:
            blank = f["channel"].astype("string").str.strip().fillna("").eq("").to_numpy()
            check_column(
                f,
                "channel",
                ~(blank & (cc > 1)),
                "empty, on rows whose concurrency is above 1: name their channel (e.g. chat)",
                source=source,
            )
        check_column(
            f,
            "concurrency",
            (cc == 1) | (model == "concurrent"),
            "above 1 on a channel that is not concurrent (chat): concurrency is the chats "
            "an agent holds at once",
            source=source,
        )
        size = len(rules.chat_efficiency)
        check_column(
            f,
            "concurrency",
            cc <= size,
            f"above the {size} chats the efficiency table covers: give a longer `chat_efficiency`",
            source=source,
        )
    else:
        cc = np.ones(n)
    out["concurrency"] = cc.astype(np.int64)

    if "pool" in f.columns:
        pool = queue_names(f["pool"]).fillna("").astype(str).to_numpy(dtype=object)
    else:
        pool = np.full(n, "", dtype=object)
    out["pool"] = pool

    if "priority" in f.columns:
        # ticket priorities are often written P1, P2, ...: the number is the priority
        text = f["priority"]
        if text.dtype.kind not in "biuf":
            text = text.astype("string").str.strip().str.replace(r"^[Pp]\s*", "", regex=True)
        pr = numeric_column(f.assign(priority=text), "priority", source=source).to_numpy(
            dtype=float
        )
        with np.errstate(invalid="ignore"):
            ok = np.isnan(pr) | ((pr >= 1) & (pr == np.round(pr)))
        check_column(f, "priority", ok, "not a whole number of at least 1", source=source)
    else:
        pr = np.full(n, np.nan)
    out["priority"] = pr

    queue = f["queue"].to_numpy(dtype=object)
    for column in ("channel", "pool", "priority"):
        values = out[column].astype(str).to_numpy(dtype=object)
        per_queue = pd.Series(values).groupby(queue).transform("nunique").to_numpy()
        if (per_queue > 1).any():
            raise InputError(
                f"a queue's {column} changes between its rows (one queue, one {column})",
                source=source,
                column=column,
                rows=bad_rows(per_queue <= 1),
            )
    return out


def pool_text(pool: str, queue: str) -> str:
    """``pool 'care'`` or ``queue 'chat'`` for messages."""
    return f"pool '{pool}'" if pool else f"queue '{queue}'"


def _listed(names: Sequence[str], show: int = 5) -> str:
    """``a, b, c`` (``a, b, c, d, e and 3 more`` beyond ``show``)."""
    names = list(names)
    text = ", ".join(names[:show])
    return text + (f" and {len(names) - show} more" if len(names) > show else "")


def check_simulable(
    table: pd.DataFrame, *, what: str = "the simulator", source: str | None = None
) -> None:
    """Refuse the rows of a plan that first-come first-served voice lines cannot model.

    The day simulator (:func:`staffing.simulation.simulate_plan`) and the credit exposure
    (:func:`staffing.contracts.credit_exposure`) take every queue as a voice line of its
    own: callers wait on the line, first come first served, for the agents of their rows.
    Two kinds of rows of a mixed-channel plan are not that, and treating them so would be
    silently wrong:

    * rows whose model is not ``immediate``: chat (an agent holds several contacts at
      once) and deferred work (e-mail, tickets: a backlog worked within hours);
    * the voice rows of a pool holding several voice queues (a priority pool): the pool's
      agents answer its classes in priority order, and each row's ``agents`` is only its
      share of them.

    The one voice queue of a pool passes: its ``agents`` are its own requirement (Erlang
    C/A, by the plan's method), and the deferred work blended into their idle time is on
    the deferred queue's rows (:mod:`staffing.planner.mixed`), so the line is simulated
    with the agents the plan predicted it with, as if the blended work yields to calls.
    A table without any channel column passes untouched.

    Parameters
    ----------
    table : DataFrame
        A plan's interval table (``staffing plan --out``), an evaluation's intervals, or
        a forecast. Its ``channel_model`` column is read where present; otherwise the
        model follows from ``channel`` by the default names (:data:`DEFAULT_CHANNEL_MODELS`;
        a name outside them is not voice), and a ``concurrency`` above 1 means chat.
    what : str, default "the simulator"
        What refuses, for the message.
    source : str, optional
        File name used in the message (default ``table.attrs["source"]``, else "plan").

    Raises
    ------
    InputError
        One line naming the file, the column (``channel_model``, else ``channel`` or
        ``concurrency``; ``pool`` for a priority pool), the rows and their queues.

    Examples
    --------
    >>> t = pd.DataFrame({"queue": ["phone", "web", "mail"],
    ...                   "channel_model": ["immediate", "concurrent", "deferred"]})
    >>> check_simulable(t, source="plan.csv")
    Traceback (most recent call last):
    ...
    staffing.errors.InputError: plan.csv: column 'channel_model': 2 rows (rows 3, 4) are \
not voice (queues web (concurrent), mail (deferred)): the simulator takes voice lines \
only, each first come first served with the agents of its rows; leave these queues out
    >>> check_simulable(t.iloc[:1], source="plan.csv")  # the voice row alone passes
    """
    columns = set(map(str, table.columns))
    if not columns & {"channel_model", *CHANNEL_COLUMNS}:
        return
    df = table.reset_index(drop=True)
    n = len(df)
    src = source or str(table.attrs.get("source", "plan"))
    if "queue" in df.columns:
        queue = queue_names(df["queue"]).fillna("").astype(str).to_numpy(dtype=object)
    else:
        queue = np.full(n, "", dtype=object)
    if "channel_model" in df.columns:
        text = df["channel_model"].astype("string").str.strip().str.lower().fillna("")
        model = text.where(text != "", "immediate").to_numpy(dtype=object)
        column = "channel_model"
    else:
        names = channel_names(df["channel"].to_numpy()) if "channel" in df.columns else None
        channel = np.full(n, DEFAULT_CHANNEL, dtype=object) if names is None else names.to_numpy()
        model = np.array([DEFAULT_CHANNEL_MODELS.get(c, c) for c in channel], dtype=object)
        column = "channel"
    voice = model == "immediate"
    if voice.all() and "concurrency" in df.columns:
        cc = pd.to_numeric(df["concurrency"], errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            voice = ~(cc > 1)
        model = np.where(voice, model, "concurrent")
        column = "concurrency"
    if not voice.all():
        kinds = pd.DataFrame({"queue": queue[~voice], "model": model[~voice]}).drop_duplicates()
        named = [f"{q or '(no name)'} ({m})" for q, m in kinds.itertuples(index=False)]
        raise InputError(
            f"are not voice (queue{'s' if len(named) > 1 else ''} {_listed(named)}): {what} "
            "takes voice lines only, each first come first served with the agents of its "
            "rows; leave these queues out",
            source=src,
            column=column,
            rows=bad_rows(voice),
        )
    if "pool" not in df.columns:
        return
    pool = queue_names(df["pool"]).fillna("").astype(str).to_numpy(dtype=object)
    named_pool = pool != ""
    classes = pd.Series(queue[named_pool]).groupby(pool[named_pool], sort=False).unique()
    shared = classes[classes.map(len) > 1]
    if shared.empty:
        return
    pools = [f"'{p}' ({_listed(list(members))})" for p, members in shared.items()]
    raise InputError(
        f"are the voice classes of priority pool{'s' if len(pools) > 1 else ''} "
        f"{_listed(pools)}: each row's agents are its share of the pool's, answered in "
        f"priority order, and {what} takes voice lines only, each first come first served "
        "with the agents of its rows; leave the pool's queues out",
        source=src,
        column="pool",
        rows=bad_rows(~np.isin(pool, shared.index.to_numpy())),
    )
