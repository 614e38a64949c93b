#!/usr/bin/env bash
# Formats every Swift file of the package in place with the toolchain's `swift format` and the
# checked-in .swift-format. Scripts/lint.sh is the check CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format format --in-place --recursive --parallel Sources Tests "$@"
