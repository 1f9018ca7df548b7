"""A message never runs more than a bounded number of actions, whatever its events say.

Rasa stops predicting after ``max_number_of_predictions`` actions (10 by default,
``MAX_NUMBER_OF_PREDICTIONS``) by counting the actions logged since the last
``action_listen``. Rasa's two-stage fallback logs an ``action_listen`` of its own when
it replays a clarified message, inside the same message: a fallback that starts again
after each replay resets the count every time and is never stopped. That happened here
(1 December 2026, a fallback kept active by the conversation window, fixed in
addons/conversation_window.py): the person got no answer and the Sanic worker spun on a
growing tracker until it was killed, slowing every conversation of that worker.

Here each message (each run of Rasa's prediction loop) also counts the actions it ran;
past twice Rasa's limit the loop stops the way Rasa's own limit stops it
(``ActionLimitReached``: a warning, Rasa's circuit-breaker callback, the loop left), the
tracker is saved and the channel answers with its apology (addons/rest_channel.py).
A message that stays under Rasa's own limit is unaffected.

Installed by ``addons.startup.install()``; ``tests/unit/addons/test_action_limit.py``.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from rasa.core.processor import MessageProcessor
from rasa.exceptions import ActionLimitReached

LIMIT_FACTOR = 2
"""Actions a message may run, as a multiple of Rasa's ``max_number_of_predictions``."""

ORIGINAL_LOOP = MessageProcessor._run_prediction_loop
ORIGINAL_PREDICT = MessageProcessor.predict_next_with_tracker_if_should
_RUN: ContextVar[list[int] | None] = ContextVar("secu_actions_this_message", default=None)


async def run_prediction_loop(self: MessageProcessor, *args: Any, **kwargs: Any) -> None:
    """Rasa's prediction loop, with a count of the actions it predicts."""
    token = _RUN.set([0])
    try:
        await ORIGINAL_LOOP(self, *args, **kwargs)
    finally:
        _RUN.reset(token)


def predict_next_with_tracker_if_should(self: MessageProcessor, tracker: Any) -> Any:
    """Rasa's prediction, refused past ``LIMIT_FACTOR`` times Rasa's own limit."""
    count = _RUN.get()
    if count is not None:
        count[0] += 1
        if count[0] > LIMIT_FACTOR * self.max_number_of_predictions:
            raise ActionLimitReached(
                f"{count[0] - 1} actions run for one message: stopped (addons/action_limit.py)"
            )
    return ORIGINAL_PREDICT(self, tracker)


def install() -> None:
    MessageProcessor._run_prediction_loop = run_prediction_loop  # type: ignore[method-assign]
    MessageProcessor.predict_next_with_tracker_if_should = predict_next_with_tracker_if_should  # type: ignore[method-assign]
