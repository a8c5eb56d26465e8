# shellcheck shell=bash
# paths.sh - sourced by the bench scripts: where the repository, the benchmark build
# and the reference implementations (../shared/anchors) are, each overridable from
# the environment.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD_DIR=${BUILD_DIR:-/tmp/asyncc-bench-build}
ANCHORS_DIR=${ANCHORS_DIR:-$ROOT/../shared/anchors}
export ANCHORS_OUT=${ANCHORS_OUT:-/tmp/asyncc-anchors}
