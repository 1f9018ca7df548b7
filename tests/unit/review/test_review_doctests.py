"""The examples in the review package's docstrings hold (``make test`` runs the domain
package's doctests; this runs the review package's)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import review

MODULES = sorted(name for _, name, _ in pkgutil.iter_modules(review.__path__, "review."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_the_review_package_imports_neither_rasa_nor_the_action_server() -> None:
    """It reads the stores directly; importing it leaves Rasa unloaded."""
    import subprocess
    import sys

    code = (
        "import sys, review.app, review.__main__; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'rasa', 'rasa_sdk', 'actions'}))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
