"""The rox Streamlit app: one module per page, plus shared helpers.

``app.py`` (``streamlit run app.py``) and ``rox app`` run :func:`rox.webapp.main.main`,
which builds the navigation from :func:`pages`. A page is a module of this package
with a ``PAGE = Page(...)`` declaration and a ``render()`` function: adding a page is
adding one module (and its test), nothing else. The app reaches the data only
through :class:`rox.api.Rox`.

Modules:

* :mod:`rox.webapp.common` - the session, error boxes, cached queries, downloads;
* :mod:`rox.webapp.visgraph` - graph views drawn with pyvis/vis-network, served inline;
* :mod:`rox.webapp.graph_export` - a graph view as GraphML, GEXF, JSON or a standalone page;
* pages: :mod:`~rox.webapp.overview`, :mod:`~rox.webapp.partners`, :mod:`~rox.webapp.compare`,
  :mod:`~rox.webapp.explorer`, :mod:`~rox.webapp.console`, :mod:`~rox.webapp.load`.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import NamedTuple

ENTRY_MODULES = frozenset({"entry"})  # importing it runs the app


class Page(NamedTuple):
    """A page of the app: its title, URL path, Material icon and place in the menu
    (lowest ``order`` first; the first page is the default one)."""

    title: str
    url_path: str
    icon: str
    order: int


def pages() -> list[tuple[Page, ModuleType]]:
    """Every page module of this package with its :class:`Page`, in menu order.

    >>> [p.url_path for p, _ in pages()][:2]
    ['overview', 'partners']
    """
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name in ENTRY_MODULES:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        page = getattr(module, "PAGE", None)
        if isinstance(page, Page):
            found.append((page, module))
    return sorted(found, key=lambda item: (item[0].order, item[0].url_path))
