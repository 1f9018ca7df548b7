"""TensorFlow on one thread in the Rasa server, unless the operator chose otherwise.

Serving, DIET runs one message at a time: a few small matrix products, for which
TensorFlow's default pools (one thread per core, within and between operations) cost
more in hand-offs than they save, and compete with the action server and the other
requests for the machine's two cores. On one thread its results are bit for bit the same
(150 held-out messages: same intents, confidences and entities; and
``tests/integration/test_model_loading.py`` compares the server's predictions with
Rasa's defaults).

Rasa's own variables ``TF_INTRA_OP_PARALLELISM_THREADS`` and
``TF_INTER_OP_PARALLELISM_THREADS``, when set, are left to Rasa, which applies them.

NumPy's BLAS (OpenBLAS) is set to one thread too, for the same reason: DIET predicts in
NumPy (addons/diet_numpy.py), products of a dozen rows, and OpenBLAS's second thread
spun beside each of them: measured, 86 ms of CPU a message instead of 48 with two BLAS
threads, for the same wall time. ``OPENBLAS_NUM_THREADS`` (or ``OMP_NUM_THREADS``), when
set, is the operator's choice.

Training (scripts/rasa_train.py) keeps every core, but between operations, not within
(``training_threads``): DIET's step is a graph of small operations, many of them
independent (the chunks of a batch, ``addons.fast_training``), which a pool of one thread
per core runs side by side, while splitting each small operation over the cores cost more
in hand-offs than it saved. Measured on the reference machine's two cores (four epochs of
DIET, alternating runs): 53 and 61 s with TensorFlow's defaults, 50 and 52 s on one
thread, **36 and 38 s** with one thread within and two between operations.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, MutableMapping

from rasa.constants import ENV_CPU_INTER_OP_CONFIG, ENV_CPU_INTRA_OP_CONFIG

logger = logging.getLogger(__name__)

SERVING_THREADS = 1


BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")


def install() -> bool:
    """Whether TensorFlow was set to one thread (False: the operator's setting, or
    TensorFlow had already started and keeps its pools); NumPy's BLAS too."""
    blas_one_thread()
    if operator_set(os.environ):
        return False
    import tensorflow as tf

    threading = tf.config.threading
    if (
        threading.get_intra_op_parallelism_threads() == SERVING_THREADS
        and threading.get_inter_op_parallelism_threads() == SERVING_THREADS
    ):
        return True
    try:
        threading.set_intra_op_parallelism_threads(SERVING_THREADS)
        threading.set_inter_op_parallelism_threads(SERVING_THREADS)
    except RuntimeError:  # TensorFlow's runtime already started: its pools cannot change
        logger.warning("TensorFlow had started: it keeps its default thread pools")
        return False
    return True


def operator_set(environ: Mapping[str, str]) -> bool:
    """Whether Rasa's TensorFlow thread variables are set (the operator's choice)."""
    return bool(environ.get(ENV_CPU_INTRA_OP_CONFIG) or environ.get(ENV_CPU_INTER_OP_CONFIG))


def training_threads(environ: MutableMapping[str, str] = os.environ) -> bool:
    """Whether training's TensorFlow was set to one thread within operations and one per
    core between them, through Rasa's variables (which Rasa applies when it starts);
    False: the operator set one of them."""
    if operator_set(environ):
        return False
    environ[ENV_CPU_INTRA_OP_CONFIG] = "1"
    environ[ENV_CPU_INTER_OP_CONFIG] = str(os.cpu_count() or 1)
    return True


def blas_one_thread() -> bool:
    """Whether NumPy's BLAS was set to one thread (False: the operator's variables)."""
    if any(os.environ.get(name) for name in BLAS_VARIABLES):
        return False
    import numpy  # noqa: F401 - its BLAS must be loaded to be limited
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=SERVING_THREADS, user_api="blas")
    return True
