"""Starts one server of the assistant as a well-behaved child of scripts/run.sh.

    python scripts/launch.py rasa run --model …     # Rasa's command line
    python scripts/launch.py -m actions.server      # a module, like python -m
    python scripts/launch.py scripts/serve_web.py   # a script

- The server dies with the script that started it (Linux ``PR_SET_PDEATHSIG``): even a
  killed ``run.sh`` (closed terminal, ``kill -9``) leaves nothing listening behind.
- With ``QUIET_WARNINGS=1`` (``make run``, ``make shell``), the known deprecation warnings
  that third-party packages print at start-up (pkg_resources, pyparsing, SQLAlchemy 1.4,
  distutils, Keras, JAX…) are not shown, so what a user sees is the assistant's own output.
  Any other warning, and every warning of the project's own code, is still shown; the
  tests never set it.
"""

from __future__ import annotations

import ctypes
import os
import re
import runpy
import signal
import sys
import warnings
from typing import Any, TextIO

PR_SET_PDEATHSIG = 1

# (category name, start of the message) of warnings that packages we cannot change print
# at every start. Matched only for code under site-packages.
KNOWN_WARNINGS: tuple[tuple[str, str], ...] = (
    ("DeprecationWarning", r"pkg_resources is deprecated"),
    ("DeprecationWarning", r"Deprecated call to `pkg_resources\.declare_namespace"),
    ("DeprecationWarning", r"distutils Version classes are deprecated"),
    ("DeprecationWarning", r"jax\.xla_computation is deprecated"),
    ("DeprecationWarning", r"invalid escape sequence"),
    ("DeprecationWarning", r"the imp module is deprecated"),
    ("PyparsingDeprecationWarning", r"'\w+' deprecated - use '\w+'"),
    ("SADeprecationWarning", r"Calling URL\(\) directly is deprecated"),
    ("MovedIn20Warning", r""),
    ("UserWarning", r"You are using an old version of rasa"),
)
_KNOWN = tuple((name, re.compile(pattern)) for name, pattern in KNOWN_WARNINGS)


def is_known(category: type[Warning], message: str, filename: str) -> bool:
    """Whether a warning is one of the known third-party start-up warnings."""
    if "site-packages" not in filename:
        return False
    names = {cls.__name__ for cls in category.__mro__}
    return any(name in names and pattern.match(message) for name, pattern in _KNOWN)


def quiet_known_warnings() -> None:
    """Drops the known third-party warnings at display time (Rasa resets the filters)."""
    show = warnings.showwarning

    def showwarning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not is_known(category, str(message), filename):
            show(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


def die_with_parent() -> None:
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: run.sh's traps still stop us
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        sys.exit(1)


def main(argv: list[str]) -> Any:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    die_with_parent()
    from addons import blas_kernels

    blas_kernels.install()  # before anything loads NumPy's OpenBLAS
    if os.environ.get("QUIET_WARNINGS") == "1":
        quiet_known_warnings()
    if argv[0] == "rasa":
        from addons import lean_imports

        lean_imports.install()  # before Rasa's command line imports TensorFlow

        from rasa.__main__ import main as rasa_main

        from addons import startup

        startup.install()

        sys.argv = argv
        return rasa_main()
    if argv[0] == "-m" and len(argv) > 1:
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return 0
    sys.argv = argv
    runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
