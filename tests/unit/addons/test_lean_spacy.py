"""spaCy without the components nothing reads (addons/nlu.py, SPACY_PIPES_UNUSED) gives
Rasa's configured featurizers the very same features."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.featurizers.dense_featurizer.spacy_featurizer import SpacyFeaturizer
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.featurizers.sparse_featurizer.lexical_syntactic_featurizer import (
    LexicalSyntacticFeaturizer,
)
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons import nlu
from addons.nlu import ORIGINAL_SPACY_LOAD, SPACY_PIPES_UNUSED, load_spacy_without_unused_pipes

ROOT = Path(__file__).resolve().parents[3]

# What each component of config.yml's pipeline reads from spaCy's parse. A component not
# listed here fails the first test: check what it reads before adding it.
READS_TOKENS_AND_VECTORS_ONLY = {
    "FrenchTextNormalizer",  # before spaCy
    "SpacyNLP",
    "SpacyTokenizer",  # tokens; it passes lemmas and tags on, the checks below read neither
    "SpacyFeaturizer",  # static vectors
    "RegexFeaturizer",  # tokens' text
    "FastLoadingDIETClassifier",  # features
    "EntitySynonymMapper",
    "FallbackClassifier",
    "ForeignScriptFallback",  # the text
    "NIRExtractor",  # the text
}
CHECKED = {"CountVectorsFeaturizer", "LexicalSyntacticFeaturizer"}  # by their options


def pipeline() -> list[dict[str, Any]]:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    return config["pipeline"]


def short_name(step: dict[str, Any]) -> str:
    return step["name"].rsplit(".", 1)[-1]


def steps(name: str) -> list[dict[str, Any]]:
    return [step for step in pipeline() if short_name(step) == name]


def test_no_configured_component_reads_what_the_lean_spacy_leaves_out() -> None:
    names = {short_name(step) for step in pipeline()}
    assert "SpacyNLP" in names and names >= CHECKED
    assert names <= READS_TOKENS_AND_VECTORS_ONLY | CHECKED, (
        "a component that may read spaCy's lemmas, tags or entities: check it "
        "(nlu.SPACY_PIPES_UNUSED)"
    )
    for step in steps("CountVectorsFeaturizer"):
        assert step.get("use_lemma") is False, "Rasa's default counts lemmas"
    for step in steps("LexicalSyntacticFeaturizer"):
        features = (
            step.get("features") or LexicalSyntacticFeaturizer.get_default_config()["features"]
        )
        read = {name for window in features for name in window}
        assert not read & {"pos", "pos2"}, "part-of-speech tags need the morphologizer"


@pytest.fixture(scope="module")
def models() -> tuple:
    return ORIGINAL_SPACY_LOAD("fr_core_news_md"), load_spacy_without_unused_pipes(
        "fr_core_news_md"
    )


def test_the_unused_components_are_not_even_loaded(models: tuple) -> None:
    rasa_way, lean = models
    assert {"tok2vec", "morphologizer", "lemmatizer", "ner"} <= set(rasa_way.model.pipe_names)
    assert lean.model.component_names == []  # none loaded, not only switched off
    assert set(SPACY_PIPES_UNUSED) == set(rasa_way.model.component_names)


def training_data() -> TrainingData:
    data = load_data(str(ROOT / "data" / "nlu"))
    examples = data.intent_examples
    assert len(examples) > 4000
    assert data.lookup_tables
    return TrainingData(
        [Message(data={TEXT: m.get(TEXT)}) for m in examples[::4]],
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
    )


def configured(cls: type, step: dict[str, Any]) -> dict[str, Any]:
    """A component's configuration as Rasa builds it from a step of config.yml."""
    return {**cls.get_default_config(), **{k: v for k, v in step.items() if k != "name"}}


