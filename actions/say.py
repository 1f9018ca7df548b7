"""Sends an answer of data/knowledge/answers.yml to the user (the Rasa side of content.py)."""

from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from secu.content import answer


def say(
    dispatcher: CollectingDispatcher,
    key: str,
    *,
    buttons: list[dict[str, str]] | None = None,
    **values: str,
) -> None:
    chosen = answer(key)
    dispatcher.utter_message(
        text=chosen.render(**values),
        buttons=buttons if buttons is not None else [dict(b) for b in chosen.buttons],
    )
