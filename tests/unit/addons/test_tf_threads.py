"""The Rasa server's TensorFlow runs on one thread, unless Rasa's own variables say
otherwise; each case in a fresh interpreter (TensorFlow's pools are set once)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import tensorflow as tf
{before}
from addons import tf_threads
done = tf_threads.install()
pools = tf.config.threading
print(done, pools.get_intra_op_parallelism_threads(), pools.get_inter_op_parallelism_threads())
"""


def fresh_python(code: str, unset: tuple[str, ...], env: dict[str, str]) -> str:
    """What ``code`` prints in a fresh interpreter, the variables named in ``unset``
    removed from the environment (or starting with one of them) and ``env`` added."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def run(before: str = "", **env: str) -> list[str]:
    return fresh_python(PROBE.format(before=before), ("TF_IN",), env).split()


def test_one_thread_by_default() -> None:
    assert run() == ["True", "1", "1"]


def test_rasas_variables_are_the_operators_choice() -> None:
    assert run(TF_INTRA_OP_PARALLELISM_THREADS="2") == ["False", "0", "0"]  # left to Rasa


def test_a_started_tensorflow_keeps_its_pools() -> None:
    assert run(before="tf.constant(1.0) + 1.0") == ["False", "0", "0"]


BLAS_PROBE = """
import numpy  # noqa: F401
from threadpoolctl import threadpool_info
from addons import tf_threads
done = tf_threads.blas_one_thread()
pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
print(done, sorted({pool["num_threads"] for pool in pools}))
"""


def blas(**env: str) -> str:
    from addons.tf_threads import BLAS_VARIABLES

    return fresh_python(BLAS_PROBE, BLAS_VARIABLES, env)


def test_numpys_blas_on_one_thread_by_default() -> None:
    assert blas() == "True [1]"


def test_blas_threads_set_by_the_operator_are_kept() -> None:
    assert blas(OPENBLAS_NUM_THREADS="2") == "False [2]"


TRAINING_PROBE = """
import os
from addons import tf_threads
done = tf_threads.training_threads()
from rasa.utils.tensorflow.environment import setup_tf_environment
setup_tf_environment()  # as Rasa's command line does when it starts
import tensorflow as tf
pools = tf.config.threading
print(done, pools.get_intra_op_parallelism_threads(), pools.get_inter_op_parallelism_threads(),
      os.cpu_count())
"""


def training(**env: str) -> list[str]:
    return fresh_python(TRAINING_PROBE, ("TF_IN",), env).split()


def test_training_runs_one_thread_within_operations_and_one_per_core_between() -> None:
    done, intra, inter, cores = training()
    assert (done, intra, inter) == ("True", "1", cores)


def test_training_threads_set_by_the_operator_are_kept() -> None:
    assert training(TF_INTER_OP_PARALLELISM_THREADS="3")[:3] == ["False", "0", "3"]
