#!/usr/bin/env bash
# LeMeViT inference in fp32, bf16 and int8, interleaved in one run (each `model bench` also prints the fp32 GEMM
# ceiling it measured; a bf16 run also oneDNN's bf16/fp32 linear ratio, the most bf16 can gain on this machine).
# Usage: bench/Backbones/precision_ab.sh [variant]   Env: BATCH (4), SIZE (224), THREADS (2),
# BENCH_SECONDS (8), ROUNDS (2), GEODENSE (the CLI; default: this checkout's Release build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VARIANT="${1:-tiny}" BATCH="${BATCH:-4}" SIZE="${SIZE:-224}" THREADS="${THREADS:-2}" SECONDS_="${BENCH_SECONDS:-8}" ROUNDS="${ROUNDS:-2}"
G="${GEODENSE:-$ROOT/src/Cli/bin/Release/net10.0/geodense}"
for round in $(seq "$ROUNDS"); do
  for p in fp32 bf16 int8; do
    echo "round $round $p ($(uptime | sed 's/.*load/load/'))"
    "$G" model bench --arch "lemevit-$VARIANT" --batch "$BATCH" --size "$SIZE" --threads "$THREADS" --seconds "$SECONDS_" --precision "$p" 2>/dev/null | grep -E "^(effective|oneDNN linear)|passes: fastest|img/s$"
  done
done
