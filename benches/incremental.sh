#!/usr/bin/env bash
# Nightly-scan benchmark: a generated tree of N small files (default
# 100,000; one in 20 holds personal data), scanned in full, then rescanned
# with nothing changed, then with 1% of the files changed. Prints each
# time and the ratios. Needs a release build (`cargo build --release`).
#
#   benches/incremental.sh [N] [WORKDIR]
set -euo pipefail
n=${1:-100000}
work=${2:-${TMPDIR:-/tmp}/datakart-incremental-bench}
bin=$(cd "$(dirname "$0")/.." && pwd)/target/release/datakart
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
export DATAKART_KEY=${DATAKART_KEY:-$(printf '5a%.0s' $(seq 1 32))}
rm -rf "$work"; mkdir -p "$work/tree"
echo "generating $n files in $work/tree"
awk -v n="$n" -v root="$work/tree" 'BEGIN {
  for (i = 0; i < n; i++) {
    dir = sprintf("%s/d%03d", root, i % 500)
    if (i < 500) system("mkdir -p " dir)
    f = sprintf("%s/f%06d.txt", dir, i)
    if (i % 20 == 0)
      printf "Kunde %d: kunde%d@example.no, tlf 9%07d\nNotat om avtale og oppfølging.\n", i, i, i > f
    else
      printf "Møtereferat %d\nAgenda, budsjett og framdrift for prosjektet. Ingen personopplysninger her.\n", i > f
    close(f)
  }
}'
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
out="$work/out"
full=$(t "$bin" scan "$work/tree" --out "$out" --quiet --log-format json)
same=$(t "$bin" scan "$work/tree" --out "$out" --quiet --log-format json)
# Change 1%: append a line to every 100th file.
find "$work/tree" -name 'f*00.txt' -exec sh -c 'for f; do echo "Ny kontakt: ny@example.no" >> "$f"; done' _ {} +
changed=$(t "$bin" scan "$work/tree" --out "$out" --quiet --log-format json)
printf 'files: %s\nfull scan: %.2f s\nrescan, nothing changed: %.2f s (%.1fx faster)\nrescan, 1%% changed: %.2f s (%.1fx faster)\n' \
  "$n" "$full" "$same" "$(echo "$full / $same" | bc -l)" "$changed" "$(echo "$full / $changed" | bc -l)"
