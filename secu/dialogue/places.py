"""Places in the dialogue: how a place is named to the user, and the "which commune?"
question when a commune name exists in several departments (contact and booking ask it
alike).

>>> place_label(Place("69", "Rhône", "le Rhône", commune="Lyon"))
'Lyon (Rhône, 69)'
>>> place_label(Place("33", "Gironde", "la Gironde"))
'la Gironde (33)'
"""

from __future__ import annotations

from secu.content import button, render
from secu.dialogue.turn import Reply
from secu.geo.locate import Ambiguous, Place


def commune_label(commune: str, place: Place) -> str:
    """'Lyon (Rhône, 69)': a commune with its department."""
    return render(
        "place_commune",
        commune=commune,
        department=place.department_name,
        code=place.department_code,
    )


def place_label(place: Place) -> str:
    """The commune with its department when one was named, else the department."""
    if place.commune:
        return commune_label(place.commune, place)
    return render("place_department", department=place.label, code=place.department_code)


def which_commune(ambiguous: Ambiguous) -> Reply:
    """Asks which of the communes named alike is the user's: one button per department,
    whose payload tells the department (``/inform{"department": "974"}``). The caller
    adds the slots to clear (``.then(Reply.set(...))``)."""
    buttons = [
        button(commune_label(ambiguous.name, option), "inform", department=option.department_code)
        for option in ambiguous.options
    ]
    return Reply.say("ask_which_commune", buttons, name=ambiguous.name)
