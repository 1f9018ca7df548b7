"""The greeting, adapted to the time of day in France."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from actions.adapter import TurnAction
from secu.dialogue.smalltalk import greet
from secu.dialogue.turn import Reply, Turn
from secu.settings import get_settings


class ActionGreet(TurnAction):
    def name(self) -> str:
        return "action_greet"

    async def decide(self, turn: Turn) -> Reply:
        return greet(datetime.now(ZoneInfo(get_settings().timezone)))
