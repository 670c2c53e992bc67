#!/usr/bin/env bash
# Publishes the CLI as a self-contained, single-file `mixup` (the .NET runtime and libtorch inside; no SDK needed to run
# it) and packs it with the licence and a short readme as OUT/mixup-<version>-<rid>.tar.gz (.zip for Windows).
# Usage: build/release.sh [OUT] [RID...]      OUT defaults to dist/, RID to linux-x64
#        build/release.sh dist linux-x64 win-x64 osx-arm64    (win-x64 and osx-arm64 are packaged here, not run)
# linux-x64 is tested end to end by ReleaseArchiveTests: extracted into an empty folder, run with no dotnet on PATH.
# The natives (libtorch, ~490 MB) are extracted on first start into DOTNET_BUNDLE_EXTRACT_BASE_DIR (default ~/.net).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-dist}"
shift || true
rids=("$@")
if [ ${#rids[@]} -eq 0 ]; then rids=(linux-x64); fi
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n 1)
mkdir -p "$out"
out=$(cd "$out" && pwd)
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64|win-x64|osx-arm64) ;;
    *) echo "error: RID must be linux-x64, win-x64 or osx-arm64; got '$rid'." >&2; exit 2 ;;
  esac
  name="mixup-$version-$rid"
  stage="$out/$name"
  rm -rf "$stage" "$out/$name.publish"
  echo "== publishing $name"
  # Single file with the natives inside (extracted on first start): TorchSharp finds libtorch in the extraction folder,
  # and the Debian 12 fix of libLibTorchSharp.so (build/MixupSharp.targets) is applied to the copy that is bundled.
  dotnet publish src/MixupSharp.Cli/MixupSharp.Cli.csproj -c Release -r "$rid" --self-contained true \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=embedded \
    -p:GenerateDocumentationFile=false -nologo -v quiet -o "$out/$name.publish"
  mkdir -p "$stage/bin"
  if [ "$rid" = win-x64 ]; then
    mv "$out/$name.publish/MixupSharp.Cli.exe" "$stage/mixup.exe"
    rmdir "$stage/bin"
    target=mixup.exe
  else
    # A launcher beside the binary sets glibc's hugetlb tunable before the process starts (as ./mixup does): batch-sized
    # tensors then get transparent huge pages. Shell builtins only, so it runs with any PATH.
    mv "$out/$name.publish/MixupSharp.Cli" "$stage/bin/mixup"
    cat > "$stage/mixup" <<'LAUNCHER'
#!/bin/sh
# Runs bin/mixup; MIXUPSHARP_MALLOC_TUNING=off leaves glibc's malloc as it is.
if [ "${MIXUPSHARP_MALLOC_TUNING:-on}" != off ]; then
  GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1"
  export GLIBC_TUNABLES
fi
case "$0" in */*) here="${0%/*}" ;; *) here=. ;; esac
exec "$here/bin/mixup" "$@"
LAUNCHER
    chmod +x "$stage/mixup"
    target=mixup
  fi
  rm -rf "$out/$name.publish"
  cp LICENSE "$stage/LICENSE"
  cat > "$stage/README.txt" <<TEXT
MixupSharp $version for $rid: the mixup command line, self-contained (no .NET SDK or runtime needed).
  ./$target --help          the verbs; ./$target train --help for training (bin/ holds the binary itself)
  ./$target --version       the version and the commit it was built from
On first start the native libraries (libtorch, about 490 MB) are extracted into \$DOTNET_BUNDLE_EXTRACT_BASE_DIR
(default ~/.net); set it to a folder of your choice. Documentation: the repository's README and docs/.
TEXT
  if [ "$rid" = win-x64 ]; then
    (cd "$out" && rm -f "$name.zip" && python3 -c "import shutil,sys; shutil.make_archive(sys.argv[1], 'zip', '.', sys.argv[1])" "$name")
    archive="$out/$name.zip"
  else
    tar -C "$out" -czf "$out/$name.tar.gz" "$name"
    archive="$out/$name.tar.gz"
  fi
  rm -rf "$stage"
  echo "$archive: $(du -h "$archive" | cut -f1)"
done
