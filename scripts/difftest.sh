#!/usr/bin/env bash
# difftest.sh - random annotated programs, transformed by asyncc and as plain C, must
# behave the same. See tests/fuzz/difftest.sh for the options, e.g.
#   scripts/difftest.sh --count 10000 --level 2
exec "$(dirname "${BASH_SOURCE[0]}")/../tests/fuzz/difftest.sh" "$@"
