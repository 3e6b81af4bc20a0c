#!/usr/bin/env bash
# GeoDense on a CUDA machine, as ONE script: build the shim against the machine's Python torch (CUDA libtorch 2.x),
# check LeMeViT parity on CUDA against the reference fixture, and time `geodense model bench` against PyTorch eager
# on the same GPU in fp32 and bf16. Needs python3 with CUDA torch, cmake, g++, nvcc; no dotnet, no GDAL.
# Run from the repo root with bench/gpu/bundle carried (made by bench/gpu/prepare.sh):   bash bench/gpu/run.sh
# Writes $OUT/gpu-results.txt (plus build logs). Env: SECONDS_PER_RUN (5), VARIANTS ("tiny small"), BATCH (64).
set -uo pipefail
ROOT="$(pwd)"
OUT="${OUT:-/tmp/geodense-gpu}"; mkdir -p "$OUT"
RESULTS="$OUT/gpu-results.txt"; : > "$RESULTS"
BUNDLE="$ROOT/bench/gpu/bundle"
WORK="$(mktemp -d)"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}" VARIANTS="${VARIANTS:-tiny small}" BATCH="${BATCH:-64}"
say() { echo "$*" | tee -a "$RESULTS"; }
fail() { say "FAILED: $*"; exit 1; }
[ -f "$BUNDLE/geodense-linux-x64.tar.xz" ] || fail "no $BUNDLE/geodense-linux-x64.tar.xz: run bench/gpu/prepare.sh on the build machine and carry bench/gpu/bundle"

export PATH="$PATH:/usr/local/cuda/bin"
TORCH_LIB="$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__) + "/lib")')" || fail "python3 cannot import torch"
say "# $(date -u +%FT%TZ) $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
say "# torch $(python3 -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda)'), $(nproc) cores"

# 1. the shim against this torch (about 1-3 min on 16 cores)
TORCH_DIR="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')/Torch"
start=$(date +%s)
{ cmake -S src/Native -B "$WORK/native" -DCMAKE_BUILD_TYPE=Release -DTorch_DIR="$TORCH_DIR" \
  && cmake --build "$WORK/native" -j"$(nproc)"; } > "$OUT/native-build.log" 2>&1 \
  || { tail -40 "$OUT/native-build.log" | tee -a "$RESULTS"; fail "shim build (log: native-build.log)"; }
say "shim built against $TORCH_DIR in $(( $(date +%s) - start )) s"

# 2. the self-contained CLI with this shim beside it
mkdir -p "$WORK/app" && tar -C "$WORK/app" -xJf "$BUNDLE/geodense-linux-x64.tar.xz" || fail "unpacking the CLI bundle"
cp "$WORK/native/libgeodense_native.so" "$WORK/app/"
export LD_LIBRARY_PATH="$TORCH_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
GD="$WORK/app/geodense"
"$GD" version >> "$RESULTS" 2>&1 || fail "the CLI does not start (see above)"

# 3. parity: LeMeViT nano reference fixture, forward on cuda and on cpu through the same libtorch
FIX="$ROOT/tests/fixtures/lemevit-nano"
for device in cuda cpu; do
  "$GD" model forward --arch lemevit-nano --weights "$FIX/weights.pth" --input "$FIX/io.safetensors" \
    --output "$WORK/nano-$device.safetensors" --device "$device" > "$OUT/forward-$device.log" 2>&1 \
    || { cat "$OUT/forward-$device.log" >> "$RESULTS"; say "parity $device: forward FAILED"; continue; }
  # cpu: the repo's 1e-4; cuda: cuDNN convolutions use TF32 by default (as in PyTorch), so 1e-4 is reported and 2e-3 decides
  say "parity $device (lemevit-nano fixture, tolerance 1e-4 x max(1, |ref|)):"
  python3 bench/gpu/compare_outputs.py "$WORK/nano-$device.safetensors" "$FIX/io.safetensors" 1e-4 >> "$RESULTS" 2>&1 \
    || { [ "$device" = cuda ] && python3 bench/gpu/compare_outputs.py "$WORK/nano-$device.safetensors" "$FIX/io.safetensors" 2e-3 > /dev/null 2>&1 \
         && say "  (over 1e-4 but within 2e-3: TF32 convolutions)"; } || say "  parity $device: OVER tolerance"
done

# 4. throughput: ours vs PyTorch eager on this GPU, interleaved, fp32 and bf16
say "throughput, batch $BATCH at 224x224, ${SECONDS_PER_RUN}s per measurement, ours and eager interleaved:"
for v in $VARIANTS; do
  for p in fp32 bf16; do
    python3 bench/gpu/eager_bench.py "$BUNDLE/reference" "$v" "$BATCH" 224 "$SECONDS_PER_RUN" "$p" 2>&1 | tail -1 | tee -a "$RESULTS"
    "$GD" model bench --arch "lemevit-$v" --batch "$BATCH" --size 224 --device cuda --precision "$p" --seconds "$SECONDS_PER_RUN" 2>&1 \
      | tail -2 | tee -a "$RESULTS"
  done
done
nvidia-smi --query-gpu=name,utilization.gpu,memory.used --format=csv >> "$RESULTS" 2>&1
say "done in $SECONDS s"
rm -rf "$WORK"
