#!/usr/bin/env bash
# LIT inference throughput, GeoDense vs the reference PyTorch implementation, measured in one run, interleaved so
# both see the same machine state. Usage:
#   bench/Backbones/lit_vs_reference.sh LIT_REPO [variants...]      (variants: ti s m b; default ti)
# LIT_REPO: a checkout of ziplab/LIT (e.g. git --git-dir=<mirror> archive HEAD classification detection | tar x -C DIR);
# never committed here. Env: BATCH (16), SIZE (224), THREADS (2), BENCH_SECONDS (10), ROUNDS (2),
# GEODENSE (the command to run; default ./geodense, which builds first).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REPO="${1:?usage: $0 LIT_REPO [variants...]}"; shift
VARIANTS=("$@"); [ ${#VARIANTS[@]} -eq 0 ] && VARIANTS=(ti)
BATCH="${BATCH:-16}" SIZE="${SIZE:-224}" THREADS="${THREADS:-2}" SECONDS_="${BENCH_SECONDS:-10}" ROUNDS="${ROUNDS:-2}"
if [ -z "${GEODENSE:-}" ]; then GEODENSE="$ROOT/geodense"; "$GEODENSE" build >/dev/null; fi
echo "# $(date -u +%FT%TZ) $(nproc) cores, batch $BATCH, ${SIZE}x${SIZE}, $THREADS threads, ${SECONDS_}s per measurement"
for round in $(seq "$ROUNDS"); do
  for v in "${VARIANTS[@]}"; do
    /usr/bin/python3 "$ROOT/tools/reference/bench_lit_ref.py" "$REPO" "$v" "$BATCH" "$SIZE" "$SIZE" "$THREADS" "$SECONDS_" 2>/dev/null
    $GEODENSE model bench --arch "lit-$v" --batch "$BATCH" --size "$SIZE" --threads "$THREADS" --seconds "$SECONDS_" | tail -1
  done
done
