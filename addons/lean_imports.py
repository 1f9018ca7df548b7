"""Packages the Rasa server never uses, kept out of its process.

TensorFlow 2.12 depends on JAX, and importing TensorFlow imports ``tensorflow.lite``,
whose converter module tries ``from jax import xla_computation`` (to convert JAX models
to TensorFlow Lite) and carries on without it on ``ImportError``. Nothing in Rasa, our
pipeline or our policies converts models: JAX and its XLA library only cost the server
80 MB of memory and 0.4 s of start-up (measured on the reference machine, 29 November
2026). ``install()`` marks ``jax`` as absent (``sys.modules[name] = None``: any import of
it raises ``ImportError``, which TensorFlow expects); if it is already imported, it is
left alone. It must run before TensorFlow is imported, so ``scripts/launch.py`` calls it
before importing Rasa (``addons.startup`` cannot: importing it imports TensorFlow). The
servers of the integration tests and of ``make bench`` are started that way.
"""

from __future__ import annotations

import sys

UNUSED = ("jax",)


def install() -> list[str]:
    """The packages kept out (those already imported are left as they are)."""
    kept_out = []
    for name in UNUSED:
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]
            kept_out.append(name)
        elif sys.modules[name] is None:
            kept_out.append(name)
    return kept_out
