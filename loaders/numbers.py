"""Numbers and years as statistics tables write them, and the range the databases store.

A value cell may carry thousands separators (``16,549``), a flag after the number
(``123.4 p``: provisional; Eurostat's ``b``, ``u``, ``e``...) or be a missing-value
marker (``:``, ``..``, ``x``, ``c``...). Whole numbers beyond the 64-bit range
are refused: both databases would store them clamped or rounded without a word.

>>> parse_value("16,549"), parse_value("123.4 p"), parse_value(": c"), parse_value("..")
(16549.0, 123.4, None, None)
>>> parse_value("99999999999999999999999")
Traceback (most recent call last):
...
ValueError: '99999999999999999999999' is beyond the 64-bit integer range the database stores (-9223372036854775808..9223372036854775807)
>>> parse_year("2021/22")
2021

:func:`value_and_flags` also returns the flags, which a load keeps on the fact; a cell
of Eurostat flags alone (`` d``: definition differs, no number) is missing:

>>> value_and_flags("1543.6 b"), value_and_flags(" d"), value_and_flags(": u"), value_and_flags("7089")
((1543.6, 'b'), (None, 'd'), (None, 'u'), (7089.0, None))
"""

from __future__ import annotations

import math
import re

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MISSING = frozenset({"", ":", "..", "...", "-", "x", "X", "*", "c", "C", "na", "NA", "n/a", "N/A", ".", "z", "~"})
_FLAGGED = re.compile(r"^\s*(-?[\d,]*\.?\d+(?:[eE][-+]?\d+)?)\s*([a-z]{1,3})?\s*$")
_MISSING_FLAGGED = re.compile(r"^\s*:\s*[a-z]{0,3}\s*$")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_INTEGER = re.compile(r"^\s*[-+]?[\d,]+\s*[a-z]{0,3}\s*$")
#: Eurostat's flags (b break, c confidential, d definition differs, e estimated, f forecast, i see
#: metadata, n not significant, p provisional, r revised, s Eurostat estimate, u low reliability, z not applicable)
EUROSTAT_FLAGS = frozenset("bcdefinprsuz")
_FLAGS_ONLY = re.compile(r"^\s*:?\s*([a-z]{1,3})?\s*$")
_YEAR = re.compile(r"^\s*((?:18|19|20|21)\d\d)\b")


def int64_reason(value: int) -> str | None:
    """Why a whole number cannot be stored (``None`` if it can).

    >>> int64_reason(2**63 - 1) is None, int64_reason(2**63)[:40]
    (True, '9223372036854775808 is beyond the 64-bit')
    """
    if INT64_MIN <= value <= INT64_MAX:
        return None
    return f"{value} is beyond the 64-bit integer range the database stores ({INT64_MIN}..{INT64_MAX})"


def parse_value(text: str) -> float | None:
    """A number from a statistics cell; ``None`` for a missing-value marker; ``ValueError`` otherwise."""
    try:
        v = float(text)
    except ValueError:
        flagged = _flagged(text)
        if flagged is None:
            return None
        v = flagged
    if math.isnan(v):
        return None
    if math.isinf(v):
        raise ValueError(f"{text!r} is not a finite number")
    if abs(v) >= 9.2e18 and _INTEGER.match(text) and int64_reason(int(re.sub(r"[^0-9-]", "", text))):
        raise ValueError(
            f"{text.strip()!r} is beyond the 64-bit integer range the database stores ({INT64_MIN}..{INT64_MAX})"
        )
    return v


def _flagged(text: str) -> float | None:
    """A number with thousands separators and/or a flag, or ``None`` for a missing-value marker."""
    s = text.strip().strip('"')
    if s in MISSING or _MISSING_FLAGGED.match(s):
        return None
    m = _FLAGGED.match(s)
    if not m:
        raise ValueError(f"{text!r} is not a number") from None
    num = m.group(1)
    if "," in num and not _THOUSANDS.fullmatch(num):
        raise ValueError(f"{text!r} is not a number (commas only as thousands separators)") from None
    return float(num.replace(",", ""))


def parse_year(text: str) -> int:
    m = _YEAR.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a year")
    return int(m.group(1))


def value_and_flags(text: str) -> tuple[float | None, str | None]:
    """The value of a cell (``None``: missing) and the flag letters after it (``None``: none).

    Raises ``ValueError`` as :func:`parse_value` does for a cell that is no number.
    """
    try:
        v = float(text)
    except ValueError:
        pass
    else:
        if not (math.isnan(v) or math.isinf(v) or abs(v) >= 9.2e18):
            return v, None
    m = _FLAGS_ONLY.match(text)
    if m and m.group(1) and set(m.group(1)) <= EUROSTAT_FLAGS:
        return None, m.group(1)
    value = parse_value(text)
    f = _FLAGGED.match(text.strip().strip('"'))
    flags = f.group(2) if f else None
    if value is None:
        m = _MISSING_FLAGGED.match(text)
        flags = text.strip()[1:].strip() or None if m else None
    return value, flags
