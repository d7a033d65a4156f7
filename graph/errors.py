"""rox's own exceptions, raised at the boundary so callers never see driver types.

Both stores translate their driver's errors into these classes, so the CLI and the
app handle one family of errors whatever the engine (the pattern of
neo4j-graphrag-python: errors translated at the boundary).

Exit codes used by the CLI: ``UsageError`` -> 2, other ``RoxError`` -> 1.
"""

from __future__ import annotations

from dataclasses import dataclass


class RoxError(Exception):
    """Base class of every error rox raises on purpose."""


class UsageError(RoxError):
    """The request itself is malformed (missing parameter, option that does not apply);
    the CLI exits 2 for these, as for argparse's own usage errors."""


class StoreUnavailable(RoxError):
    """The database cannot be reached or started; the message says which setting to check."""


class NotARoxDatabase(StoreUnavailable):
    """``--db`` / ``ROX_DB`` names something that is not a rox database (a text file,
    a folder...); it is refused before anything is written, so the file is untouched."""


class DamagedStore(StoreUnavailable):
    """The embedded database's append-only log is shorter than, or different from,
    what was last written, or no longer parses; opening it would silently lose data.
    ``report`` holds the :class:`rox.graph.logcheck.StoreReport` that found it."""

    def __init__(self, message: str, report: object = None):
        super().__init__(message)
        self.report = report


class ServerBusy(RoxError):
    """The embedded server is in use by other processes and was not stopped."""


class QueryError(RoxError):
    """The database rejected a query (syntax, semantics, runtime)."""


class ReadOnlyViolation(QueryError):
    """A write was attempted through a read-only entry point (``rox cypher``, the console)."""


class QueryTimeout(QueryError):
    """A query ran past its time limit."""


class ResourceLimit(QueryError):
    """A query or write was stopped by a memory bound (the per-query memory of
    ``ROX_QUERY_MEMORY_MB`` or the server's ``ROX_MAXMEMORY_MB``); the server lives on."""


class QueryRefused(QueryError):
    """A console query was refused before it ran: it cannot be given a row cap, or it
    would build a list larger than the per-query memory bound."""


class NotFound(RoxError):
    """A named thing (query, region, node) does not exist."""


class AmbiguousName(RoxError):
    """A name matches several regions; the message lists the candidates."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]):
        self.name = name
        self.candidates = candidates
        listed = ", ".join(f"{cid} ({cname})" for cid, cname in candidates)
        super().__init__(f"region name {name!r} is ambiguous: {listed}; give an id instead")


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem: where (file, line or record), which field, and why."""

    file: str
    line: int | None
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.field}: {self.reason}"


class ValidationFailed(RoxError):
    """Input files failed validation; nothing was written. Lists every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field, p.reason))
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found; nothing was written"
        super().__init__(head + "\n" + "\n".join(str(p) for p in self.problems))
