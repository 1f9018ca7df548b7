"""data/knowledge/situations.yml: every topic's question, reply and button leads somewhere,
and the words people type pick the right situation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from secu.content import answers
from secu.dialogue.topics import get_situations, parse_situations
from secu.text import fold, keyword_pattern, read_merged

KNOWLEDGE = Path(__file__).resolve().parents[3] / "data" / "knowledge"
PROCEDURES = read_merged(KNOWLEDGE, "procedures")["procedures"]
INTENTS = set(
    yaml.safe_load((KNOWLEDGE.parents[1] / "domain.yml").read_text(encoding="utf-8"))["intents"]
)
SITUATIONS = get_situations()
PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")


def payload_situation(payload: str) -> str | None:
    match = PAYLOAD.match(payload)
    assert match, payload
    assert match.group(1) in INTENTS, payload
    return json.loads(match.group(2)).get("situation") if match.group(2) else None


def test_every_topic_is_an_intent_with_procedures() -> None:
    topics_with_records = {p["topic"] for p in PROCEDURES}
    for name in SITUATIONS.topics:
        assert name in INTENTS
        assert name in topics_with_records


def test_every_situation_picks_exactly_one_procedure_of_its_topic() -> None:
    for name, situation in SITUATIONS.situations.items():
        records = [p["id"] for p in PROCEDURES if name in (p.get("situations") or [])]
        assert len(records) == 1, (name, records)
        (record,) = [p for p in PROCEDURES if p["id"] == records[0]]
        assert record["topic"] == situation.topic
        assert situation.patterns, f"{name} has no keyword"


def test_every_procedure_of_a_topic_can_be_reached() -> None:
    """Default, a status or a situation: no record is shown to nobody."""
    for record in PROCEDURES:
        if record["topic"] not in SITUATIONS.topics:
            continue
        assert record.get("default") or record.get("statuses") or record.get("situations"), record[
            "id"
        ]


def test_questions_replies_and_buttons_lead_somewhere() -> None:
    known = answers()
    for topic in SITUATIONS.topics.values():
        buttons = list(topic.buttons)
        if topic.question:
            assert topic.question in known
            buttons += [b.as_dict() for b in known[topic.question].buttons]
            assert known[topic.question].buttons, "a question offers its answers as buttons"
        for reply in (topic.affirm, topic.deny):
            if reply is None:
                continue
            assert topic.question, "a yes/no reply needs a question"
            if reply.answer:
                assert reply.answer in known
            else:
                assert SITUATIONS.of_topic(topic.name, reply.situation) == reply.situation
        for button in buttons:
            situation = payload_situation(button["payload"])
            if situation:
                assert SITUATIONS.of_topic(topic.name, situation) == situation, button


@pytest.mark.parametrize(
    ("topic", "text", "expected"),
    [
        ("lost_number", "non j'ai aucun document", "sans_document"),
        ("lost_number", "J'AI PLUS AUCUN PAPIER", "sans_document"),
        ("lost_number", "oui j'ai ma carte", None),
        ("lost_number", "j'ai pas de carte vitale ni rien", "sans_document"),
        ("lost_number", "non j'ai rien de tout ça", "sans_document"),
        ("carte_vitale", "comment activer l'application carte Vitale ?", "appli"),
        ("carte_vitale", "on m'a vole ma carte", "perte_vol"),
        ("carte_vitale", "une question sur ma carte vitale", None),
        ("born_abroad", "c koi un NIA", "nia"),
        ("born_abroad", "j'ai un numéro provisoire", "nia"),
        ("born_abroad", "je suis citoyenne européenne", "citoyen_ue"),
        ("born_abroad", "je suis né au Maroc", None),
        ("born_abroad", "je suis né en Tanzanie", None),  # "nia" inside a word is no NIA
        ("expatriate", "je suis détachée en Italie", "detache"),
        ("expatriate", "Détachement de 2 ans", "detache"),
        ("expatriate", "je pars vivre au Québec", "expatrie"),
        ("expatriate", "expatriation au Japon", "expatrie"),
        ("expatriate", "je pars au canada pour mon employeur", None),
        ("return_to_france", "je rentre avec un CDI", "reprise_immediate"),
        ("return_to_france", "je touche le chômage", "reprise_immediate"),
        ("return_to_france", "je reviens sans emploi", "sans_reprise"),
        ("return_to_france", "je rentre en France", None),
    ],
)
def test_words_that_tell_a_situation(topic: str, text: str, expected: str | None) -> None:
    assert SITUATIONS.detect(topic, text) == expected


def test_a_situation_of_another_topic_is_not_taken() -> None:
    assert SITUATIONS.of_topic("lost_number", "detache") is None
    assert SITUATIONS.of_topic("expatriate", "detache") == "detache"
    assert SITUATIONS.of_topic("expatriate", None) is None
    assert SITUATIONS.of_topic("expatriate", "nothing") is None


def test_keyword_patterns() -> None:
    assert keyword_pattern("expatri*").search(fold("Expatriée"))
    assert not keyword_pattern("nia").search(fold("Tanzanie"))
    assert keyword_pattern("aucun document*").search(fold("aucun  documents"))


def test_a_malformed_reply_is_refused() -> None:
    with pytest.raises(ValueError, match="situation"):
        parse_situations({"topics": {"x": {"affirm": {"situation": "a", "answer": "b"}}}})
