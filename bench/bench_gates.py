"""The NLU gates over several trainings that differ only by DIET's random seed.

`make bench-gates [SEEDS="42 1 2"] [EPOCHS=60] [DIET='{"learning_rate": 0.002}']` runs it
(DIET: other options of DIET, as JSON). A training is one random draw: float order,
dropout and initial weights move each held-out F1 by about 0.01 from one seed to
another, so a change of the training (an option, new examples) is judged on several
seeds, not on the one `make train` uses. Each seed trains the NLU part of config.yml
(``rasa train nlu``, the featurisers' cache shared, in a throw-away folder) and is gated
as `make test` gates (scripts/nlu_gate.py with the sets of scripts/test.sh); the table
gives each set's macro F1, the lowest intent over the two French sets, whether the seed
passed, and how long DIET's training took. About 10 minutes a seed on two cores.
Nothing of the project is changed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_training import ROOT, diet_config, diet_seconds, train_nlu

# As scripts/test.sh gates them (its NLU_SETS).
SETS = (
    "held_out=tests/nlu:0.95:0",
    "realistic=tests/nlu_real:0.90:0",
    "english=tests/nlu_en:0.90:0",
)
POOL = "french=held_out+realistic:0.80"
MACRO_SETS = ("held_out", "realistic", "english")


def gate(model: Path, out: Path) -> dict:
    """scripts/nlu_gate.py on ``model``: each set's JSON report, and whether all passed."""
    command = [sys.executable, "scripts/nlu_gate.py", "--model", str(model), "--out", str(out)]
    for spec in SETS:
        command += ["--set", spec]
    done = subprocess.run(
        [*command, "--pool", POOL], cwd=ROOT, capture_output=True, text=True, check=False
    )
    reports = {path.stem: json.loads(path.read_text()) for path in out.glob("*.json")}
    if done.returncode not in (0, 1) or set(reports) != {*MACRO_SETS, "french"}:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-3000:])
        raise SystemExit(f"the NLU gate did not run on {model.name}")
    return {"passed": done.returncode == 0, **reports}


def row(seed: int, result: dict, diet: float) -> str:
    """A line of the table: each set's macro F1, the lowest French intent, passed or not,
    DIET's training in seconds.

    >>> result = {"passed": False, "held_out": {"macro_f1": 0.9523}, "realistic":
    ...     {"macro_f1": 0.94}, "english": {"macro_f1": 0.915}, "french": {"intent_f1":
    ...     {"born_abroad": 0.79, "greet": 1.0}}}
    >>> row(42, result, 312.0)
    '| 42 | 0.952 | 0.940 | 0.915 | born_abroad 0.79 | no | 312 |'
    """
    macros = " | ".join(f"{result[name]['macro_f1']:.3f}" for name in MACRO_SETS)
    intent, f1 = min(result["french"]["intent_f1"].items(), key=lambda item: item[1])
    verdict = "yes" if result["passed"] else "no"
    return f"| {seed} | {macros} | {intent} {f1:.2f} | {verdict} | {diet:.0f} |"


def diet_options(text: str) -> dict[str, object]:
    """DIET options given on the command line, as a JSON object.

    >>> diet_options('{"learning_rate": 0.002, "batch_size": [128, 512]}')
    {'learning_rate': 0.002, 'batch_size': [128, 512]}
    >>> diet_options('[1]')
    Traceback (most recent call last):
    ...
    SystemExit: --diet: a JSON object of DIET's options, e.g. {"learning_rate": 0.002}
    """
    try:
        options = json.loads(text)
    except json.JSONDecodeError:
        options = None
    if not isinstance(options, dict):
        raise SystemExit('--diet: a JSON object of DIET\'s options, e.g. {"learning_rate": 0.002}')
    return options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="42 1 2", help="DIET's seeds, space-separated")
    parser.add_argument("--epochs", type=int, default=0, help="DIET's epochs (0: config.yml's)")
    parser.add_argument("--diet", default="{}", help="other DIET options, a JSON object")
    args = parser.parse_args()
    seeds = [int(seed) for seed in args.seeds.split()]
    options = diet_options(args.diet)
    print("| seed | held-out | realistic | English | lowest French intent | passed | DIET s |")
    print("|---|---|---|---|---|---|---|", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-gates-") as tmp:
        folder = Path(tmp)
        for seed in seeds:
            diet: dict[str, object] = {**options, "random_seed": seed}
            if args.epochs:
                diet["epochs"] = args.epochs
            name = f"seed-{seed}"
            log = train_nlu(diet_config(folder, name, **diet), folder, name)
            result = gate(folder / "models" / f"{name}.tar.gz", folder / "gates" / name)
            print(row(seed, result, diet_seconds(log)[0]), flush=True)


if __name__ == "__main__":
    main()
