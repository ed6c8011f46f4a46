#!/usr/bin/env bash
# The test command: builds everything and runs every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")"
export OPT_OUT_TRACKING=true
exec mvn -B verify "$@"
