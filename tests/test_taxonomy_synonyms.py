"""The sector synonyms of graph/taxonomy.yaml, with which `rox extract` finds sectors in text."""

from __future__ import annotations

import pytest

from rox.graph import taxonomy as tx


def test_every_sector_has_synonyms_or_says_why():
    for s in tx.sectors():
        assert s.synonyms or s.synonyms_note, f"{s.id}: no synonyms and no synonyms_note"


def test_no_synonym_is_claimed_by_two_sectors():
    seen: dict[tuple[str, ...], str] = {}
    for s in tx.sectors():
        for phrase in s.synonyms:
            key = tx.synonym_key(phrase)
            assert seen.setdefault(key, s.id) == s.id, f"{phrase!r}: {seen[key]} and {s.id}"
    assert len(tx.synonyms()) == len(seen)


def test_a_second_claim_is_refused():
    a = tx.Sector.from_dict({"id": "a", "name": "A", "synonyms": ["rolling stock"]})
    b = tx.Sector.from_dict({"id": "b", "name": "B", "synonyms": ["Rolling-Stock"]})
    with pytest.raises(ValueError, match="claimed by 'a' and 'b'"):
        tx.build_synonyms([a, b])


@pytest.mark.parametrize(
    "phrase,sector",
    [
        ("railway", "rail"), ("rolling stock", "rail"), ("trains", "rail"), ("coaches", "rail"),
        ("carmaker", "automotive"), ("car plant", "automotive"), ("commercial vehicles", "automotive"),
        ("EV", "electric-vehicles"), ("battery cells", "electric-vehicles"),
        ("aircraft", "aerospace"), ("aero-engines", "aerospace"), ("aero engines", "aerospace"),
        ("software", "tech"), ("digital", "tech"), ("connected cars", "tech"),
        ("high speed rail", "logistics"), ("universities", "higher-education"), ("science", "research"),
    ],
)  # fmt: skip
def test_the_issues_examples(phrase, sector):
    assert tx.synonyms()[tx.synonym_key(phrase)] == sector


def test_synonyms_are_specific_words():
    generic = {("industry",), ("services",), ("government",), ("innovation",), ("business",), ("cement",)}
    assert not generic & set(tx.synonyms())
