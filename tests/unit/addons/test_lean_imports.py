"""JAX is kept out of the Rasa server: TensorFlow imports and runs without it, and a
process that imported it already keeps it (each case in a fresh interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def test_tensorflow_runs_without_jax_once_it_is_kept_out() -> None:
    out = run(
        "from addons import lean_imports\n"
        "kept = lean_imports.install()\n"
        "import sys, tensorflow as tf\n"
        "from tensorflow.lite.python import util\n"
        "print(kept, util._xla_computation, 'jaxlib' in sys.modules,"
        " float(tf.reduce_sum(tf.constant([1.5, 2.0]))))"
    )
    assert out == "['jax'] None False 3.5"


def test_launch_keeps_jax_out_before_rasa_imports_tensorflow() -> None:
    source = (ROOT / "scripts" / "launch.py").read_text(encoding="utf-8")
    assert source.index("lean_imports.install()") < source.index("from rasa.__main__ import")


def test_an_imported_jax_is_left_alone() -> None:
    out = run(
        "import jax, sys\n"
        "from addons import lean_imports\n"
        "print(lean_imports.install(), sys.modules['jax'] is jax)"
    )
    assert out == "[] True"
