#!/usr/bin/env bash
# One command from a fresh clone on Debian 12 with the .NET 10 SDK: restore, build (the build itself applies the
# libstdc++ fix to TorchSharp's native library), then run the main job.
# Usage: ./setup.sh            (until the trainer exists, the main job is the mixing sample)
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

echo "== restore and build (Release)"
dotnet build MixupSharp.sln -c Release -nologo -v quiet -clp:ErrorsOnly
echo "== main job: samples/MixupSharp.Sample"
dotnet run --project samples/MixupSharp.Sample -c Release --no-build
