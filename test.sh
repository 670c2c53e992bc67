#!/usr/bin/env bash
# Builds and runs the whole test suite; TRX results land in TestResults/.
# Usage: ./test.sh [extra dotnet test arguments]
set -euo pipefail
cd "$(dirname "$0")"
rm -rf TestResults
dotnet build MixupSharp.sln -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary"
dotnet test MixupSharp.sln -c Release --no-build --nologo --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" --results-directory TestResults "$@"
