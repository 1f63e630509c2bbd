"""Sphinx configuration of the staffing documentation.

Pages are MyST Markdown (myst-nb, which brings myst-parser); pages with ``{code-cell}``
blocks and the notebooks of ``notebooks/`` are executed at build time, so every figure
and every printed number comes from running the package. The API reference is generated
from the numpydoc docstrings (autosummary over each public package's ``__all__``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import staffing

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

import api_homes  # noqa: E402 (after the path is set)

project = "staffing"
author = "the staffing authors"
copyright = "2025-2026, the staffing authors"
release = staffing.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.extlinks",
    "sphinx.ext.mathjax",
    "api_homes",
]

extlinks = {"doi": ("https://doi.org/%s", "doi:%s")}  # :doi:`10.1287/opre.2.3.339`

# --- sources -------------------------------------------------------------------------
# The notebooks live in notebooks/ at the repository root; they are copied here at every
# build (docs/notebooks/ is generated, never committed). tests/test_notebooks.py runs each
# notebook and leaves an executed copy in _build/executed-notebooks/ stamped with the hash
# of the notebook it ran; such a copy of the notebook as it is now is rendered as it is,
# any other notebook is executed here. CI runs the tests before the docs, so each notebook
# runs once per CI run.
NOTEBOOKS = DOCS / "notebooks"
EXECUTED = DOCS / "_build" / "executed-notebooks"
shutil.rmtree(NOTEBOOKS, ignore_errors=True)
NOTEBOOKS.mkdir()
_reused: list[str] = []
for _nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
    _copy = EXECUTED / _nb.name
    _digest = hashlib.sha256(_nb.read_bytes()).hexdigest()
    if (
        _copy.exists()
        and json.loads(_copy.read_text(encoding="utf-8"))
        .get("metadata", {})
        .get("staffing_source_sha256")
        == _digest
    ):
        shutil.copy2(_copy, NOTEBOOKS / _nb.name)
        _reused.append(f"notebooks/{_nb.name}")
    else:
        shutil.copy2(_nb, NOTEBOOKS / _nb.name)

exclude_patterns = ["_build", "**.ipynb_checkpoints"]
templates_path = ["_templates"]
html_static_path: list[str] = []

# --- execution -----------------------------------------------------------------------
# Every page with code cells runs at build time ("force": no cache, so a clean clone builds
# what a reader sees), and so does every notebook without a current executed copy from the
# tests (above). The notebooks find the real data through STAFFING_REALDATA and run
# without it (their real-data cells are skipped).
nb_execution_mode = os.environ.get("STAFFING_DOCS_EXECUTE", "force")  # "off" for a quick draft
nb_execution_excludepatterns = _reused  # run by the tests already (see above)
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
os.environ.setdefault("STAFFING_REALDATA", str(ROOT.parent / "shared" / "realdata"))
# The kernels inherit this: figures display inline even where MPLBACKEND=Agg is set (CI).
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "deflist"]
myst_heading_anchors = 3
myst_url_schemes = ["http", "https", "mailto"]
suppress_warnings = ["myst.header"]

# --- API reference -------------------------------------------------------------------
autosummary_generate = True
autosummary_ignore_module_all = False  # a package's page lists exactly its __all__
autosummary_imported_members = True  # a package re-exports its modules' names
autodoc_typehints = "none"  # the numpydoc Parameters give types and units
autodoc_default_options = {"member-order": "bysource"}
autosummary_context = {"home": api_homes.homes()}
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()  # style is checked by ruff's D rules

# A renamed function must break the build: every reference to our own names must resolve.
# Names of other projects (numpy, pandas, the standard library, ...) are not linked, as
# there is no network at build time for intersphinx inventories.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"~?(numpy|np|pandas|pd|scipy|matplotlib|plt|pyarrow|dask|click|datetime)(\..*)?"),
]

# --- HTML ----------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"staffing {version}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_show_sourcelink = False
html_context = {"default_mode": "light"}


def _guide_glob(app: object, docname: str, source: list[str]) -> None:
    """Keep the user guide's ``*`` entry only while it has pages to pick up.

    ``docs/guide/index.md`` lists the job pages in reading order, then ``*`` for any other
    page dropped into ``docs/guide/``; a glob that matches nothing is a warning (an error
    here), so it is left out while every page is listed.
    """
    if docname != "guide/index":
        return
    listed = set(re.findall(r"^([a-z0-9][a-z0-9_-]*)$", source[0], flags=re.M))
    others = {p.stem for p in (DOCS / "guide").glob("*.md")} - listed - {"index"}
    if not others:
        source[0] = re.sub(r"^\*\n", "", source[0], flags=re.M)


def setup(app: object) -> None:
    """Connect the user guide's glob (see :func:`_guide_glob`)."""
    app.connect("source-read", _guide_glob)  # type: ignore[attr-defined]
