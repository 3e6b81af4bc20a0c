#!/usr/bin/env bash
# Builds what bench/gpu/run.sh needs on a CUDA machine that has no dotnet and no GDAL, into bench/gpu/bundle/
# (git-ignored; carry it). Run here, on the build machine, from the repo root:
#   bench/gpu/prepare.sh LEMEVIT_MIRROR_GIT_DIR
# LEMEVIT_MIRROR_GIT_DIR: a git dir of ViTAE-Transformer/LeMeViT (its models/lemevit.py is the PyTorch eager
# baseline; it is put in the bundle, never committed). The bundle must stay small: the device run carries the whole
# working tree (~28 MB) plus it within 64 MiB.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MIRROR="${1:?usage: $0 LEMEVIT_MIRROR_GIT_DIR}"
REF_TOOLS="${REF_TOOLS:-$ROOT/../shared/tools/reference}"
[ -f "$REF_TOOLS/make_lemevit_fixture.py" ] || REF_TOOLS=/work/shared/tools/reference
BUNDLE="$ROOT/bench/gpu/bundle"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
rm -rf "$BUNDLE"; mkdir -p "$BUNDLE/reference"

# Self-contained CLI without the shim (run.sh builds it against the GPU machine's CUDA libtorch). Framework
# assemblies are trimmed (TrimMode=partial keeps ours and the reflection-heavy libraries whole); the trim analyser's
# warnings are not errors for this throw-away publish; reflection-based JSON stays on (configs and metadata use it).
# Invariant globalization: the GPU machine may lack libicu.
dotnet publish "$ROOT/src/Cli" -c Release -r linux-x64 --self-contained -nologo -v q -o "$STAGE/app" \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:SuppressTrimAnalysisWarnings=true -p:TreatWarningsAsErrors=false \
  -p:JsonSerializerIsReflectionEnabledByDefault=true -p:InvariantGlobalization=true -p:DebugType=none >&2
rm -f "$STAGE/app/libgeodense_native.so"
tar -C "$STAGE/app" -cf - . | xz -T2 -6 > "$BUNDLE/geodense-linux-x64.tar.xz"

git --git-dir="$MIRROR" show HEAD:models/lemevit.py > "$BUNDLE/reference/lemevit.py"
cp -r "$REF_TOOLS/stubs" "$REF_TOOLS/make_lemevit_fixture.py" "$BUNDLE/reference/"
du -sh "$BUNDLE"/* >&2
echo "bundle: $BUNDLE ($(du -sm "$BUNDLE" | cut -f1) MiB)"
