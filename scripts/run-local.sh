#!/usr/bin/env bash
# Runs the lakestream pipeline locally on sample-data:
#   builds if needed, copies sample-data/*.json into lakestream-data/landing (unless already there or already
#   archived to lakestream-data/archive),
#   runs the app with conf/local.properties (master=local[*], trigger=availableNow) and prints the summary.
# Extra arguments go to the app, e.g.:  ./scripts/run-local.sh --set ingest.max_files_per_trigger=1
# A second run finds no new files and adds nothing. Start over with:  rm -rf lakestream-data
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_built
landing=lakestream-data/landing
mkdir -p "$landing"
for file in sample-data/*.json; do
  name=$(basename "$file")
  [ -e "$landing/$name" ] || [ -e "lakestream-data/archive/$name" ] || cp "$file" "$landing/"
done
run_java --record io.lakestream.app.LakestreamApp --config conf/local.properties "$@"
