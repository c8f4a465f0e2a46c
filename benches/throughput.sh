#!/usr/bin/env bash
# Whole-tool throughput benchmark: datakart against ripgrep on the same
# generated tree, warm page cache, 2 threads each.
#
#   benches/throughput.sh [MB] [WORKDIR]          # default 1024 MB in /tmp/datakart-throughput
#   EXTRA=1 benches/throughput.sh ...             # also: 1 vs 2 threads and cores, one 5 GB file,
#                                                 # one 300 MB single-line file, one 200 MB sparse
#                                                 # CSV on 1 and 2 threads, PDFs vs pdftotext
#
# Needs: a release build (`cargo build --release --bin datakart --example
# gen-bench-tree`, done here), hyperfine and ripgrep (Debian: `apt-get
# install hyperfine ripgrep`), poppler-utils for the PDF comparison, GNU
# time (/usr/bin/time). ripgrep gets datakart's own candidate shapes
# (patterns.txt, written from src/detect/candidates.rs) and counts matching
# lines (`rg -c -j2 -f patterns.txt`); datakart validates every candidate
# and writes its tables, state and subject index on top. Prints each tool's
# time, the ratio, and peak RSS.
set -euo pipefail
mb=${1:-1024}
work=${2:-${TMPDIR:-/tmp}/datakart-throughput}
repo=$(cd "$(dirname "$0")/.." && pwd)
for tool in hyperfine rg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install hyperfine ripgrep time)" >&2; exit 1; }
done
(cd "$repo" && cargo build --release --quiet --bin datakart --example gen-bench-tree)
bin=$repo/target/release/datakart
gen=$repo/target/release/examples/gen-bench-tree
export DATAKART_KEY=${DATAKART_KEY:-$(printf '5a%.0s' $(seq 1 32))}
mkdir -p "$work"
if [ ! -f "$work/tree.$mb" ]; then
  rm -rf "$work/tree"
  "$gen" tree "$work/tree" "$mb"
  touch "$work/tree.$mb"
fi
"$gen" patterns "$work/patterns.txt"
warm() { find "$1" -type f -exec cat {} + >/dev/null; }
warm "$work/tree"
bytes=$(du -sb "$work/tree" | cut -f1)

# Runs commands side by side with hyperfine; prints each one's mean seconds.
means() { # name runs command...
  local name=$1 runs=$2; shift 2
  hyperfine --style basic --runs "$runs" --prepare "rm -rf $work/out" --export-csv "$work/$name.csv" -- "$@" >&2
  awk -F, 'NR > 1 { print $2 }' "$work/$name.csv"
}
mean() { means "$@" | head -1; }
# Peak RSS in MB of one run.
rss() {
  rm -rf "$work/out"
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ { printf "%.0f", $2 / 1024 }'
}

rg_cmd="rg -c -j2 -f $work/patterns.txt $work/tree"
dk_cmd="$bin scan $work/tree --out $work/out --full --quiet --threads 2"
times=$(means side-by-side "${RUNS:-2}" "$rg_cmd > /dev/null" "$dk_cmd")
t_rg=$(echo "$times" | sed -n 1p)
t_dk=$(echo "$times" | sed -n 2p)
rss_dk=$(rss $dk_cmd)
findings=$(grep -m1 '"total"' "$work/out/scan.json" | tr -dc 0-9)
rss_rg=$(rss $rg_cmd)
printf '\ntree: %s MB, %s findings\n' "$((bytes >> 20))" "$findings"
printf 'ripgrep:  %7.2f s  %7.1f MB/s  peak RSS %s MB\n' "$t_rg" "$(echo "$bytes / $t_rg / 1048576" | bc -l)" "$rss_rg"
printf 'datakart: %7.2f s  %7.1f MB/s  peak RSS %s MB\n' "$t_dk" "$(echo "$bytes / $t_dk / 1048576" | bc -l)" "$rss_dk"
printf 'datakart / ripgrep time: %.1fx\n' "$(echo "$t_dk / $t_rg" | bc -l)"

[ "${EXTRA:-0}" = 1 ] || exit 0

t1=$(mean one-thread 1 "$bin scan $work/tree --out $work/out --full --quiet --threads 1")
printf 'datakart 1 thread: %.2f s; 2 threads scale %.2fx\n' "$t1" "$(echo "$t1 / $t_dk" | bc -l)"
# With --threads 1 the sink and index threads still run on the second
# core; pinned to one core, the run shows what a second core buys.
if command -v taskset >/dev/null; then
  tc=$(mean one-core 1 "taskset -c 0 $bin scan $work/tree --out $work/out --full --quiet --threads 1")
  printf 'datakart on 1 core: %.2f s; 2 cores scale %.2fx\n' "$tc" "$(echo "$tc / $t_dk" | bc -l)"
fi

# One 5 GB text (prose with names: 6.7 million findings) and one 300 MB
# single line. The generator's dense 5 GB CSV (`big`) holds about 50
# million findings and writes more than 15 GB of outputs, too long a run
# for this script.
[ -f "$work/big.txt" ] || "$gen" line "$work/big.txt" 5120
[ -f "$work/line.txt" ] || "$gen" line "$work/line.txt" 300
for f in big.txt line.txt; do
  warm "$work/$f"
  t=$(mean "$f" 1 "$bin scan $work/$f --out $work/out --full --quiet --threads 2")
  printf '%s: %.2f s, %.1f MB/s, peak RSS %s MB\n' "$f" "$t" \
    "$(echo "$(stat -c %s "$work/$f") / $t / 1048576" | bc -l)" \
    "$(rss "$bin" scan "$work/$f" --out "$work/out" --full --quiet --threads 2)"
done

# One 200 MB sparse CSV export (a contact every 20th row): a structured
# file's values are searched by every worker, so it scales with threads
# where the outputs do not set the pace.
[ -f "$work/ledger.csv" ] || "$gen" ledger "$work/ledger.csv" 200
warm "$work/ledger.csv"
for n in 1 2; do
  t=$(mean "ledger-$n" 1 "$bin scan $work/ledger.csv --out $work/out --full --quiet --threads $n")
  printf 'ledger.csv, %s thread(s): %.2f s, %.1f MB/s, peak RSS %s MB\n' "$n" "$t" \
    "$(echo "$(stat -c %s "$work/ledger.csv") / $t / 1048576" | bc -l)" \
    "$(rss "$bin" scan "$work/ledger.csv" --out "$work/out" --full --quiet --threads "$n")"
done

if command -v pdftotext >/dev/null; then
  [ -d "$work/pdfs" ] || "$gen" pdfs "$work/pdfs" 200
  warm "$work/pdfs"
  pages=$((200 * 10))
  t_pdf=$(mean pdftotext 3 "for f in $work/pdfs/*.pdf; do pdftotext \$f - ; done > /dev/null")
  t_dkpdf=$(mean datakart-pdf 3 "$bin scan $work/pdfs --out $work/out --full --quiet --threads 1")
  printf 'PDF, 1 thread each: pdftotext %.2f s (%.0f pages/s), datakart %.2f s (%.0f pages/s, text extraction and detection)\n' \
    "$t_pdf" "$(echo "$pages / $t_pdf" | bc -l)" "$t_dkpdf" "$(echo "$pages / $t_dkpdf" | bc -l)"
fi
