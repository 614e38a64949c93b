#!/usr/bin/env bash
# The formatting check: exits non-zero when a file differs from what Scripts/format.sh writes or
# breaks a lint rule of .swift-format. Findings name the file, line and rule.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive --parallel Sources Tests "$@"
