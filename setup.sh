#!/usr/bin/env bash
# One command from a fresh clone on Debian 12 with the .NET 10 SDK: installs Fashion-MNIST (Debian's
# dataset-fashion-mnist) when missing, restores and builds everything (the build applies the libstdc++ fix to
# TorchSharp's native library), then runs the main job: SeedNet trained with Mixup on Fashion-MNIST (about 5 minutes
# on 2 cores), printing the final metrics and where the run folder and its plots are.
# Usage: ./setup.sh [extra ./mixup train options, e.g. --epochs 2]
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK is required (dotnet not found on PATH). On Debian 12 see https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2
  exit 1
fi
major=$(dotnet --version | cut -d. -f1)
if [ "${major:-0}" -lt 10 ]; then
  echo "error: the .NET 10 SDK is required; found $(dotnet --version)." >&2
  exit 1
fi

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "== installing Fashion-MNIST (Debian package dataset-fashion-mnist)"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get install -y dataset-fashion-mnist || { $sudo_cmd apt-get update && $sudo_cmd apt-get install -y dataset-fashion-mnist; }
fi

echo "== restore and build (Release)"
dotnet build MixupSharp.sln -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"

out="runs/quickstart-$(date +%Y%m%d-%H%M%S)"
echo "== main job: ./mixup train (SeedNet + Mixup on Fashion-MNIST) into $out"
./mixup train --dataset fashion-mnist --model seednet --method mixup --alpha 0.2 --epochs 10 --batch-size 128 \
  --lr 0.05 --schedule cosine --seed 1 --out "$out" "$@"
echo "== run folder: $out (config.json, metrics.csv, summary.json, reliability.json, checkpoint.bin, TensorBoard events)"
echo "== plots: $out/learning-curves.png, $out/reliability.png, $out/augmented-samples.png"
