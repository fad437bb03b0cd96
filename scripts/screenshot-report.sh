#!/usr/bin/env bash
# Renders an HTML report in headless Chromium and saves a PNG, to check that every chart is drawn:
#   ./scripts/screenshot-report.sh [report.html] [report.png]
# Needs Debian's chromium (sudo apt-get install chromium); CI does not run this.
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(realpath "${1:-lakestream-report.html}")
png=$(realpath -m "${2:-lakestream-report.png}")
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "No Chromium found: install it with 'sudo apt-get install chromium'." >&2
  exit 2
fi
# --no-sandbox: headless runs as root in containers; the page is our own file.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1080 \
  --virtual-time-budget=5000 --screenshot="$png" "file://$report" 2>/dev/null
echo "Screenshot written to $png"
