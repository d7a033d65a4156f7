"""rox, the Region Overlap eXplorer - the Streamlit app (``streamlit run app.py``).

The app lives in :mod:`rox.webapp` (one module per page); ``rox app`` runs the same
entry. Install rox first (``make setup`` or ``pip install -e .``).
"""

from rox.webapp.main import main

main()
