"""What the Rasa server process needs installed before it serves anyone.

``install()`` is called explicitly: by scripts/launch.py before Rasa's command line runs,
and by the tracker store and the REST channel when Rasa builds them (so that a Rasa
started any other way gets it too). It is idempotent.
"""

from __future__ import annotations

from addons import (
    action_http,
    action_limit,
    action_payload,
    action_validation,
    applied_events,
    count_vectors,
    debug_copies,
    event_types,
    gc_freeze,
    graph_runner,
    lexical_features,
    memo_keys,
    nlu,
    regex_cache,
    rule_cache,
    slot_copy,
    states_cache,
    ted_on_demand,
    tf_threads,
    tracker_copy,
)
from secu import logs


def install() -> None:
    logs.install()  # NIRs masked in every log record of the process
    regex_cache.install()  # spaCy's 1.45-million-character French pattern compiled once
    tf_threads.install()  # TensorFlow on one thread (before it starts), unless set otherwise
    action_validation.install()  # action answers checked with a validator built once
    action_http.install()  # the action server called over kept-alive connections
    action_limit.install()  # a message runs a bounded number of actions, whatever its events
    action_payload.install()  # the action server sent the last two user turns, not every event
    nlu.install()  # spaCy loaded once, without the components nothing reads (named entities)
    ted_on_demand.install()  # TED run only when its prediction can win
    event_types.install()  # stored events' classes found in a table, not a tree walk
    graph_runner.install()  # prediction graphs run in a loop, not through dask
    rule_cache.install()  # the rules that apply, remembered per end of dialogue
    gc_freeze.install()  # the loaded model left out of full garbage collections (0.4 s each)
    states_cache.install()  # the dialogue's states computed once per prediction, not per policy
    memo_keys.install()  # the memoisation's table looked up by JSON, not compressed each time
    slot_copy.install()  # a tracker's slots copied directly, not through copy's protocol
    count_vectors.install()  # a message's count vectors counted directly, not via scikit-learn
    lexical_features.install()  # a token's lexical features read once, not once a window
    debug_copies.install()  # Rasa's debug lines copy their values only when they are written
    applied_events.install()  # the events that apply found with a table lookup an event
    tracker_copy.install()  # a tracker copied from its state, not by replaying its events
