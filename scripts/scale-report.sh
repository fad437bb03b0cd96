#!/usr/bin/env bash
# The per-batch part of the scale scenario's report (scripts/bench-scale.sh), from a lakestream log: each step of a
# bronze micro-batch (Spark's durationMs: latestOffset, getBatch, planning, addBatch, walCommit, commit), median
# and mean over the first 10 % of batches (after 5 warm-up batches) and over the last 10 %. Fixed cost: every step
# but addBatch, the step that reads, writes and archives the rows.
set -euo pipefail
grep -o 'bronze_events #[0-9]*: [0-9]* rows in .* in [0-9]* ms \[[^]]*\]' "$1" | awk '
  function step(name) { return match(line, name " [0-9]+") ? substr(line, RSTART + length(name) + 1, RLENGTH - length(name) - 1) + 0 : 0 }
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n ? a[int((n + 1) / 2)] : 0
  }
  { line = $0; n++
    match(line, /in [0-9]+ ms/); steps[n, 1] = substr(line, RSTART + 3, RLENGTH - 6) + 0
    steps[n, 2] = step("latestOffset"); steps[n, 3] = step("getBatch"); steps[n, 4] = step("planning")
    steps[n, 5] = step("addBatch"); steps[n, 6] = step("walCommit"); steps[n, 7] = step("commit")
    steps[n, 8] = steps[n, 2] + steps[n, 3] + steps[n, 4] + steps[n, 6] + steps[n, 7] }
  END {
    tenth = int(n / 10); if (tenth < 1) tenth = 1
    printf "  bronze batches: %d; median / mean (ms) over the first 10 %% (after 5 warm-up batches) and the last 10 %%:\n", n
    printf "    %-6s %13s %13s %13s %13s %13s %13s %13s %13s\n", "", "batch", "latestOffset", "getBatch", "planning", "addBatch", "walCommit", "commit", "fixed cost"
    for (w = 1; w <= 2; w++) {
      from = (w == 1) ? 6 : n - tenth + 1; to = (w == 1) ? 5 + tenth : n
      printf "    %-6s", (w == 1) ? "first" : "last"
      for (c = 1; c <= 8; c++) {
        k = 0; total = 0; delete a
        for (i = from; i <= to && i <= n; i++) { k++; a[k] = steps[i, c]; total += steps[i, c] }
        printf " %6d / %4d", median(a, k), (k ? total / k : 0)
      }
      printf "\n"
    }
  }'
