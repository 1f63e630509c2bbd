"""Sphinx configuration of the staffing documentation.

Pages are MyST Markdown (myst-nb, which brings myst-parser); pages with ``{code-cell}``
blocks and the notebooks of ``notebooks/`` are executed at build time, so every figure
and every printed number comes from running the package. The API reference is generated
from the numpydoc docstrings (autosummary over each public package's ``__all__``).
"""

from __future__ import annotations

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
copyright = "2025-2026, the staffing authors"  # noqa: A001 (Sphinx's name)
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
# The notebooks live in notebooks/ at the repository root (run there by the tests);
# they are copied here at every build (docs/notebooks/ is generated, never committed).
NOTEBOOKS = DOCS / "notebooks"
shutil.rmtree(NOTEBOOKS, ignore_errors=True)
NOTEBOOKS.mkdir()
for _nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
    shutil.copy2(_nb, NOTEBOOKS / _nb.name)

exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
templates_path = ["_templates"]
html_static_path: list[str] = []

# --- execution -----------------------------------------------------------------------
# Every page with code cells and every notebook runs at build time ("force": no cache,
# so a clean clone builds what a reader sees). The notebooks find the real data through
# STAFFING_REALDATA and run without it (their real-data cells are skipped).
nb_execution_mode = os.environ.get("STAFFING_DOCS_EXECUTE", "force")  # "off" for a quick draft
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
os.environ.setdefault("STAFFING_REALDATA", str(ROOT.parent / "shared" / "realdata"))
os.environ.setdefault("MPLBACKEND", "Agg")

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
_OURS = re.compile(r"^~?\.?staffing(\.|$)")
nitpick_ignore_regex = [
    (r"py:.*", r"(?!~?\.?staffing(\.|$)).*"),
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
