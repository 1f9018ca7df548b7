"""Small talk decisions: the greeting of the time of day."""

from __future__ import annotations

from datetime import datetime

from secu.content import render
from secu.dialogue.turn import Reply


def greeting_for(moment: datetime) -> str:
    """'Bonsoir' from 18:00 to 04:59, 'Bonjour' otherwise."""
    return render("hello_evening" if moment.hour >= 18 or moment.hour < 5 else "hello_day")


def greet(moment: datetime) -> Reply:
    return Reply.say("greet", greeting=greeting_for(moment))
