#!/usr/bin/env bash
# Writes N JSON-lines events into M files, deterministically from a seed, with chosen rates of duplicates,
# late events and malformed records. Example (the committed sample-data was made with):
#   ./scripts/generate-events.sh --events 300 --files 4 --seed 1 --duplicate-rate 0.05 --late-rate 0.05 \
#       --malformed-rate 0.03 --users 12 --out sample-data
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_built
exec java -cp target/classes io.lakestream.tools.EventGenerator "$@"
