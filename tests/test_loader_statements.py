"""Every Cypher text the loaders send is listed in one place (so the Neo4j linter sees it), and
none uses ``id()`` (deprecated on Neo4j 5): nodes are found by rox's own ids."""

from __future__ import annotations

import re

from rox.loaders import claims, rollback, statements, table_write


def test_one_list_holds_every_loader_statement():
    listed = set(statements.all_statements().values())
    for module in (table_write, rollback):
        assert set(module.statements().values()) <= listed, module.__name__
    assert claims.REGION_CODES in listed
    assert {table_write.HAS_SECTOR, table_write.CREATE_HAS_SECTOR, rollback.RESTORE_MARKED} <= listed


def test_no_loader_statement_uses_internal_ids():
    offenders = {
        name: text for name, text in statements.all_statements().items() if re.search(r"(?i)\b(element)?id\s*\(", text)
    }
    assert offenders == {}
