"""Sphinx configuration: the user guide, the gallery (run at build time) and the API reference.

Build: ``pip install -e ".[docs]" && sphinx-build -W --keep-going -b html docs docs/_build/html``
(.ci/run does this: a warning, a broken cross-reference or a failing example fails the build).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import acsym  # noqa: E402

project = "acsym"
author = "acsym developers"
copyright = "2026, acsym developers"
release = version = acsym.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "api/generated/*.md", "auto_examples/*.ipynb", "auto_examples/*.py"]
# pages for developers, linked from the README: in the site they sit under "Reference"
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types and units
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"acsym {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path: list[str] = []

# matplotlib draws headless; gallery figures are collected from the examples' Figure objects
warnings.filterwarnings("ignore", message="Matplotlib is currently using agg")


def _skip_top_level_names(
    app: object, what: str, name: str, obj: object, skip: bool, options: object
) -> bool | None:
    """A module's page leaves out the names ``import acsym`` re-exports: each is documented
    once, at the top level (docs/api.rst), so no object is described twice."""
    if what == "module" and name in acsym.__all__ and getattr(acsym, name) is obj:
        return True
    return None


def setup(app: object) -> None:
    app.connect("autodoc-skip-member", _skip_top_level_names)  # type: ignore[attr-defined]
