#!/usr/bin/env bash
# Maintains the local run's tables once (lakestream-data, conf/local.properties): OPTIMIZE and VACUUM every table,
# delete pipeline_progress / audit_batches rows past maintain.progress_retention and archived files past
# archive.retention, and print what changed per table. It takes the run lock: it refuses (exit 3) while a run is active.
#   ./scripts/maintain.sh
#   ./scripts/maintain.sh --set archive.retention=30d   -> further --set/--config arguments go to the app
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_built
run_java io.lakestream.app.LakestreamApp maintain --config conf/local.properties "$@"
