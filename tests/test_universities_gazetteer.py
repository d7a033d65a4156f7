"""The bundled world university list (``loaders/reference/universities.csv.gz``, read by
``rox.loaders.documents.universities``): what it holds, and that it is what
``scripts/make_universities.py`` makes from Hipo's list in ``../shared``."""

from __future__ import annotations

import gzip
import importlib.util
from importlib import resources

from support import ROOT, shared_path

from rox.loaders.documents.universities import University, world_universities

BUNDLED = ROOT / "loaders" / "reference" / "universities.csv.gz"


def load_script():
    spec = importlib.util.spec_from_file_location("make_universities", ROOT / "scripts" / "make_universities.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bundled_file_is_what_the_script_makes_from_shared():
    source = shared_path("data", "hipo-university-domains", "world_universities_and_domains.json")
    built = load_script().build(source)
    assert gzip.decompress(built) == gzip.decompress(BUNDLED.read_bytes())


def test_the_seeds_universities_are_there_with_their_countries():
    by_name = {(u.name, u.country): u for u in world_universities()}
    assert by_name[("University of Derby", "GB")] == University("University of Derby", "GB", "derby.ac.uk", None)
    assert by_name[("Hefei University of Technology", "CN")].domain == "hfut.edu.cn"
    assert by_name[("University of Science and Technology of China", "CN")].domain == "ustc.edu.cn"
    assert by_name[("Indian Institute of Technology, Bombay", "IN")].state_province == "Maharashtra"


def test_one_row_per_name_and_country_sorted_by_country_then_name():
    unis = world_universities()
    keys = [(u.country, u.name) for u in unis]
    assert len(unis) > 10_000
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert all(len(u.country) == 2 and u.country.isupper() and u.name and u.domain for u in unis)
    assert all(u.state_province is None or u.state_province.strip() == u.state_province != "" for u in unis)


def test_it_is_read_once_through_the_package_resources():
    assert world_universities() is world_universities()
    packaged = resources.files("rox.loaders").joinpath("reference", "universities.csv.gz")
    assert packaged.read_bytes() == BUNDLED.read_bytes()
    assert (ROOT / "loaders" / "reference" / "universities.PROVENANCE.md").read_text().count(
        "Copyright (c) 2014-2025 Hipo"
    ) == 1
