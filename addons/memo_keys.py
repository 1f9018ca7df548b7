"""The memoisation policy's table looked up by the dialogue's text, not by its zlib form.

Rasa's ``MemoizationPolicy`` keys the dialogues it learnt by their states written as
JSON, compressed with zlib and base64-encoded (``enable_feature_string_compression``, on
by default), and it compresses the current dialogue the same way to look it up, twice a
message: 50 to 70 µs each time for our strings of about 300 characters (measured
directly; cProfile had made it look ten times dearer). The table is small (200
dialogues): once loaded, its keys are decompressed once, and the policy looks up the
JSON itself. The compressed key is a function of the JSON, so the same dialogues are
found, with the same actions (``tests/unit/addons/test_memo_keys.py``;
``tests/integration/test_model_loading.py`` compares the ensemble's choices).

``RulePolicy`` (a subclass with tables of its own) is left as it is. Installed by
``addons.startup.install()`` when the Rasa server starts; training is not concerned.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.rule_policy import RulePolicy

COMPRESSION = "enable_feature_string_compression"
ORIGINAL_LOAD = MemoizationPolicy.load.__func__  # type: ignore[attr-defined]


def plain_keys(lookup: dict[str, Any]) -> dict[str, Any] | None:
    """The table with its keys decompressed, or None if a key is not Rasa's compressed
    form (or two keys are the same text): then the policy is left as it is."""
    plain: dict[str, Any] = {}
    for key, action in lookup.items():
        try:
            text = zlib.decompress(base64.b64decode(key, validate=True)).decode("utf-8")
        except (binascii.Error, zlib.error, UnicodeDecodeError, TypeError, ValueError):
            return None
        if text in plain:
            return None
        plain[text] = action
    return plain


def uncompress(policy: MemoizationPolicy) -> bool:
    """Switches a loaded memoisation policy to uncompressed keys; whether it was done."""
    if isinstance(policy, RulePolicy) or not policy.config.get(COMPRESSION):
        return False
    plain = plain_keys(policy.lookup)
    if plain is None:
        return False
    policy.lookup = plain
    policy.config = {**policy.config, COMPRESSION: False}
    return True


def load_uncompressed(cls: type[MemoizationPolicy], *args: Any, **kwargs: Any) -> Any:
    """``MemoizationPolicy.load``, then the keys decompressed (``uncompress``)."""
    policy = ORIGINAL_LOAD(cls, *args, **kwargs)
    uncompress(policy)
    return policy


def install() -> None:
    MemoizationPolicy.load = classmethod(load_uncompressed)  # type: ignore[method-assign,assignment]
