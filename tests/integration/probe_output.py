"""How a probe of tests/integration hands its JSON report to the test that ran it: in the
file named by ``PROBE_REPORT`` (a report of 100 KB printed on stdout was once cut by a
log line another thread wrote in its middle), else on stdout."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

PROBE_REPORT = "PROBE_REPORT"


def emit(report: Any) -> None:
    text = json.dumps(report)
    target = os.environ.get(PROBE_REPORT)
    if target:
        Path(target).write_text(text, encoding="utf-8")
    else:
        print(text)
