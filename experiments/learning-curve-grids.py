#!/usr/bin/env python3
"""Writes the main grids of the learning-curve study (issue 18) from the sweep's choices.

Each method's hyperparameter is the one experiments/fashion-mnist-learning-curve-sweep/selection.csv marks chosen
(lowest best validation error at 4,000 images, seed 1); it is then fixed for every size. Arguments are
SIZE:EPOCHS:SEEDS[:MODEL], the epochs being the budget the pilot chose for that size (docs/RESULTS.md) and the model
SeedNet unless given (another model's grid is named after it). EPOCHS "pilot" applies the pilot's rule itself: of the
budgets the pilot plans at SIZE (its JSON), the one with the lowest mean of ERM's and Mixup's best validation error
(experiments/fashion-mnist-learning-curve-pilot/runs.csv; both runs of every budget must be complete). Run from anywhere:

    python3 experiments/learning-curve-grids.py 1000:200:5 4000:100:5 1000:200:5:fast-resnet 15000:pilot:3
"""
import csv
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
sweep_dir = root / "experiments" / "fashion-mnist-learning-curve-sweep"
chosen = {r["group"]: r["variant"] for r in csv.DictReader(open(sweep_dir / "selection.csv")) if r["chosen"] == "True"}
swept = {v["name"]: v for v in json.load(open(root / "experiments" / "fashion-mnist-learning-curve-sweep.json"))["variants"]}
methods = ["erm", "mixup", "cutmix", "random-erasing", "mdm-append", "fmix", "trivialaugment", "ta-mixup"]
shared = {"dataset": "fashion-mnist", "model": "seednet", "batch-size": 128, "lr": 0.05, "momentum": 0.9, "weight-decay": 5e-4,
          "schedule": "cosine", "validation": 2000, "train-error-every": 5}


def pilot_budget(size):
    """The pilot's rule for the budget at one size; prints each budget's evidence so the choice can be checked."""
    runs = {r["variant"]: r for r in csv.DictReader(open(root / "experiments" / "fashion-mnist-learning-curve-pilot" / "runs.csv")) if r["completed"] == "True"}
    planned = json.load(open(root / "experiments" / "fashion-mnist-learning-curve-pilot.json"))["variants"]
    budgets = sorted({v["epochs"] for v in planned if v["train-subset"] == size})   # every planned budget, not only the finished ones
    means = {}
    for e in budgets:
        pair = [runs.get(f"{m}-n{size}-e{e}") for m in ("erm", "mixup")]
        if None in pair:
            sys.exit(f"error: the pilot has not completed both ERM and Mixup at {size:,} images and {e} epochs; finish the pilot first.")
        means[e] = sum(float(r["best_val_error"]) for r in pair) / 2
        print(f"pilot at {size:,} images, {e} epochs: best validation error ERM {float(pair[0]['best_val_error']):.2%}, Mixup {float(pair[1]['best_val_error']):.2%}, mean {means[e]:.3%}")
    if not means:
        sys.exit(f"error: the pilot plans no budget at {size:,} images (experiments/fashion-mnist-learning-curve-pilot.json).")
    return min(means, key=means.get)


def variant(name):
    if name in swept:   # nothing to sweep (ERM, TrivialAugment): as the sweep ran it
        return dict(swept[name])
    if name not in chosen:
        sys.exit(f"error: the sweep has chosen nothing for '{name}' yet ({sweep_dir / 'selection.csv'}); finish the sweep first.")
    v = {k: x for k, x in swept[chosen[name]].items() if k != "group"}
    v["name"] = name
    return v


for arg in sys.argv[1:]:
    fields = arg.split(":")
    size, seeds = int(fields[0]), int(fields[2])
    epochs = pilot_budget(size) if fields[1] == "pilot" else int(fields[1])
    model = fields[3] if len(fields) > 3 else "seednet"
    path = f"experiments/fashion-mnist-learning-curve-n{size}.json" if model == "seednet" else f"experiments/fashion-mnist-learning-curve-{model}-n{size}.json"
    grid = {
        "//": f"Issue 18, main grid at {size:,} training images{'' if model == 'seednet' else ', model ' + model}: {epochs} epochs (the budget the pilot chose for this size, the same for every method), {seeds} seeds (runs with one seed share their stratified subset), the shared 2,000-image validation set, each method's hyperparameter as chosen by experiments/fashion-mnist-learning-curve-sweep (selection.csv; written by experiments/learning-curve-grids.py). Run (one process per core, each taking the runs nobody holds): ./mixup compare --variants {path} --out {path[:-5]} --threads 1 --shard free",
        "seeds": list(range(1, seeds + 1)),
        "shared": dict(shared, **{"model": model, "train-subset": size, "epochs": epochs}),
        "variants": [variant(n) for n in methods],
    }
    (root / path).write_text(json.dumps(grid, indent=2))
    print(path, ", ".join(f"{v['name']}" + (f" (alpha {v['alpha']})" if "alpha" in v else f" (p {v['prob']})" if "prob" in v else "") for v in grid["variants"]))
