"""The script ``rox app`` hands to ``streamlit run`` (installed with the package)."""

from rox.webapp.main import main

main()
