"""The Streamlit app's entry: page set-up and navigation over :func:`rox.webapp.pages`.

``app.py`` (``streamlit run app.py``) and ``rox app`` both end here. The store comes
from the environment: ``NEO4J_URI`` selects Neo4j, else ``ROX_DB`` names the
embedded FalkorDB file, else the default.
"""

from __future__ import annotations

import streamlit as st

from rox.webapp import pages
from rox.webapp.common import guarded, sidebar_status


def favicon():
    """The favicon, drawn here: an emoji or ``:material/...:`` icon would be fetched from a CDN."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.line([(16, 44), (32, 16), (48, 44), (16, 44)], fill=(120, 130, 140, 255), width=4)
    for (x, y), colour in (((16, 44), (31, 119, 180)), ((32, 16), (255, 127, 14)), ((48, 44), (214, 39, 40))):
        d.ellipse([x - 10, y - 10, x + 10, y + 10], fill=colour + (255,))
    return img


def main() -> None:
    """Configure the page and run the navigation (one ``st.Page`` per page module)."""
    st.set_page_config(
        page_title="rox - Region Overlap eXplorer",
        page_icon=favicon(),
        layout="wide",
        menu_items={
            "Get help": None,
            "Report a bug": None,
            "About": "rox, the Region Overlap eXplorer: partner regions by industry overlap, "
            "with the reasons and the source of every fact.",
        },
    )
    nav = st.navigation(
        [
            st.Page(guarded(module.render), title=page.title, url_path=page.url_path, icon=page.icon, default=i == 0)
            for i, (page, module) in enumerate(pages())
        ]
    )
    sidebar_status()
    nav.run()
