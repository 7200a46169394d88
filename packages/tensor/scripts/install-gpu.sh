#!/usr/bin/env bash
# Install what the gpu.js backend's test suites need, without touching package.json or the lockfile:
#   1. Debian packages (when apt-get is usable and we are root): the headers headless-gl (`gl`, gpu.js's
#      optional dependency) compiles against, and Xvfb for a GL context without a display;
#   2. gpu.js itself: `npm install --no-save gpu.js@2.24.1` (gl builds from source, ~3-5 min on 2 cores).
# A failed gl build is tolerated: gpu.js then runs in its webasm and cpu modes only (the headlessgl suites
# are skipped with the reason). Exits non-zero only when gpu.js itself cannot be installed or loaded.
#
#   bash packages/tensor/scripts/install-gpu.sh              # repo root node_modules (what CI uses)
#   GPU_PREFIX=.gl bash packages/tensor/scripts/install-gpu.sh
#                                            # a private prefix that other `npm install` runs cannot prune;
#                                            # then run tests with DESCENT_GPUJS_PATH=.gl/node_modules
#   SKIP_APT=1 …                             # do not touch apt
# Afterwards: `npm test` runs the gpu suites in cpu and webasm modes; `xvfb-run -a npm test` adds headlessgl.
set -u
cd "$(dirname "$0")/../../.."
GPUJS_VERSION=${GPUJS_VERSION:-2.24.1}
APT_PACKAGES="python3 make g++ pkg-config libxi-dev libglu1-mesa-dev libglew-dev libgl1-mesa-dri xvfb xauth"
t0=$SECONDS
say() { echo "[install-gpu +$((SECONDS - t0))s] $*"; }

# ---- 1. apt (best effort)
if [ "${SKIP_APT:-0}" != 1 ] && command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  missing=""
  for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    say "apt-get install -y$missing"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/tmp/install-gpu-apt.log 2>&1; then
      say "apt-get install failed; trying apt-get update first"
      DEBIAN_FRONTEND=noninteractive apt-get update >>/tmp/install-gpu-apt.log 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >>/tmp/install-gpu-apt.log 2>&1 \
        || say "WARNING: apt packages not installed (see /tmp/install-gpu-apt.log); the gl build may fail, headlessgl then unavailable"
    fi
  else
    say "apt packages present"
  fi
else
  say "apt step skipped (SKIP_APT=1, no apt-get, or not root)"
fi

# ---- 2. gpu.js (+ gl, optional) without saving
if [ -n "${GPU_PREFIX:-}" ]; then
  mkdir -p "$GPU_PREFIX"
  say "npm install --prefix $GPU_PREFIX --no-save --no-package-lock gpu.js@$GPUJS_VERSION"
  npm install --prefix "$GPU_PREFIX" --no-save --no-package-lock --no-audit --no-fund "gpu.js@$GPUJS_VERSION" >/tmp/install-gpu-npm.log 2>&1
  rc=$?
  MODS=$(cd "$GPU_PREFIX" && pwd)/node_modules
  export DESCENT_GPUJS_PATH=$MODS
else
  say "npm install --no-save gpu.js@$GPUJS_VERSION"
  npm install --no-save --no-audit --no-fund "gpu.js@$GPUJS_VERSION" >/tmp/install-gpu-npm.log 2>&1
  rc=$?
  MODS=$PWD/node_modules
fi
tail -3 /tmp/install-gpu-npm.log
[ $rc = 0 ] || say "WARNING: npm exited with $rc (log: /tmp/install-gpu-npm.log)"

# ---- 3. what works now
if [ -f "$MODS/gl/build/Release/webgl.node" ]; then say "gl built: $MODS/gl/build/Release/webgl.node"
else say "gl not built (optional): headlessgl mode unavailable; cpu and webasm modes only"; fi
probe='import("@descent/tensor/gpu").then((g) => { const ms = g.gpuModes(); for (const m of ms) console.log(`  ${m.mode.padEnd(10)} ${m.usable ? "usable" : "not usable: " + m.reason}`); if (!ms.some((m) => m.usable)) process.exitCode = 3; })'
say "gpu.js modes without a display:"
node --import tsx --conditions=source -e "$probe" || { say "ERROR: gpu.js does not load"; exit 1; }
if command -v xvfb-run >/dev/null 2>&1; then
  say "gpu.js modes under xvfb-run:"
  xvfb-run -a node --import tsx --conditions=source -e "$probe" || true
fi
[ -n "${GPU_PREFIX:-}" ] && say "use: DESCENT_GPUJS_PATH=$MODS npm test   (xvfb-run -a … for headlessgl)"
say "done"
exit 0
