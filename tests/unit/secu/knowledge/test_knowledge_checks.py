"""The loader's checks (secu.knowledge.checks and the readers): inconsistent content is
refused with every problem named, before any database is touched."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from secu.knowledge.checks import KnowledgeError, read_file
from secu.knowledge.loader import read_content
from secu.status import STATUSES
from secu.text import read_merged

ROOT = Path(__file__).resolve().parents[4]
KNOWLEDGE = ROOT / "data" / "knowledge"
GEO = ROOT / "data" / "geo"

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
PROCEDURES: list[dict[str, Any]] = read_merged(KNOWLEDGE, "procedures")["procedures"]


def copy_content(folder: Path) -> None:
    """The content, each kind in one file (``procedures.yml`` rather than the folder of a
    file per topic: the loader reads both), for a test to edit."""
    shutil.copytree(KNOWLEDGE, folder, dirs_exist_ok=True)
    for kind in ("procedures", "situations", "sources"):
        merged = read_merged(folder, kind)
        shutil.rmtree(folder / kind, ignore_errors=True)
        text = yaml.dump(merged, Dumper=DUMPER, allow_unicode=True, sort_keys=False)
        (folder / f"{kind}.yml").write_text(text, encoding="utf-8")


def _department_codes() -> list[str]:
    with (GEO / "departments.csv").open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def _edit(folder: Path, name: str, change: Callable[[Any], None]) -> None:
    path = folder / name
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
    change(data)
    text = yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")


def _procedure(data: Any, pid: str) -> dict[str, Any]:
    return next(p for p in data["procedures"] if p["id"] == pid)


def _organism(data: Any, key: str) -> dict[str, Any]:
    return next(o for o in data["organisms"] if o["key"] == key)


BROKEN_CONTENT: dict[str, tuple[str, Callable[[Any], None], str]] = {
    "unknown source": (
        "procedures.yml",
        lambda d: _procedure(d, "farmer")["sources"].append("nowhere"),
        "unknown source 'nowhere'",
    ),
    "http link": (
        "procedures.yml",
        lambda d: _procedure(d, "farmer")["links"].append(
            {"title": "x", "url": "http://www.msa.fr"}
        ),
        "not an https URL",
    ),
    "unofficial link": (
        "procedures.yml",
        lambda d: _procedure(d, "farmer")["links"].append(
            {"title": "x", "url": "https://ameli.fr.example.com"}
        ),
        "outside the official sites",
    ),
    "duplicate id": (
        "procedures.yml",
        lambda d: d["procedures"].append(dict(_procedure(d, "farmer"))),
        "duplicate id",
    ),
    "missing date": (
        "procedures.yml",
        lambda d: _procedure(d, "farmer").update(checked_on="soon"),
        "'checked_on' must be a date",
    ),
    "two defaults": (
        "procedures.yml",
        lambda d: _procedure(d, "lost_number_no_document").update(default=True),
        "already has a default",
    ),
    "department left out": (
        "local_bodies.yml",
        lambda d: d["rules"][0].update(departments=["01-19", "2A", "2B", "21-94"]),
        "department 95 has no local body",
    ),
    "department twice": (
        "local_bodies.yml",
        lambda d: d["rules"][1].update(departments=["971-974", "33"]),
        "department 33 already has a body",
    ),
    "unknown phone": (
        "local_bodies.yml",
        lambda d: d["rules"][0]["phones"].append("am_0800"),
        "unknown phone 'am_0800'",
    ),
    "unknown procedure": (
        "statuses.yml",
        lambda d: d["statuses"]["marin"].update(procedure="fisherman"),
        "unknown procedure 'fisherman'",
    ),
    "unknown organism kind": (
        "statuses.yml",
        lambda d: d["statuses"]["marin"].update(organism="rsi"),
        "no organism of kind 'rsi'",
    ),
    # The cases below were added when the loader was split into checks and readers.
    "links not a list": (
        "procedures.yml",
        lambda d: _procedure(d, "farmer").update(links="https://www.msa.fr"),
        "procedures.yml farmer: 'links' must be a list",
    ),
    "id not snake_case": (
        "procedures.yml",
        lambda d: _procedure(d, "farmer").update(id="Farmer"),
        "procedures.yml Farmer: 'id' must be snake_case",
    ),
    "situation of another topic": (
        "procedures.yml",
        lambda d: _procedure(d, "farmer").update(situations=["detache"]),
        "situation 'detache' is not one of topic 'organism'",
    ),
    "phones not a list": (
        "organisms.yml",
        lambda d: _organism(d, "msa").update(phones=None),
        "organisms.yml msa: 'phones' must be a list (empty when none)",
    ),
    "phone without from_abroad": (
        "organisms.yml",
        lambda d: _organism(d, "cssm")["phones"][0].pop("from_abroad"),
        "organisms.yml cssm phone cssm_local: 'from_abroad' must be true or false",
    ),
    "two phones share a key": (
        "organisms.yml",
        lambda d: _organism(d, "cssm")["phones"][0].update(key="am_3646"),
        "two phones share a key",
    ),
    "unknown organism": (
        "local_bodies.yml",
        lambda d: d["rules"][2].update(organism="cssm_976"),
        "local_bodies.yml rule 3 (cssm): unknown organism 'cssm_976'",
    ),
    "bad pattern placeholder": (
        "local_bodies.yml",
        lambda d: d["rules"][0].update(name="CPAM {of_the_department}"),
        "local_bodies.yml rule 1 (cpam): bad pattern placeholder 'of_the_department'",
    ),
    "note for an unknown department": (
        "local_bodies.yml",
        lambda d: d["notes"].update({"20": "la Corse"}),
        "note for an unknown department 20",
    ),
}


@pytest.mark.parametrize("case", BROKEN_CONTENT, ids=str)
def test_the_loader_rejects_inconsistent_content(
    case: str, tmp_path: Path, small_geo: Path
) -> None:
    copy_content(tmp_path)
    file_name, change, message = BROKEN_CONTENT[case]
    _edit(tmp_path, file_name, change)
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        read_content(tmp_path, small_geo)


def test_the_loader_accepts_the_real_content(small_geo: Path) -> None:
    content = read_content(KNOWLEDGE, small_geo)
    assert content.counts["procedures"] == len(PROCEDURES)
    assert content.counts["local_bodies"] == len(_department_codes())
    assert content.counts["status_rules"] == len(STATUSES)


def test_every_problem_is_reported_at_once(tmp_path: Path, small_geo: Path) -> None:
    copy_content(tmp_path)
    _edit(tmp_path, "procedures.yml", BROKEN_CONTENT["unknown source"][1])
    _edit(tmp_path, "statuses.yml", BROKEN_CONTENT["unknown procedure"][1])
    with pytest.raises(KnowledgeError) as raised:
        read_content(tmp_path, small_geo)
    assert str(raised.value).splitlines() == [
        "invalid knowledge content:",
        "- procedures.yml farmer: unknown source 'nowhere'",
        "- statuses.yml marin: unknown procedure 'fisherman'",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [("procedures: [", "procedures.yml: not valid YAML"), ("- a list", "a mapping is expected")],
)
def test_a_file_that_is_not_a_yaml_mapping_is_a_knowledge_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "procedures.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        read_file(path)
