"""spaCy without its named-entity recogniser gives Rasa the very same tokens, lemmas,
tags and vectors (nothing in config.yml reads spaCy's entities)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from addons import nlu
from addons.nlu import ORIGINAL_SPACY_LOAD, load_spacy_without_unused_pipes

ROOT = Path(__file__).resolve().parents[3]

READS_SPACY_ENTITIES = {"SpacyEntityExtractor"}


def training_texts(limit_per_file: int = 12) -> list[str]:
    texts: list[str] = []
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        blocks = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
        for block in blocks:
            if "intent" in block:
                lines = [line[2:] for line in block["examples"].splitlines() if line.strip()]
                texts += lines[:limit_per_file]
    return texts


def rasa_tokens(tokenizer: SpacyTokenizer, doc: object) -> list[tuple]:
    message = Message({TEXT: doc.text, SPACY_DOCS[TEXT]: doc})
    return [(t.text, t.start, t.lemma, t.data) for t in tokenizer.tokenize(message, TEXT)]


@pytest.fixture(scope="module")
def models() -> tuple:
    return ORIGINAL_SPACY_LOAD("fr_core_news_md"), load_spacy_without_unused_pipes(
        "fr_core_news_md"
    )


def test_no_configured_component_reads_spacys_entities() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = {step["name"].rsplit(".", 1)[-1] for step in config["pipeline"]}
    assert "SpacyNLP" in names
    assert not names & READS_SPACY_ENTITIES, "turn the NER back on (nlu.SPACY_PIPES_UNUSED)"


def test_the_entity_recogniser_is_off_and_the_rest_on(models: tuple) -> None:
    rasa_way, lean = models
    assert "ner" in rasa_way.model.pipe_names
    assert "ner" not in lean.model.pipe_names
    assert {"tok2vec", "morphologizer", "lemmatizer"} <= set(lean.model.pipe_names)


def test_tokens_lemmas_tags_and_vectors_are_identical(models: tuple) -> None:
    rasa_way, lean = models
    texts = [text.lower() for text in training_texts()]  # Rasa lower-cases (case_sensitive: false)
    assert len(texts) > 400
    tokenizer = SpacyTokenizer(SpacyTokenizer.get_default_config())
    for before, after in zip(rasa_way.model.pipe(texts), lean.model.pipe(texts), strict=True):
        assert [(t.text, t.lemma_, t.pos_, t.tag_, t.idx) for t in before] == [
            (t.text, t.lemma_, t.pos_, t.tag_, t.idx) for t in after
        ]
        assert np.array_equal(before.vector, after.vector)
        assert np.array_equal(
            np.array([t.vector for t in before]), np.array([t.vector for t in after])
        )
        assert rasa_tokens(tokenizer, before) == rasa_tokens(tokenizer, after)


def test_install_makes_rasas_loader_lean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SpacyNLP, "load_model", SpacyNLP.__dict__["load_model"])
    nlu.install()
    assert "ner" not in SpacyNLP.load_model("fr_core_news_md").model.pipe_names


def test_one_spacy_model_for_both_nodes_of_rasas_graph(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Rasa's graph creates SpacyNLP twice (provide_SpacyNLP, run_SpacyNLP): with the
    server's loader they share one model instead of loading fr_core_news_md twice."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    monkeypatch.setattr(SpacyNLP, "load_model", staticmethod(ORIGINAL_SPACY_LOAD))  # Rasa's
    monkeypatch.setattr(nlu, "_LOADED_SPACY", {})
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**SpacyNLP.get_default_config(), "model": "fr_core_news_md"}

    def node(name: str) -> SpacyNLP:
        return SpacyNLP.create(config, storage, Resource(name), context)

    assert node("provide").provide() is not node("run").provide()  # Rasa's own: two copies
    nlu.install()
    provide, run = node("provide"), node("run")
    assert provide.provide() is run.provide()
    assert "ner" not in provide.provide().model.pipe_names
    # and the shared model parses as Rasa's run node does with the model it is handed
    message = Message({TEXT: "je suis née à lyon"})
    run.process([message], provide.provide())
    assert [t.lemma_ for t in message.get(SPACY_DOCS[TEXT])] == [
        "je",
        "être",
        "naître",
        "à",
        "lyon",
    ]