def featurized(spacy_model: Any, trained: list[Any], texts: list[str]) -> list[Message]:
    """The messages as Rasa's prediction graph featurizes them with ``spacy_model``."""
    spacy_nlp = SpacyNLP(spacy_model, configured(SpacyNLP, steps("SpacyNLP")[0]))
    messages = spacy_nlp.process([Message(data={TEXT: text}) for text in texts], spacy_model)
    for component in trained:
        messages = component.process(messages)
    return messages


def test_the_configured_featurizers_give_the_same_features(models: tuple, tmp_path: Path) -> None:
    rasa_way, lean = models
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")

    def create(cls: type, step: dict[str, Any], index: int) -> Any:
        config = configured(cls, step)
        return cls.create(config, storage, Resource(f"{cls.__name__}{index}"), context)

    data = training_data()
    spacy_config = configured(SpacyNLP, steps("SpacyNLP")[0])
    SpacyNLP(rasa_way, spacy_config).process_training_data(data, rasa_way)
    trained: list[Any] = []
    for index, step in enumerate(pipeline()):
        cls = {
            "SpacyTokenizer": SpacyTokenizer,
            "SpacyFeaturizer": SpacyFeaturizer,
            "RegexFeaturizer": RegexFeaturizer,
            "LexicalSyntacticFeaturizer": LexicalSyntacticFeaturizer,
            "CountVectorsFeaturizer": CountVectorsFeaturizer,
        }.get(short_name(step))
        if cls is None:
            continue
        component = create(cls, step, index)
        if hasattr(component, "train"):
            component.train(data)
        component.process_training_data(data)
        trained.append(component)
    assert len(trained) == 6

    texts = [m.get(TEXT) for m in load_data(str(ROOT / "tests" / "nlu_real")).intent_examples]
    texts += ["Je suis NÉE à l'étranger, mon n° de sécu ???", "j'ai perdu ma carte vitale"]
    assert len(texts) > 400
    before, after = featurized(rasa_way, trained, texts), featurized(lean, trained, texts)
    for old, new in zip(before, after, strict=True):
        assert [(t.text, t.start, t.end) for t in old.get("text_tokens")] == [
            (t.text, t.start, t.end) for t in new.get("text_tokens")
        ]
        # spaCy's vectors, the count vectorisers' and the regexes' for the sequence and the
        # sentence, the lexical features for the sequence
        assert len(old.features) == len(new.features) == 9
        for one, other in zip(old.features, new.features, strict=True):
            assert (one.type, one.origin, one.attribute) == (
                other.type,
                other.origin,
                other.attribute,
            )
            if one.is_sparse():
                assert (one.features != other.features).nnz == 0
            else:
                assert np.array_equal(one.features, other.features)
        assert old.get(SPACY_DOCS[TEXT]).text == new.get(SPACY_DOCS[TEXT]).text


def test_install_makes_rasas_loader_lean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SpacyNLP, "load_model", SpacyNLP.__dict__["load_model"])
    monkeypatch.setattr(nlu, "_LOADED_SPACY", {})
    nlu.install()
    assert SpacyNLP.load_model("fr_core_news_md").model.pipe_names == []


def test_a_model_that_is_not_installed_gets_rasas_message() -> None:
    from rasa.nlu.model import InvalidModelError

    with pytest.raises(InvalidModelError, match="fr_pas_installe"):
        load_spacy_without_unused_pipes("fr_pas_installe")


def test_one_spacy_model_for_both_nodes_of_rasas_graph(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Rasa's graph creates SpacyNLP twice (provide_SpacyNLP, run_SpacyNLP): with the
    server's loader they share one model instead of loading fr_core_news_md twice."""
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
    assert provide.provide().model.pipe_names == []
    # and the shared model parses as Rasa's run node does with the model it is handed
    message = Message({TEXT: "je suis née à lyon"})
    run.process([message], provide.provide())
    doc = message.get(SPACY_DOCS[TEXT])
    assert [t.text for t in doc] == ["je", "suis", "née", "à", "lyon"]
    assert doc[2].has_vector and doc.vector.shape == (300,)
