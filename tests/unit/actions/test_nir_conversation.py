"""The NIR extractor, the check action and the form, as a user would see them."""

from __future__ import annotations

import asyncio

from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.nir_actions import ActionAskNIR, ActionCheckNIR, ValidateNIRForm
from addons.nir_extractor import NIRExtractor
from tests.adapters import make_tracker, run_action, said

VALID = "1 85 05 78 006 084 91"  # synthetic: Yvelines, May 1985, key computed
WRONG_KEY = "1 85 05 78 006 084 36"


def extract(text: str, entities: list | None = None) -> Message:
    message = Message(
        data={
            "text": text,
            "intent": {"name": "carte_vitale", "confidence": 0.8},
            "entities": entities or [],
        }
    )
    [processed] = NIRExtractor().process([message])
    return processed


def test_extractor_finds_the_number_masks_it_and_makes_it_a_check() -> None:
    text = f"j'ai perdu ma carte vitale, mon numero c'est {VALID}"
    start = text.index(VALID)
    diet_guess = {"entity": "postal_code", "value": "78006", "start": start + 8, "end": start + 14}
    message = extract(text, [diet_guess])
    assert message.get("intent")["name"] == "check_nir"
    [entity] = message.get("entities")
    assert entity["entity"] == "nir" and entity["value"] == "1 85 05 •• ••• ••• ••"
    assert (entity["start"], entity["end"]) == (start, start + len(VALID))


def test_extractor_leaves_other_messages_alone() -> None:
    message = extract("appelez le 01 84 90 36 46 ou le 3646")
    assert message.get("intent")["name"] == "carte_vitale"
    assert message.get("entities") == []
    assert extract("/inform").get("entities") == []


def test_check_action_says_valid_decodes_and_never_repeats_the_number(domain) -> None:
    tracker = make_tracker(f"voici mon numero {VALID} il est bon ?", "check_nir")
    messages, events = run_action(ActionCheckNIR(), tracker, domain)
    text = messages[0]["text"]
    assert "bien formé" in text and "mai 1985" in text and "Yvelines" in text
    assert "ne conserve pas" in text
    assert "".join(VALID.split())[:13] not in "".join(text.split())
    slots = {e["name"]: e["value"] for e in events}
    assert slots == {
        "nir_status": None,
        "nir_valid": True,
        "nir_error": None,
        "nir_born_abroad": False,
        "nir_place": "78",
    }


def test_check_action_explains_a_wrong_key_without_guessing_it(domain) -> None:
    messages, events = run_action(ActionCheckNIR(), make_tracker(WRONG_KEY, "check_nir"), domain)
    text = messages[0]["text"]
    assert "n'est pas valide" in text and "clé" in text
    assert "91" not in text.replace("1 85 05", "")  # the right key is not given
    assert {e["name"]: e["value"] for e in events}["nir_error"] == "key"


def test_check_action_without_a_number_says_what_one_looks_like(domain) -> None:
    messages, _ = run_action(
        ActionCheckNIR(), make_tracker("12 rue de la paix", "check_nir"), domain
    )
    assert said(messages) == ["nir_not_found"]


def test_form_question_reminds_that_the_number_is_not_kept(domain) -> None:
    messages, _ = run_action(
        ActionAskNIR(), make_tracker("verifie mon numero", "check_nir"), domain
    )
    assert "sans le conserver" in messages[0]["text"]


def test_form_extraction_keeps_only_the_fact_that_a_number_was_typed(domain) -> None:
    form = ValidateNIRForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(VALID, "check_nir", slots={"requested_slot": "nir_status"})
    assert asyncio.run(form.extract_nir_status(dispatcher, tracker, domain)) == {
        "nir_status": "typed"
    }
    tracker = make_tracker("12 rue de la paix", "inform", slots={"requested_slot": "nir_status"})
    extracted = asyncio.run(form.extract_nir_status(dispatcher, tracker, domain))
    assert extracted == {"nir_status": "not_a_nir"}
    validated = asyncio.run(form.validate_nir_status("not_a_nir", dispatcher, tracker, domain))
    assert validated == {"nir_status": None}  # asked again
    assert said(dispatcher.messages) == ["nir_not_found"]
    cancel = make_tracker("non laisse tomber", "deny", slots={"requested_slot": "nir_status"})
    assert asyncio.run(form.extract_nir_status(dispatcher, cancel, domain)) == {}
    not_asked = make_tracker(VALID, "check_nir")
    assert asyncio.run(form.extract_nir_status(CollectingDispatcher(), not_asked, domain)) == {}
