"""Booking, listing and cancelling an appointment through the REST channel, for real:
Rasa server, action server and the agenda in its SQLite database."""

from __future__ import annotations

import re
import sqlite3

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
    assert "Je récapitule" in summary and "06 12 34 56 78" in summary
    booked = conversation.say("oui")
    reference = REFERENCE.search(booked).group(0)
    assert " à " in booked and "pièce d'identité" in booked
    with sqlite3.connect(assistant.database) as db:
        row = db.execute(
            "SELECT status, phone, channel FROM ag_booking WHERE reference = ?", (reference,)
        ).fetchone()
    assert row == ("booked", "+33612345678", "phone")

    assert reference in conversation.say("mes rendez-vous")
    other = assistant.conversation()
    assert "Je ne trouve pas" in other.say(f"annuler mon rendez-vous {reference}")
    assert "vraiment annuler" in conversation.say(f"annuler mon rendez-vous {reference}")
    assert "annulé" in conversation.say("oui")
    with sqlite3.connect(assistant.database) as db:
        status = db.execute(
            "SELECT status FROM ag_booking WHERE reference = ?", (reference,)
        ).fetchone()[0]
        cells = db.execute("SELECT count(*) FROM ag_booked_cell").fetchone()[0]
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
