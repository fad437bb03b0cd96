#!/usr/bin/env bash
# Writes the HTML report of the local run's tables (lakestream-data, conf/local.properties):
#   ./scripts/report.sh                      -> lakestream-report.html
#   ./scripts/report.sh --out /tmp/run.html  -> another file; further --set/--config arguments go to the app
# One self-contained page (Chart.js inlined): open it in any browser, no network needed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_built
run_java io.lakestream.app.LakestreamApp report --config conf/local.properties "$@"
