#!/usr/bin/env bash
# Spark scaling from 1 to 2 local executors (docs/SPARK.md): pairs and evaluation from one teacher,
# local[1] and local[2] interleaved over ROUNDS rounds; prints the jobs' own times and checks that
# the stores are identical. Usage: bench/spark-scaling.sh TEACHER.ckpt [ROUNDS] [OUTDIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEACHER="$1"; ROUNDS="${2:-3}"; OUT="${3:-$ROOT/runs/spark-scaling}"
PAIRS=(--direction backward --count 200000 --set pairs.shard_size=10000 --set pairs.nfe=9)
mkdir -p "$OUT"
for round in $(seq "$ROUNDS"); do
  for n in 1 2; do
    rm -rf "$OUT/pairs-$n"
    "$ROOT/reflowkit-spark/local.sh" "local[$n]" SparkPairs --teacher "$TEACHER" --out "$OUT/pairs-$n" \
      --partitions "$n" "${PAIRS[@]}" 2>/dev/null | sed -n "s/^wrote .*(\(.*\))$/pairs local[$n] round $round: \1/p"
    "$ROOT/reflowkit-spark/local.sh" "local[$n]" SparkEval --model "$TEACHER" --count 200000 --nfe 2,9 \
      --partitions "$n" --out "$OUT/eval-$n.json" 2>/dev/null | sed "s/^/eval local[$n] round $round: /"
    grep -o '"seconds": [0-9.]*' "$OUT/eval-$n.json" | sed "s/^/eval local[$n] round $round: /"
  done
  if cmp -s <(grep sha256 "$OUT/pairs-1/manifest.json") <(grep sha256 "$OUT/pairs-2/manifest.json"); then
    echo "round $round: local[1] and local[2] stores identical"
  else
    echo "round $round: STORES DIFFER" && exit 1
  fi
done
