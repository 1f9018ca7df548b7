"""Adding a reviewed message to the training data (review/annotate.py): the refusals, and
a file that stays valid Rasa NLU data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from review.annotate import (
    HEADER,
    Added,
    Annotator,
    Corpus,
    Refusal,
    clean,
    examples_in,
    plain_text,
    suggested_example,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The project's domain, a training folder of two small files and a held-out folder
    written for the test (the real held-out sets are only compared with, never read)."""
    training = tmp_path / "nlu"
    (training / "en").mkdir(parents=True)
    (training / "contact.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: contact\n  examples: |\n'
        "    - quel est le numéro de ma CPAM\n"
        "    - la caisse de [Lyon](city) svp\n"
        '    - je vis à [Évry]{"entity": "city", "value": "Evry"}, quelle caisse ?\n'
        "- synonym: etudiant\n  examples: |\n    - étudiante\n"
    )
    (training / "en" / "contact_en.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: contact\n  examples: |\n    - which office handles me\n'
    )
    held_out = tmp_path / "heldout"
    held_out.mkdir()
    (held_out / "test.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: lost_number\n  examples: |\n'
        "    - j'ai égaré mon numéro de sécu depuis le déménagement\n"
    )
    target = training / "review.yml"
    return Corpus(ROOT / "domain.yml", (training, target), (held_out,), target)


def test_the_projects_corpus_is_where_the_project_keeps_it(tmp_path: Path) -> None:
    corpus = Corpus.of_project(tmp_path / "review.yml")
    assert corpus.domain == ROOT / "domain.yml"
    assert corpus.training == (ROOT / "data" / "nlu", tmp_path / "review.yml")
    assert [p.relative_to(ROOT).as_posix() for p in corpus.held_out] == [
        "tests/nlu",
        "tests/nlu_real",
        "tests/nlu_en",
    ]


def test_a_new_example_is_appended_as_rasa_nlu_data(corpus: Corpus) -> None:
    annotator = Annotator(corpus)
    added = annotator.add("contact", "c koi le num de la [cpam](city) de [Lyon](city)  ")
    assert added == Added(
        "contact", "c koi le num de la [cpam](city) de [Lyon](city)", corpus.target
    )
    data = yaml.safe_load(corpus.target.read_text(encoding="utf-8"))
    assert data == {
        "version": "3.1",
        "nlu": [
            {"intent": "contact", "examples": "- c koi le num de la [cpam](city) de [Lyon](city)\n"}
        ],
    }
    assert annotator.add("human_handoff", "passe moi un humain #direct: svp") == Added(
        "human_handoff", "passe moi un humain #direct: svp", corpus.target
    )
    data = yaml.safe_load(corpus.target.read_text(encoding="utf-8"))
    assert [item["intent"] for item in data["nlu"]] == ["contact", "human_handoff"]
    assert list(examples_in(corpus.target))[-1] == "passe moi un humain #direct: svp"


def test_a_second_identical_annotation_is_refused(corpus: Corpus) -> None:
    annotator = Annotator(corpus)
    assert isinstance(annotator.add("contact", "c koi le num de la cpam"), Added)
    before = corpus.target.read_text()
    refused = annotator.add("contact", "C'KOI le num de la CPAM ?")
    assert refused == Refusal("training", "review.yml")
    assert corpus.target.read_text() == before


@pytest.mark.parametrize(
    "text",
    [
        "Quel est le numero de ma cpam",  # case and accents
        "la caisse de Lyon svp",  # without the markup
        "la caisse de [Lyon](department) svp",  # another markup
        "je vis a evry, quelle caisse",
        "which office handles me",  # the English data is training data too
    ],
)
def test_a_copy_of_a_training_example_is_refused(corpus: Corpus, text: str) -> None:
    refused = Annotator(corpus).add("contact", text)
    assert isinstance(refused, Refusal) and refused.reason == "training"
    assert not corpus.target.exists()


def test_a_copy_of_a_held_out_example_is_refused_without_showing_it(corpus: Corpus) -> None:
    refused = Annotator(corpus).add(
        "lost_number", "J'ai égaré mon numero de secu, depuis le demenagement"
    )
    assert refused == Refusal("held_out", "")
    assert not corpus.target.exists()


