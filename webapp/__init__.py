"""The rox Streamlit app: one module per page, plus shared helpers.

``app.py`` (the entry point, ``streamlit run app.py`` or ``rox app``) builds the
navigation from :data:`PAGES`. Each page module has a ``render()`` function.

Modules:

* :mod:`webapp.common` - store connection, error boxes, cached queries, downloads;
* :mod:`webapp.visgraph` - graph views drawn with pyvis/vis-network, served inline;
* :mod:`webapp.graph_export` - a graph view as GraphML, GEXF, JSON or a standalone page;
* pages: :mod:`~webapp.overview`, :mod:`~webapp.partners`, :mod:`~webapp.compare`,
  :mod:`~webapp.explorer`, :mod:`~webapp.console`, :mod:`~webapp.load`.
"""

from __future__ import annotations

# (module, title, url path, icon); the first page is the default one.
PAGES: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "Overview", "overview", ":material/dashboard:"),
    ("partners", "Find partners", "partners", ":material/handshake:"),
    ("compare", "Compare regions", "compare", ":material/compare_arrows:"),
    ("explorer", "Graph explorer", "explorer", ":material/hub:"),
    ("console", "Cypher console", "console", ":material/terminal:"),
    ("load", "Load data", "load", ":material/upload_file:"),
)
