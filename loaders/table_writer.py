"""Former name of the table loader, now :mod:`loaders.table_load` (orchestration),
:mod:`loaders.table_check`, :mod:`loaders.table_write` and :mod:`loaders.writer`.

Kept only because ``queries/registry.py`` still calls :func:`statements`; every loader
statement is now listed by :func:`loaders.statements.all_statements`. Delete this module
once the registry no longer imports it.
"""

from __future__ import annotations


def statements() -> dict[str, str]:
    """Nothing: :func:`loaders.statements.all_statements` lists the table loader's statements."""
    return {}
