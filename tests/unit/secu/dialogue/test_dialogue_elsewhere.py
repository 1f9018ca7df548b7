"""Out-of-scope messages that belong to another service, decided from a Turn (no Rasa):
which area the message is about, the answer that says where to go (its official link, the
emergency numbers for health), the generic answer for any other subject; and the content
of data/knowledge/elsewhere.yml (areas, keywords, sources, order)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from secu.content import answer, answers
from secu.dialogue.elsewhere import (
    GENERIC_ANSWER,
    Elsewhere,
    elsewhere_reply,
    get_elsewhere,
    parse_elsewhere,
)
from secu.dialogue.topics import get_situations
from secu.dialogue.turn import Reply, Turn
from secu.text import ContentError, read_merged

ROOT = Path(__file__).resolve().parents[4]
SOURCES = read_merged(ROOT / "data" / "knowledge", "sources")["sources"]
INTENTS = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")
URL = re.compile(r"https://[^\s<>\"]+[^\s<>\".,;:!?)\]]")
CHECKED_ON = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def places() -> Elsewhere:
    return get_elsewhere()


def key_of(places: Elsewhere, said: str) -> str:
    """The answer a typed message gets."""
    [message] = elsewhere_reply(Turn(text=said, intent="out_of_scope"), places).messages
    return message.key


def text_of(reply: Reply) -> str:
    [message] = reply.messages
    return answer(message.key).render(**message.values)


def payloads(key: str) -> list[str]:
    return [b.payload for b in answer(key).buttons]


# -- which area the message is about ------------------------------------------------------

BY_AREA = {
    "elsewhere_health": [
        "j'ai mal a la gorge c'est grave ?",
        "j’ai de la fièvre depuis 3 jours je fais quoi",
        "g de la fievre et mal o ventre",
        "c'est quoi ce bouton rouge sur mon bras",
        "quel medicament pour le mal de tete",
        "quel medoc pour la toux",
        "je peux prendre du doliprane enceinte ?",
        "combien de doliprane par jour max",
        "jsuis malade depuis hier jvomis tout",
        "douleur dans la poitrine depuis ce matin",
    ],
    "elsewhere_taxes": [
        "comment declarer mes impots",
        "date limite declaration impôts 2026",
        "jai pas recu mon remboursement des impots",
        "mon avis d'imposition est faux",
        "c koi mon taux de prelevement a la source",
        "inpots en ligne marche pas",
    ],
    "elsewhere_caf": [
        "jai pas recu mon apl ce mois ci",
        "la caf a pas vire le rsa",
        "comment faire une demande de prime d'activité à la caf",
        "prime dactivite c combien",
        "mes allocations familliales sont en retard",
        "l'aide au logement pour les etudiants",
    ],
    "elsewhere_unemployment": [
        "comment m'inscrire a france travail",
        "pole emploi m'a radié je fais quoi",
        "montant de mon allocation chomage",
        "pol emploi repond pas",
        "je suis radiee de francetravail",
        "chaumage pas paye ce mois",
    ],
    "elsewhere_id_papers": [
        "comment renouveler mon passeport",
        "changement d'adresse carte grise",
        "jai perdu ma carte d identite",
        "rdv pour ma CNI",
        "le site de l'ants bug",
        "refaire mon passport urgent",
    ],
    "elsewhere_mutuelle": [
        "combien coute une mutuelle",
        "quelle mutuelle est la moins chere",
        "prix d'une mutuelle senior",
        "ma mutuele rembourse pas les lunettes",
        "une bonne complementaire sante pour un retraité",
        "mutuelle pour retraite pas chere",
    ],
    "elsewhere_pension": [
        "comment calculer ma retraite complementaire",
        "quand est ce que je peux partir a la retraite, age de depart ?",
        "ma retraite est pas arrivée ce mois",
        "la carsat repond pas",
        "mon releve de carriere est faux",
        "agirc arrco points",
    ],
    "elsewhere_reimbursements": [
        "le doliprane est remboursé combien",
        "combien est remboursé un plombage chez le dentiste",
        "mes indemnites journalieres sont en retard",
        "mes ij sont pas arrivees",
        "la secu ma pas rembourcé",
        "arret maladie pas paye depuis 1 mois",
        "j'ai envoyé ma feuille de soin papier il y a 3 semaines",
    ],
}


@pytest.mark.parametrize(
    ("said", "expected"),
    [(said, key) for key, messages in BY_AREA.items() for said in messages],
)
def test_each_area_is_found_in_the_words_typed(places, said: str, expected: str) -> None:
    assert key_of(places, said) == expected


@pytest.mark.parametrize(
    "said",
    [
        "quel temps fait il demain",
        "raconte moi une blague",
        "mon chat est malade",  # a pet: no medical advice, no emergency numbers
        "comment avoir un logement social",
        "prendre rdv chez un dermato sur doctolib",
        "le bouton ne marche pas sur le site",
        "je suis a la retraite",  # a status, not a question about the pension
        "/out_of_scope",  # the fallback's "Autre chose" button
        "",
    ],
)
def test_a_message_of_no_area_gets_the_generic_answer(places, said: str) -> None:
    assert key_of(places, said) == GENERIC_ANSWER
    assert "/help" in payloads(GENERIC_ANSWER)


@pytest.mark.parametrize(
    "said",
    [
        "j'ai de la fievre et mes impots sont en retard",
        "mes ij sont en retard et j'ai mal au dos",
        "quel medicament est rembourse pour la migraine",
        "la caf me demande un papier mais je vomis depuis hier",
        "ma mutuelle rembourse quoi si j'ai une angine",
        "mal a la tete, pole emploi m'a radié",
    ],
)
def test_a_symptom_with_something_else_gets_the_health_answer(places, said: str) -> None:
    assert key_of(places, said) == "elsewhere_health"


# -- what the user reads --------------------------------------------------------------------


def test_the_health_answer_gives_the_emergency_numbers_and_no_advice(places) -> None:
    said = text_of(elsewhere_reply(Turn(text="jai de la fievre"), places))
    assert "Je ne peux pas donner d'avis médical" in said
    assert re.search(r"\b15\b", said) and "Samu" in said
    assert re.search(r"\b112\b", said)
    assert re.search(r"SMS au 114\b", said)
    assert "médecin" in said and "pharmacien" in said
    assert URL.search(said) is None  # numbers, not a website


@pytest.mark.parametrize(
    ("said", "link"),
    [
        ("comment declarer mes impots", "https://www.impots.gouv.fr"),
        ("jai pas recu mon apl", "https://www.caf.fr"),
        ("pole emploi m'a radié", "https://www.francetravail.fr"),
        ("renouveler mon passeport", "https://ants.gouv.fr"),
        ("combien coute une mutuelle", "https://www.service-public.fr/"),
        ("calculer ma retraite complementaire", "https://www.info-retraite.fr"),
        ("mes indemnites journalieres sont en retard", "https://www.ameli.fr"),
    ],
)
def test_each_area_says_it_cannot_help_and_where_to_go(places, said: str, link: str) -> None:
    reply = elsewhere_reply(Turn(text=said), places)
    read = text_of(reply)
    assert read.startswith("Je ne peux pas") or read.startswith("Je n'ai pas accès")
    assert link in read
    assert reply.messages[0].buttons is None  # the answer's own buttons
    assert dict(reply.slots) == {} and not reply.forget_message


def test_a_reimbursement_goes_to_the_file_the_3646_and_a_person(places) -> None:
    read = text_of(elsewhere_reply(Turn(text="le doliprane est remboursé combien"), places))
    assert "compte ameli" in read and "indemnités journalières" in read
    assert "3646 (service gratuit + prix de l'appel)" in read
    assert "ameli_contact" in answer("elsewhere_reimbursements").sources
    assert "/human_handoff" in payloads("elsewhere_reimbursements")


def test_the_mutuelle_answer_offers_the_complementaire_sante_solidaire(places) -> None:
    read = text_of(elsewhere_reply(Turn(text="quelle mutuelle choisir"), places))
    assert "Complémentaire santé solidaire" in read and "employeur" in read
    [css] = [p for p in payloads("elsewhere_mutuelle") if p.startswith("/health_aid")]
    situation = json.loads(PAYLOAD.match(css).group(2))["situation"]
    assert get_situations().of_topic("health_aid", situation) == "css"


def test_the_caf_answer_names_the_benefits_and_the_msa(places) -> None:
    read = text_of(elsewhere_reply(Turn(text="la caf a pas vire le rsa"), places))
    for benefit in ("APL", "RSA", "prime d'activité", "allocations familiales", "MSA"):
        assert benefit in read


# -- the content ------------------------------------------------------------------------------


def test_every_area_of_the_issue_is_there_and_health_comes_first(places) -> None:
    keys = [a.key for a in places.areas]
    assert keys[0] == "health"
    expected = {"taxes", "caf", "unemployment", "id_papers", "mutuelle", "pension"}
    assert expected | {"health", "reimbursements"} <= set(keys)
    # "mon remboursement des impots", "la caf a pas vire": before the reimbursements;
    # "mutuelle pour retraite": the mutuelle before the pension.
    assert keys.index("taxes") < keys.index("reimbursements")
    assert keys.index("caf") < keys.index("reimbursements")
    assert keys.index("mutuelle") < keys.index("pension")


@pytest.mark.parametrize("key", [a.key for a in get_elsewhere().areas])
def test_an_area_is_answered_sourced_and_dated(places, key: str) -> None:
    area = places.get(key)
    assert area.answer in answers() and area.answer.startswith("elsewhere_")
    assert area.sources and set(area.sources) <= set(SOURCES), area.sources
    assert area.checked_on == CHECKED_ON
    for source in area.sources:
        assert SOURCES[source]["url"].startswith("https://"), source
        assert SOURCES[source]["kind"] == "official", source
    assert set(answer(area.answer).sources) <= set(area.sources)


@pytest.mark.parametrize("key", [a.key for a in get_elsewhere().areas])
def test_every_link_shown_is_a_site_one_of_its_sources_names(places, key: str) -> None:
    area = places.get(key)
    hosts = {urlsplit(SOURCES[s]["url"]).hostname for s in area.sources}
    for link in URL.findall(answer(area.answer).text):
        assert urlsplit(link).hostname in hosts, link


@pytest.mark.parametrize("key", [a.answer for a in get_elsewhere().areas])
def test_an_answer_is_short_and_offers_a_way_back(key: str) -> None:
    found = answer(key)
    assert len(found.text) <= 520
    assert "/help" in payloads(key)
    for payload in payloads(key):
        match = PAYLOAD.match(payload)
        assert match and match.group(1) in INTENTS, payload


def test_keywords_are_written_folded() -> None:
    raw = yaml.safe_load((ROOT / "data/knowledge/elsewhere.yml").read_text(encoding="utf-8"))
    for key, area in raw["areas"].items():
        for word in area["keywords"]:
            assert re.fullmatch(r"[a-z0-9 *]+", word), (key, word)


# -- the file's shape ---------------------------------------------------------------------------


def entry(**changes: Any) -> dict[str, Any]:
    base = {
        "answer": "elsewhere_taxes",
        "keywords": ["impot*"],
        "sources": ["x"],
        "checked_on": CHECKED_ON,
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    "broken",
    [
        {},
        {"areas": []},
        {"areas": {"taxes": {"answer": "elsewhere_taxes"}}},
        {"areas": {"taxes": entry(keywords=[])}},
        {"areas": {"taxes": entry(sources=[])}},
        {"areas": {"taxes": entry(answer="")}},
        {"areas": {"taxes": entry(checked_on="hier")}},
    ],
)
def test_a_broken_file_is_refused_with_the_reason(broken: dict[str, Any]) -> None:
    with pytest.raises(ContentError, match=r"elsewhere\.yml"):
        parse_elsewhere(broken)


def test_a_well_formed_file_is_read_in_its_order() -> None:
    read = parse_elsewhere(
        {"areas": {"b": entry(keywords=["impot*"]), "a": entry(keywords=["impots"])}}
    )
    assert [a.key for a in read.areas] == ["b", "a"]
    assert read.area_of("mes impots").key == "b" and read.get("c") is None


# -- a symptom told while asking about care gets the emergency numbers first --------------


TOPIC_ANSWER = Reply.say("ask_health_aid")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("j'ai de la fievre depuis 3 jours je fais quoi", "health_aid"),
        ("sans papiers et j'ai tres mal au ventre, je peux voir un medecin ?", "health_aid"),
        ("toujours pas de secu et mon fils vomit depuis hier", "not_covered"),
    ],
)
def test_a_symptom_about_care_gets_the_emergency_numbers_first(places, text, intent) -> None:
    from secu.dialogue.elsewhere import health_first

    reply = health_first(Turn(text=text, intent=intent), TOPIC_ANSWER, places)
    assert [m.key for m in reply.messages] == ["elsewhere_health", "ask_health_aid"]
    shown = answer("elsewhere_health").text
    assert "15" in shown and "112" in shown and "114" in shown


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("je suis sans papiers, comment me soigner ?", "health_aid"),
        ("j'ai de la fievre et j'ai perdu ma carte vitale", "carte_vitale"),
    ],
)
def test_no_symptom_or_another_topic_keeps_the_topic_answer(places, text, intent) -> None:
    from secu.dialogue.elsewhere import health_first

    reply = health_first(Turn(text=text, intent=intent), TOPIC_ANSWER, places)
    assert reply == TOPIC_ANSWER
