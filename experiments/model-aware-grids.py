#!/usr/bin/env python3
"""Writes the main grids of the model-aware study (issue 30) from the sweep's choice, and copies in the committed runs.

Each method's α is the one its sweep's selection.csv marks chosen (lowest best validation error at 4,000 images, seed 1:
PuzzleMix on SeedNet, AutoMix on fast-resnet), then fixed for every grid. Each grid is the issue-18 grid of the same size and model with
its ERM and CutMix variants as they were (same options, so the same configuration hashes) plus the new methods; the
committed ERM and CutMix runs are copied into the new grid folder, so `compare` finds them complete and trains only the
new variants, and the committed grids and their p-values stay as they are. Arguments are SIZE:MODEL[:METHOD...]:

    python3 experiments/model-aware-grids.py 1000:seednet 4000:seednet 1000:fast-resnet:puzzlemix:automix
"""
import csv
import json
import pathlib
import shutil
import sys

root = pathlib.Path(__file__).resolve().parent.parent
# PuzzleMix was swept on SeedNet, AutoMix (which needs a third residual stage) on fast-resnet.
sweeps = ["fashion-mnist-model-aware-sweep", "fashion-mnist-model-aware-sweep-fast-resnet"]
chosen, swept, selection = {}, {}, None
for name in sweeps:
    selection = root / "experiments" / name / "selection.csv"
    if selection.exists():
        chosen.update({r["group"]: r["variant"] for r in csv.DictReader(open(selection)) if r["chosen"] == "True"})
    swept.update({v["name"]: v for v in json.load(open(root / "experiments" / f"{name}.json"))["variants"]})


def new_variant(group):
    if group not in chosen:
        sys.exit(f"error: no sweep has chosen anything for '{group}' yet ({', '.join(sweeps)}); finish the sweeps first.")
    v = {k: x for k, x in swept[chosen[group]].items() if k != "group"}
    v["name"] = group
    return v


for arg in sys.argv[1:]:
    fields = arg.split(":")
    size, model = int(fields[0]), fields[1]
    methods = fields[2:] or ["puzzlemix"]
    old_name = f"fashion-mnist-learning-curve-n{size}" if model == "seednet" else f"fashion-mnist-learning-curve-{model}-n{size}"
    new_name = f"fashion-mnist-model-aware-n{size}" if model == "seednet" else f"fashion-mnist-model-aware-{model}-n{size}"
    old = json.load(open(root / "experiments" / f"{old_name}.json"))
    kept = [v for v in old["variants"] if v["name"] in ("erm", "cutmix")]
    grid = {
        "//": f"Issue 30: {', '.join(methods)} beside the committed ERM and CutMix runs of experiments/{old_name} (copied in, "
              f"same options), the same shared options, validation set and seeds; PuzzleMix's α as experiments/"
              f"fashion-mnist-model-aware-sweep* chose them (written by experiments/model-aware-grids.py). Run: ./mixup compare "
              f"--variants experiments/{new_name}.json --out experiments/{new_name} --threads 1 --shard free",
        "seeds": old["seeds"],
        "shared": old["shared"],
        "variants": kept + [new_variant(m) for m in methods],
    }
    path = root / "experiments" / f"{new_name}.json"
    path.write_text(json.dumps(grid, indent=2, ensure_ascii=False) + "\n")
    for v in kept:
        for s in old["seeds"]:
            source = root / "experiments" / old_name / v["name"] / f"s{s}"
            target = root / "experiments" / new_name / v["name"] / f"s{s}"
            if source.exists() and not target.exists():
                shutil.copytree(source, target)
    print(f"{path.relative_to(root)}: {', '.join(v['name'] for v in grid['variants'])}; ERM and CutMix runs copied from experiments/{old_name}")
