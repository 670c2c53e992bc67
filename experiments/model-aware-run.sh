#!/usr/bin/env bash
# The model-aware study (issue 30), start to end, resumable: the sweeps of PuzzleMix's α (SeedNet) and AutoMix's
# (fast-resnet) at 4,000 images, then the main grids with the chosen values beside the committed ERM and CutMix runs.
# Every step is `compare`, so running this again skips completed runs and continues unfinished ones from their
# checkpoints. PROCESSES compare processes share each
# grid (--shard free), one thread each; the default 1 leaves a core free.
set -euo pipefail
cd "$(dirname "$0")/.."
processes=${PROCESSES:-1}

grid() {   # grid VARIANTS OUT [compare options...]
    local variants=$1 out=$2
    shift 2
    local pids=()
    for _ in $(seq "$processes"); do
        ./mixup compare --variants "$variants" --out "$out" --threads 1 --shard free "$@" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    ./mixup compare --variants "$variants" --out "$out" --report-only "$@"
}

grid experiments/fashion-mnist-model-aware-sweep.json experiments/fashion-mnist-model-aware-sweep --select-by best_val_error
grid experiments/fashion-mnist-model-aware-sweep-fast-resnet.json experiments/fashion-mnist-model-aware-sweep-fast-resnet --select-by best_val_error
python3 experiments/model-aware-grids.py 1000:seednet 1000:fast-resnet:puzzlemix:automix 4000:seednet
for name in fashion-mnist-model-aware-n1000 fashion-mnist-model-aware-fast-resnet-n1000 fashion-mnist-model-aware-n4000; do
    grid "experiments/$name.json" "experiments/$name" --also-against cutmix
done
