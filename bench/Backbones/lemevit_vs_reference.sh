#!/usr/bin/env bash
# LeMeViT inference throughput, GeoDense vs the reference PyTorch implementation, measured in one run,
# interleaved so both see the same machine state. Usage:
#   bench/Backbones/lemevit_vs_reference.sh REF_LEMEVIT_PY [variants...] [-- extra geodense bench args]
# REF_LEMEVIT_PY: the reference repo's models/lemevit.py exported from a fetched mirror
#   (git --git-dir=<mirror> show HEAD:models/lemevit.py > /tmp/ref_lemevit.py); never committed here.
# Env: BATCH (16), SIZE (224), THREADS (2), BENCH_SECONDS (10), ROUNDS (2), REF_TOOLS (shared/tools/reference).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REF="${1:?usage: $0 REF_LEMEVIT_PY [variants...]}"; shift
VARIANTS=(); while [ $# -gt 0 ] && [ "$1" != "--" ]; do VARIANTS+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#VARIANTS[@]} -eq 0 ] && VARIANTS=(tiny small)
BATCH="${BATCH:-16}" SIZE="${SIZE:-224}" THREADS="${THREADS:-2}" SECONDS_="${BENCH_SECONDS:-10}" ROUNDS="${ROUNDS:-2}"
REF_TOOLS="${REF_TOOLS:-$ROOT/../shared/tools/reference}"
[ -f "$REF_TOOLS/bench_ref.py" ] || REF_TOOLS=/work/shared/tools/reference
"$ROOT/geodense" build >/dev/null
echo "# $(date -u +%FT%TZ) $(nproc) cores, batch $BATCH, ${SIZE}x${SIZE}, $THREADS threads, ${SECONDS_}s per measurement"
for round in $(seq "$ROUNDS"); do
  for v in "${VARIANTS[@]}"; do
    /usr/bin/python3 "$REF_TOOLS/bench_ref.py" "$REF" "$v" "$BATCH" "$SIZE" "$SIZE" "$THREADS"
    "$ROOT/geodense" model bench --arch "lemevit-$v" --batch "$BATCH" --size "$SIZE" --threads "$THREADS" --seconds "$SECONDS_" "$@" | tail -1
  done
done
