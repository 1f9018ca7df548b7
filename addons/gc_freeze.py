"""The loaded model kept out of Python's full garbage collections.

Once the model is loaded, the Rasa server holds about 950,000 objects that Python's cyclic
garbage collector tracks (TensorFlow's graphs, spaCy's French tables, Rasa's domain) and
that live as long as the process. Python walks all of them in each full collection: 0.4 s
on the reference machine (29 November 2026), during which no message is answered. Such
a collection comes whenever enough objects have survived the younger generations, so
now and then a user waits 0.4 s more, and under load every conversation in flight does.

``gc.freeze()`` right after the model is loaded moves those objects to a generation the
collector no longer walks (a full collection then takes milliseconds). They are still
freed as usual when nothing refers to them; only reference cycles among them would stay,
which is why a model loaded in place of another (Rasa's ``PUT /model``) first returns
the frozen objects to the collector, collects what the old model left, then freezes
again. Right after the first load, a full collection finds about 2,000 unreachable
objects: they are frozen with the rest rather than spending 0.4 s of the start on them.
"""

from __future__ import annotations

import gc
from typing import Any

from rasa.core.agent import Agent

ORIGINAL_LOAD_MODEL = Agent.load_model


def load_model_then_freeze(self: Agent, *args: Any, **kwargs: Any) -> None:
    """``Agent.load_model``, then what it loaded is frozen (see the module's text)."""
    reloading = gc.get_freeze_count() > 0
    if reloading:
        gc.unfreeze()
    ORIGINAL_LOAD_MODEL(self, *args, **kwargs)
    if reloading:
        gc.collect()  # what the replaced model left in reference cycles
    gc.freeze()


def install() -> None:
    """Installed in the Rasa server process by ``addons.startup.install()``."""
    Agent.load_model = load_model_then_freeze  # type: ignore[method-assign]
