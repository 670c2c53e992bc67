#!/usr/bin/env bash
# The README's worked example, end to end: your own photos = Fashion-MNIST exported as a PNG folder at 64x64 RGB;
# resnet18 trained from scratch, ERM against --recipe little-data, 3 seeds, paired; then export and predict.
# Usage: experiments/worked-example/run.sh [OUT]        (about 1.5 hours on 2 idle cores; resumable: run it again to continue)
#        TINY=1 experiments/worked-example/run.sh OUT   (the test's size: 40 + 20 images, 1 epoch, 1 seed)
# FASHION_MNIST_DIR names where Fashion-MNIST's files are (default: where ./mixup datasets finds them).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-experiments/worked-example}"
data="$out/data"
mkdir -p "$out"
variants=experiments/worked-example/variants.json
if [ "${TINY:-0}" = 1 ]; then
  counts=(--train-count 40 --export-test-count 20)
  tiny_variants="$out/tiny-variants.json"
  sed -e 's/"seeds": \[1, 2, 3\]/"seeds": [1]/' -e 's/"epochs": 15/"epochs": 1/g' -e 's/"validation": 200/"validation": 10/' "$variants" > "$tiny_variants"
  variants="$tiny_variants"
else
  counts=(--train-count 2200)
fi
if [ ! -d "$data/train" ]; then
  ./mixup datasets --export-folder "$data" --dataset fashion-mnist ${FASHION_MNIST_DIR:+--data-dir "$FASHION_MNIST_DIR"} --size 64 --channels 3 "${counts[@]}" --seed 0
fi
./mixup compare --variants "$variants" --data-dir "$data" --out "$out/grid" --baseline erm --threads 2
run="$out/grid/little-data/s1"
./mixup export --run "$run" --format pt --out "$out/little-data-s1.pt" --overwrite
./mixup predict --run "$run" --top 2 "$data/test/Sneaker" | head -n 3
