"""addons/parsed_once.py: Rasa's importer reads the same data with its files parsed once,
and each reader gets data of its own."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rasa.shared.importers.rasa import RasaFileImporter
from rasa.shared.nlu.training_data import loading

from addons import parsed_once

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Rasa's parser of one file counting the files it parses, under the add-on."""
    seen: list[str] = []
    rasa_parse = loading._load

    def counting(filename: str, language: str | None = "en") -> object:
        seen.append(Path(filename).name)
        return rasa_parse(filename, language)

    monkeypatch.setattr(loading, "_load", counting)
    assert parsed_once.install()
    yield seen
    parsed_once.uninstall()
    assert loading._load is counting


def read(folder: Path, language: str = "fr") -> object:
    return RasaFileImporter(training_data_paths=[str(folder)]).get_nlu_data(language)


def test_the_project_data_is_read_as_rasa_reads_it_each_file_parsed_once(
    parses: list[str],
) -> None:
    parsed_once.uninstall()  # Rasa's own reading first
    rasa_data = read(ROOT / "data" / "nlu")
    files = len(parses)
    assert parsed_once.install()
    # Rasa asks with the pipeline's language and with its default: the YAML is the same
    first, second = read(ROOT / "data" / "nlu"), read(ROOT / "data" / "nlu", "en")
    assert len(parses) == 2 * files  # the second reading parsed nothing
    assert first.fingerprint() == second.fingerprint() == rasa_data.fingerprint()
    assert len(first.training_examples) == len(rasa_data.training_examples) > 5000
    assert first.entity_synonyms == rasa_data.entity_synonyms
    assert [t["name"] for t in first.lookup_tables] == [t["name"] for t in rasa_data.lookup_tables]


def test_a_reader_changing_its_data_changes_no_one_elses(parses: list[str], tmp_path: Path) -> None:
    shutil.copy(ROOT / "data" / "nlu" / "lost_number.yml", tmp_path / "lost_number.yml")
    first = read(tmp_path)
    examples = len(first.training_examples)
    first.training_examples[0].set("text", "changed by the first reader")
    first.training_examples.clear()
    second = read(tmp_path)
    assert parses == ["lost_number.yml"]
    assert len(second.training_examples) == examples > 50
    assert "changed by the first reader" not in {m.get("text") for m in second.training_examples}


def test_a_file_changed_on_disk_is_parsed_again(parses: list[str], tmp_path: Path) -> None:
    data = tmp_path / "greet.yml"
    data.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - bonjour\n')
    assert [m.get("text") for m in read(tmp_path).training_examples] == ["bonjour"]
    data.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - bonjour\n    - salut\n'
    )
    os.utime(data, ns=(1, 1))  # another modification time, even within the clock's tick
    assert [m.get("text") for m in read(tmp_path).training_examples] == ["bonjour", "salut"]
    assert parses == ["greet.yml", "greet.yml"]
    assert not parsed_once.install()  # installed once only
