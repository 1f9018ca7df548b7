"""Booking, listing and cancelling an appointment through the REST channel, for real:
Rasa server, action server and the agenda in its SQLite database."""

from __future__ import annotations

import re
import sqlite3
import threading
import time

from conftest import query

REFERENCE = re.compile(r"RDV-[A-Z0-9]{6}")


def test_book_by_phone_list_and_cancel(assistant) -> None:
    conversation = assistant.conversation()
    start = conversation.buttons("je voudrais prendre rendez-vous avec un conseiller")
    assert any("Carte Vitale" in b["title"] for b in start)
    assert "téléphone" in conversation.say("c'est pour ma carte vitale")
    assert "département" in conversation.say("par telephone")
    times = conversation.buttons("j'habite a Bordeaux")
    assert len(times) == 6 and times[-1]["title"] == "Plus tard"
    free = conversation.say("c'est gratuit ?")
    assert "ne coûte rien" in free and "Plus tard" not in free
    asked_phone = conversation.say(times[1]["payload"])
    assert "rappeler" in asked_phone
    assert "valide" in conversation.say("08 99 12 34 56")
    summary = conversation.say("06 12 34 56 78")
    assert "Je récapitule" in summary and "06 •• •• •• 78" in summary
    assert "Aucun conseiller ne vous appellera" in summary  # a simulation, said plainly
    booked = conversation.say("oui")
    reference = REFERENCE.search(booked).group(0)
    assert " à " in booked and "pièce d'identité" in booked
    assert "06 •• •• •• 78" in booked
    assert "aucun conseiller ne vous appellera" in booked and "3646" in booked
    [row] = query(
        assistant.database,
        "SELECT status, phone, channel FROM ag_booking WHERE reference = ?",
        reference,
    )
    assert row == ("booked", "+33612345678", "phone")

    listed = conversation.say("mes rendez-vous")
    assert reference in listed and "06 •• •• •• 78" in listed
    for shown in (summary, booked, listed):
        assert "12 34 56" not in shown  # the number is never shown in full once typed
    other = assistant.conversation()
    assert "Je ne trouve pas" in other.say(f"annuler mon rendez-vous {reference}")
    assert "vraiment annuler" in conversation.say(f"annuler mon rendez-vous {reference}")
    assert "annulé" in conversation.say("oui")
    [(status,)] = query(
        assistant.database, "SELECT status FROM ag_booking WHERE reference = ?", reference
    )
    [(cells,)] = query(assistant.database, "SELECT count(*) FROM ag_booked_cell")
    assert status == "cancelled" and cells == 0


def test_change_of_mind_and_giving_up(assistant) -> None:
    conversation = assistant.conversation()
    conversation.say("un rdv a l'accueil svp")
    conversation.say("autre chose")
    times = conversation.buttons("dans le 2A")
    assert times and "Ajaccio" not in times[0]["title"]
    channel_changed = conversation.say("plutot par telephone en fait")
    assert "créneaux de rappel" in channel_changed
    stopped = conversation.say("laisse tomber")
    assert "aucun rendez-vous n'a été pris" in stopped
    assert "aucun rendez-vous" in conversation.say("mes rendez-vous")


def book_by_phone(conversation, slot: int = 0) -> str:
    """A phone call-back in Gironde, at the slot-th free time; returns the summary."""
    conversation.say("je voudrais prendre rendez-vous avec un conseiller")
    conversation.say("c'est pour ma carte vitale")
    conversation.say("par telephone")
    times = conversation.buttons("j'habite a Bordeaux")
    conversation.say(times[slot]["payload"])
    return conversation.say("06 12 34 56 78")


def references(assistant, sender: str) -> list[str]:
    rows = query(
        assistant.database,
        "SELECT reference FROM ag_booking WHERE conversation_id = ? AND status = 'booked'",
        sender,
    )
    return [row[0] for row in rows]


def test_a_yes_repeated_after_a_timeout_gets_the_same_booking(assistant) -> None:
    """The agenda's database is slow (another writer holds it): the reply to "oui" times
    out and the user is told of a problem, while the action server still books. The
    user says "oui" again: same booking, same reference, never a second one."""
    conversation = assistant.conversation()
    assert "Je récapitule" in book_by_phone(conversation)
    holder = sqlite3.connect(assistant.database, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # the agenda is busy for longer than the reply timeout
    release = threading.Timer(12, holder.rollback)
    release.start()
    try:
        first = conversation.say("oui", degraded=True)
    finally:
        release.join()
        holder.close()
    assert "souci technique" in first and not REFERENCE.search(first)
    deadline = time.monotonic() + 30
    while not references(assistant, conversation.sender):  # the late booking lands
        assert time.monotonic() < deadline, "the booking never landed"
        time.sleep(0.2)
    booked = references(assistant, conversation.sender)
    again = conversation.say("oui")
    assert REFERENCE.search(again).group(0) == booked[0]
    assert "créneau" not in again.lower() or "pris" not in again
    assert references(assistant, conversation.sender) == booked  # one booking only


def test_a_conversation_holds_at_most_three_bookings(assistant) -> None:
    conversation = assistant.conversation()
    for _ in range(3):
        book_by_phone(conversation)
        assert REFERENCE.search(conversation.say("oui"))
    held = references(assistant, conversation.sender)
    assert len(held) == 3
    answer = conversation.say("je voudrais un autre rendez-vous")
    assert "déjà 3 rendez-vous" in answer and all(r in answer for r in held)
    assert "annul" in answer
    buttons = conversation.buttons("mes rendez-vous")
    assert len([b for b in buttons if b["title"].startswith("Annuler")]) == 3
    assert references(assistant, conversation.sender) == held


def test_book_list_and_cancel_in_english(assistant) -> None:
    """Issue #15: the booking form asked and answered in English, typed answers included."""
    conversation = assistant.conversation()
    start = conversation.buttons("hi, i would like to book an appointment with an adviser")
    assert any("Carte Vitale" in b["title"] for b in start)
    assert "phone call-back" in conversation.say("it's about my carte vitale, i lost it")
    assert "département" in conversation.say("by phone please")
    times = conversation.buttons("i live in Bordeaux")
    assert len(times) == 6 and times[-1]["title"] == "Later"
    assert "costs nothing" in conversation.say("is it free?")
    assert "called back" in conversation.say(times[1]["payload"])
    assert "valid French phone number" in conversation.say("08 99 12 34 56")
    summary = conversation.say("06 12 34 56 78")
    assert "summary of this simulation" in summary and "06 •• •• •• 78" in summary
    booked = conversation.say("yes")
    reference = REFERENCE.search(booked).group(0)
    assert "Simulation saved" in booked or "saved" in booked
    listed = conversation.say("what are my appointments?")
    assert reference in listed
    assert "really want to cancel" in conversation.say(f"cancel my appointment {reference}")
    assert "cancelled" in conversation.say("yes")
    for shown in (summary, booked, listed):
        assert "12 34 56" not in shown
        assert "vous" not in shown and "Je " not in shown  # nothing left in French
    [(status,)] = query(
        assistant.database, "SELECT status FROM ag_booking WHERE reference = ?", reference
    )
    assert status == "cancelled"


def test_a_number_checked_in_english(assistant) -> None:
    """Issue #15: the NIR check asked in English, the number typed on its own line."""
    conversation = assistant.conversation()
    asked = conversation.say("can you check if my social security number is valid?")
    assert "number" in asked and "numéro" not in asked
    checked = conversation.say("2 69 05 49 588 157 80")
    assert "well formed" in checked and "Maine" in checked and "May 1969" in checked
    assert "588 157" not in checked and "vous" not in checked
