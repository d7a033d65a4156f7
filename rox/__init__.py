"""rox, the Region Overlap eXplorer.

The documented Python API is :class:`rox.api.Rox`; the ``rox`` command is a thin
shell over it (:mod:`rox.cli`).
"""

__version__ = "0.1.0"
