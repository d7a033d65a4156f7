"""rox, the Region Overlap eXplorer - the Streamlit app.

Run it with ``rox app`` (``rox app --db PATH`` or ``--neo4j URI`` picks the store) or
``streamlit run app.py``. The store comes from the environment: ``NEO4J_URI``
selects Neo4j, else ``ROX_DB`` names the embedded FalkorDB file, else the default.

Pages live in the :mod:`webapp` package, one module per page.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import streamlit as st

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # `streamlit run /elsewhere/app.py` without the package installed
    sys.path.insert(0, str(HERE))

from webapp import PAGES  # noqa: E402
from webapp.common import guarded, sidebar_status  # noqa: E402


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
    st.set_page_config(page_title="rox - Region Overlap eXplorer", page_icon=favicon(), layout="wide",
                       menu_items={"Get help": None, "Report a bug": None,
                                   "About": "rox, the Region Overlap eXplorer: partner regions by industry overlap, "
                                            "with the reasons and the source of every fact."})
    pages = []
    for i, (module, title, url_path, icon) in enumerate(PAGES):
        mod = importlib.import_module(f"webapp.{module}")
        pages.append(st.Page(guarded(mod.render), title=title, url_path=url_path, icon=icon, default=i == 0))
    nav = st.navigation(pages)
    sidebar_status()
    nav.run()


main()
