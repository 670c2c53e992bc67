#!/usr/bin/env bash
# The streaming loader against PyTorch's, alternated in one run (docs/BENCHMARKS.md, "Streaming an image folder"):
# the same 2,000 JPEGs at 256 px, RandomResizedCrop 224 + flip + normalize, batch 64, 2 workers each side, ROUNDS
# rounds of A, A with glibc's malloc untuned, then B, each round 3 epochs of which the first (warm-up: page cache, worker start) is dropped.
# Then resnet18's training step on this machine (mixup models), for the loader-to-step ratio.
# Usage: bench/loader/run.sh [ROUNDS]   (run on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-5}"
dir="${TMPDIR:-/tmp}/mixupsharp-loader-bench"
if [ ! -d "$dir/train" ]; then /usr/bin/python3 bench/loader/make_folder.py "$dir"; fi
for r in $(seq "$rounds"); do
  ./mixup loader --dataset folder --data-dir "$dir" --image-size 224 --workers 2 --batch-size 64 --epochs 3 --threads 1 \
    | grep '^epoch [23]:' | sed 's/^epoch \([0-9]\): \([0-9.]*\) images.*/mixupsharp \1 \2/'
  # The same loader with glibc's malloc left as it is (MixupSharp.Training.LargeAllocations off): what the reuse buys.
  MIXUPSHARP_MALLOC_TUNING=off ./mixup loader --dataset folder --data-dir "$dir" --image-size 224 --workers 2 --batch-size 64 --epochs 3 --threads 1 \
    | grep '^epoch [23]:' | sed 's/^epoch \([0-9]\): \([0-9.]*\) images.*/mixupsharp-glibc-default \1 \2/'
  /usr/bin/python3 bench/loader/torch_loader.py "$dir" 3 | grep -v '^torch 1 '
done | tee /dev/stderr | /usr/bin/python3 -c '
import collections, statistics, sys
rates = collections.defaultdict(list)
for line in sys.stdin:
    name, _, rate = line.split()
    rates[name].append(float(rate))
for name, v in sorted(rates.items()):
    print(f"{name}: median {statistics.median(v):.0f} images/s, min {min(v):.0f}, max {max(v):.0f} ({len(v)} epochs)")
for name in ("mixupsharp", "mixupsharp-glibc-default"):
    if name in rates and "torch" in rates:
        ratio = statistics.median(rates[name]) / statistics.median(rates["torch"])
        print(f"ratio {name}/torch of the medians: {ratio:.2f}")
'
./mixup models --repeats 5 | grep -E '^\| (model|resnet18) '
