"""Where each public name of ``staffing`` is documented, and references that find it.

A name is often exported by several packages (``QueueModel`` by ``staffing.prepared``,
``staffing.planner`` and ``staffing``). The API reference documents each object once, on
the page of its *home*: the public package whose modules define it (or, for a constant,
the lowest package exporting it); the other packages list it as a re-export linking
there. :func:`homes` computes the mapping, which the autosummary templates read.

Docstrings often name an object by the module that defines it
(``staffing.prepared.channels.check_simulable``, ``:mod:`staffing.planner.mixed```).
:func:`resolve_defined_names` lets such a reference through when the name *imports*:
it links the object's documented page, or the nearest documented parent (a class for
one of its fields, a package for one of its modules). A name that does not import (a
renamed or removed function) stays an unresolved reference, which ``-n -W`` turns into
a build error.
"""

from __future__ import annotations

import importlib
import inspect
import types
from typing import Any

from docutils import nodes
from numpydoc.docscrape import NumpyDocString
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Public packages, lowest layer first (the order decides a constant's home).
PACKAGES = (
    "staffing.vocabulary",
    "staffing.errors",
    "staffing.queueing",
    "staffing.queueing.targets",
    "staffing.frames",
    "staffing.data",
    "staffing.prepared",
    "staffing.planner",
    "staffing.calibration",
    "staffing.forecasting",
    "staffing.simulation",
    "staffing.scheduling",
    "staffing.contracts",
    "staffing.risk",
    "staffing.capacity",
    "staffing.io",
    "staffing.plotting.planner",
    "staffing.plotting.calibration",
    "staffing.plotting.contracts",
    "staffing.plotting.simulation",
    "staffing.plotting.schedule",
    "staffing.plotting.forecast",
    "staffing.plotting.risk",
    "staffing.plotting.capacity",
    "staffing.plotting.redials",
    "staffing",
)


def public_names(package: str) -> list[str]:
    """The names a package documents: its ``__all__``, else what its own modules define."""
    module = importlib.import_module(package)
    names = getattr(module, "__all__", None)
    if names is not None:
        return [n for n in names if not n.startswith("_")]
    return sorted(
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and getattr(obj, "__module__", None) == package
        and callable(obj)
    )


def homes() -> dict[str, str]:
    """``"package.name"`` -> the package whose page documents that object."""
    exported = {
        p: {n: getattr(importlib.import_module(p), n) for n in public_names(p)} for p in PACKAGES
    }
    home: dict[str, str] = {}
    for package, names in exported.items():
        for name, obj in names.items():
            holders = [p for p in PACKAGES if exported[p].get(name, _MISSING) is obj]
            defined_in = getattr(obj, "__module__", None) or ""
            by_module = [
                p for p in holders if p != "staffing" and (defined_in + ".").startswith(p + ".")
            ]
            if by_module:
                home[f"{package}.{name}"] = max(by_module, key=len)
            else:
                home[f"{package}.{name}"] = holders[0] if holders else package
    return home


_MISSING = object()


def _import(path: str) -> tuple[bool, Any]:
    """Import a dotted path: (True, object) when it names something, else (False, None)."""
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if hasattr(obj, attr):
                obj = getattr(obj, attr)
            elif (
                attr in getattr(obj, "__annotations__", {})
                or attr in getattr(obj, "__dataclass_fields__", {})
                or attr in _documented_attributes(obj)
            ):
                obj = None  # a field, or an attribute set by fit(): it exists
            else:
                return False, None
        return True, obj
    return False, None


def resolve_defined_names(
    app: Sphinx, env: Any, node: nodes.Element, contnode: nodes.Element
) -> nodes.Element | None:
    """``missing-reference``: link a name that imports to where it is documented."""
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    found, obj = False, None
    for path in _candidate_paths(target, node):
        found, obj = _import(path)
        if found:
            target = path
            break
    if not found:
        return None
    domain = env.get_domain("py")
    documented = _documented(env)
    candidates = []
    if obj is not None and not isinstance(obj, types.ModuleType):
        candidates += documented.get(id(obj), [])
    parts = target.split(".")
    for cut in range(len(parts) - 1, 0, -1):  # the nearest documented parent
        parent = ".".join(parts[:cut])
        if parent in domain.objects or parent in domain.modules:
            candidates.append(parent)
            break
    for name in candidates:
        kind = "mod" if name in domain.modules else "obj"
        ref = domain.resolve_xref(env, node["refdoc"], app.builder, kind, name, node, contnode)
        if ref is not None:
            return ref
    return None


def _documented_attributes(obj: Any) -> set[str]:
    """Names in the numpydoc ``Attributes`` section of a class (``summary``, ``patience_``)."""
    if not isinstance(obj, type) or not obj.__doc__:
        return set()
    doc = NumpyDocString(inspect.cleandoc(obj.__doc__))
    return {name.strip() for item in doc["Attributes"] for name in item.name.split(",")}


def _candidate_paths(target: str, node: nodes.Element) -> list[str]:
    """Full names a reference may mean: as written, or relative to where it was written.

    A docstring's references are relative to the module (and class) that defines it:
    ``:data:`CHUNK_ROWS``` in ``staffing.prepared.prepared.row_chunks`` is
    ``staffing.prepared.prepared.CHUNK_ROWS``, though the page shows the function as
    ``staffing.prepared.row_chunks``.
    """
    if target.startswith("staffing."):
        return [target]
    scopes = [
        node.get("py:class") and f"{node.get('py:module')}.{node.get('py:class')}",
        node.get("py:module"),
    ]
    source = node.source or ""
    if "docstring of " in source:
        owner = source.split("docstring of ", 1)[1].split(":")[0].strip()
        parts = owner.split(".")
        scopes = [".".join(parts[:k]) for k in range(len(parts), 0, -1)] + scopes
    return [f"{scope}.{target}" for scope in scopes if scope and scope.startswith("staffing")]


def _documented(env: Any) -> dict[int, list[str]]:
    """id(object) -> the documented names of that object (computed once per build)."""
    cache = getattr(env, "_staffing_documented", None)
    if cache is None:
        cache = {}
        for name in env.get_domain("py").objects:
            if not name.startswith("staffing."):
                continue
            found, obj = _import(name)
            if found and obj is not None and (callable(obj) or isinstance(obj, type | property)):
                cache.setdefault(id(obj), []).append(name)
        env._staffing_documented = cache
    return cache


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the resolver."""
    app.connect("missing-reference", resolve_defined_names)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