@pytest.mark.parametrize(
    ("intent", "text", "reason"),
    [
        ("no_such_intent", "bonjour à tous", "unknown_intent"),
        ("", "bonjour à tous", "unknown_intent"),
        ("nlu_fallback", "bonjour à tous", "unknown_intent"),
        ("check_nir", "mon numéro 2 69 05 49 588 157 80 est-il bon", "nir"),
        ("check_nir", "269054958815780 c bon ?", "nir"),
        ("book_appointment", "rappelez moi au 06 12 34 56 78", "phone"),
        ("book_appointment", "rappelez moi au +33612345678", "phone"),
        ("check_nir", "mon numéro 2 69 05 •• ••• ••• •• est-il bon", "masked"),
        ("inform", "j'habite à [Lyon](ville)", "unknown_entity"),
        ("inform", 'j\'habite à [Lyon]{"entity": "ville"}', "unknown_entity"),
        ("inform", "j'habite à [Lyon]{entity: city}", "markup"),
        ("inform", "j'habite à [Lyon](city", "markup"),
        ("inform", "  \n ", "empty"),
        ("inform", "?!", "empty"),
    ],
)
def test_refusals(corpus: Corpus, intent: str, text: str, reason: str) -> None:
    refused = Annotator(corpus).add(intent, text)
    assert isinstance(refused, Refusal) and refused.reason == reason
    assert not corpus.target.exists()


def test_the_file_is_appended_to_not_rewritten(corpus: Corpus) -> None:
    corpus.target.write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - yo la team'
    )
    assert isinstance(Annotator(corpus).add("thank", "merci bcp la team"), Added)
    text = corpus.target.read_text()
    assert text.startswith(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - yo la team\n'
    )
    assert list(examples_in(corpus.target)) == ["yo la team", "merci bcp la team"]


def test_a_file_that_cannot_take_one_more_block_is_left_as_it_was(corpus: Corpus) -> None:
    hand_edited = 'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - yo\nresponses: {}\n'
    corpus.target.write_text(hand_edited)
    with pytest.raises(ValueError, match="could not be appended"):
        Annotator(corpus).add("thank", "merci bcp la team")
    assert corpus.target.read_text() == hand_edited


def test_a_new_file_starts_with_rasas_header(corpus: Corpus) -> None:
    Annotator(corpus).add("thank", "merci bcp la team")
    assert corpus.target.read_text().startswith(HEADER)


def test_examples_are_one_clean_line() -> None:
    assert clean("  merci\n\tbeaucoup\x00 !\ufeff ") == "merci beaucoup !"
    assert plain_text('[a](b) [c]{"entity": "d"} [e](f:g)') == "a c e"


def test_the_domain_lists_intents_and_entities(corpus: Corpus) -> None:
    intents, entities = Annotator(corpus).domain()
    assert "lost_number" in intents and "nlu_fallback" not in intents and intents == sorted(intents)
    assert {"city", "department", "status"} <= set(entities)


def test_the_suggested_example_marks_the_models_entities() -> None:
    entities = [
        {"entity": "status", "value": "etudiant", "start": 8, "end": 17, "span": "étudiante"},
        {"entity": "city", "value": "Lyon", "start": 20, "end": 24, "span": "Lyon"},
        {"entity": "nir", "value": "x", "start": 0, "end": 2, "span": "je"},
        {"entity": "city", "value": "Paris", "start": 30, "end": 35, "span": "Lille"},  # moved
    ]
    suggested = suggested_example("je suis étudiante à Lyon", entities)
    assert (
        suggested == 'je suis [étudiante]{"entity": "status", "value": "etudiant"} à [Lyon](city)'
    )
    assert plain_text(suggested) == "je suis étudiante à Lyon"


def test_a_text_in_another_script_is_no_empty_text_and_is_told_apart(corpus: Corpus) -> None:
    """fold() keeps Latin letters and digits only: a Chinese message is not empty, and
    two different ones are two examples."""
    annotator = Annotator(corpus)
    assert isinstance(annotator.add("greet", "你好请问"), Added)
    assert isinstance(annotator.add("greet", "我的卡丢了"), Added)
    assert annotator.add("greet", "你好请问") == Refusal("training", "review.yml")
