"""The greeting, adapted to the time of day in France."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.say import say
from secu.settings import get_settings


def greeting_for(moment: datetime) -> str:
    """'Bonsoir' from 18:00 to 04:59, 'Bonjour' otherwise."""
    return "Bonsoir" if moment.hour >= 18 or moment.hour < 5 else "Bonjour"


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        now = datetime.now(ZoneInfo(get_settings().timezone))
        say(dispatcher, "greet", greeting=greeting_for(now))
        return []
