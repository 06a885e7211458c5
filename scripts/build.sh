#!/usr/bin/env bash
# Configures and builds everything into build/ (Release). Extra args go to CMake.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hits across clones in other folders (a fresh CI clone reuses the last build's objects).
export CCACHE_BASEDIR="$PWD"
# Warnings are errors everywhere, as in CI: one configuration, so no run rebuilds everything
# for another's flags (pass -DTUTORBOT_WERROR=OFF to try something out).
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DTUTORBOT_WERROR=ON "$@" >/dev/null
cmake --build build -j"$(nproc)"
