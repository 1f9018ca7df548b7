"""Fails when the macro intent F1 of `rasa test nlu` is below the threshold."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(report_path: str, threshold: str) -> int:
    report = json.loads(Path(report_path).read_text(encoding="utf-8"))
    macro = report["macro avg"]["f1-score"]
    weak = sorted(
        (name, values["f1-score"])
        for name, values in report.items()
        if isinstance(values, dict)
        and "support" in values
        and name not in ("macro avg", "weighted avg", "micro avg")
        and values["f1-score"] < 0.85
    )
    print(f"NLU held-out set: macro intent F1 = {macro:.3f} (threshold {float(threshold):.2f})")
    for name, f1 in weak:
        print(f"  weak intent: {name} F1 = {f1:.2f}")
    if macro < float(threshold):
        print("FAILED: macro intent F1 below the threshold", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
