"""The rox Streamlit app: one module per page, plus shared helpers.

``app.py`` (the entry point, ``streamlit run app.py`` or ``rox app``) builds the
navigation from :data:`PAGES`. Each page module has a ``render()`` function. The
app reaches the data only through :class:`rox.api.Rox`.

Modules:

* :mod:`rox.webapp.common` - the session, error boxes, cached queries, downloads;
* :mod:`rox.webapp.visgraph` - graph views drawn with pyvis/vis-network, served inline;
* :mod:`rox.webapp.graph_export` - a graph view as GraphML, GEXF, JSON or a standalone page;
* pages: :mod:`~rox.webapp.overview`, :mod:`~rox.webapp.partners`, :mod:`~rox.webapp.compare`,
  :mod:`~rox.webapp.explorer`, :mod:`~rox.webapp.console`, :mod:`~rox.webapp.load`.
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
