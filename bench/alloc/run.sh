#!/usr/bin/env bash
# The batch ops under glibc's defaults, with its mmap path off, and with its hugetlb tunable (docs/BENCHMARKS.md).
# Usage: bench/alloc/run.sh   (on an otherwise idle machine)
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" >&2
dll=bin/Release/net10.0/BatchAllocations.dll
for round in 1 2 3; do
  echo "== round $round: glibc defaults";  env -u GLIBC_TUNABLES dotnet "$dll"
  echo "== round $round: mmap off";        env -u GLIBC_TUNABLES MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1073741824 dotnet "$dll"
  echo "== round $round: hugetlb";         GLIBC_TUNABLES=glibc.malloc.hugetlb=1 dotnet "$dll"
done
