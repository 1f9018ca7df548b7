"""French conversations through the REST channel, against the real servers."""

from __future__ import annotations

from conftest import query


def test_greeting_says_unofficial_and_offers_topics(assistant) -> None:
    conversation = assistant.conversation()
    replies = assistant.send(conversation.sender, "bonjour")
    assert replies[0]["text"].startswith(("Bonjour", "Bonsoir"))
    assert "non officiel" in replies[0]["text"]
    titles = [b["title"] for b in replies[0]["buttons"]]
    assert "J'ai perdu mon numéro" in titles


def test_lost_number_then_no_document(assistant) -> None:
    conversation = assistant.conversation()
    first = conversation.say("jai perdu mon numero de secu")
    assert "carte Vitale" in first and "attestation de droits" in first
    second = conversation.say("non aucun")
    assert "pièce d'identité" in second


def test_born_abroad_student_follow_up(assistant) -> None:
    conversation = assistant.conversation()
    first = conversation.say("je suis né au Maroc, comment avoir un numéro de sécu ?")
    assert "S1106" in first and "NIA" in first
    second = conversation.say("et si je suis étudiant ?")
    assert "etudiant-etranger.ameli.fr" in second
    assert "S1106" not in second.split("\n")[0]
    documents = conversation.say("quels documents je dois preparer ?")
    assert "certificat de scolarité" in documents


def test_leaving_abroad_the_question_then_the_button(assistant) -> None:
    conversation = assistant.conversation()
    question = conversation.say("je pars au canada pour mon employeur, et ma secu ?")
    assert "détaché(e)" in question and "installer" in question
    posted = conversation.say('/inform{"situation":"detache"}')
    assert "employeur" in posted and "https://www.cleiss.fr" in posted
    back = conversation.say("je rentre en france l'an prochain")
    assert "Bon retour" in back
    assert "dès votre retour" in conversation.say("oui")


def test_contact_for_a_department_and_mayotte(assistant) -> None:
    conversation = assistant.conversation()
    assert "3646" in conversation.say("quel est le numero de telephone de la cpam ?")
    assert "CPAM de la Gironde" in conversation.say("j'habite dans le 33")
    mayotte = assistant.conversation().say("je vis a mayotte, qui dois-je appeler ?")
    assert "02 69 61 91 91" in mayotte


def test_self_employed_hears_the_rsi_is_gone(assistant) -> None:
    answer = assistant.conversation().say("je suis auto entrepreneur, qui gere ma secu ?")
    assert "RSI" in answer and "CPAM" in answer


def test_out_of_scope_is_declined_politely(assistant) -> None:
    answer = assistant.conversation().say("tu connais une bonne recette de crêpes ?")
    assert "je ne peux pas vous aider" in answer


def test_conversations_are_stored_in_the_sqlite_tracker_store(assistant) -> None:
    conversation = assistant.conversation()
    conversation.say("bonjour")
    [(count,)] = query(
        assistant.tracker_db,
        "SELECT COUNT(*) FROM events WHERE sender_id = ?",
        conversation.sender,
    )
    assert count > 0
