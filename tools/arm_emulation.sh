#!/usr/bin/env bash
# Run the device benchmark on aarch64 under emulation and check that it finds the same detections as on x86.
#
# Usage:
#   tools/arm_emulation.sh MODEL.onnx [IMAGE]      # IMAGE: .npy (H, W, 3) uint8 RGB, or any file Pillow reads
#                                                  # (converted to .npy on the host); default: a built-in
#                                                  # shapes image rendered by the host Python
#   tools/arm_emulation.sh --setup                 # only build the aarch64 root
#
# What it needs (Debian/Ubuntu x86_64 host):
#   - root (debootstrap and chroot): run as root
#   - apt-get install qemu-user-static debootstrap binfmt-support   (qemu-aarch64 registered in binfmt_misc
#     with the F flag, which Debian's qemu-user-static package does)
#   - network on the first run only: a Debian mirror (about 40 MB) and PyPI (aarch64 wheels of onnxruntime
#     and numpy, about 25 MB)
#   - the project's .venv (host side: the x86 run and the comparison)
#
# The aarch64 root is the one tools/arm_count.py counts instructions in (built by shufflenet_det.armcount.root):
# a Debian bookworm minbase (python3 only) plus aarch64 wheels of onnxruntime (the host's version), numpy, MNN
# and ncnn. It is cached outside the checkout in ${SHUFFLENET_DET_CACHE:-~/.cache/shufflenet-det}/arm64-root
# (override with ARM_ROOT) and reused. ONNX Runtime crashes at import under qemu-user unless the root holds a
# proc/cpuinfo that looks like an ARM CPU, so the root gets one and the CPU topology files of a 4-core
# Cortex-A72 (as on a Raspberry Pi 4).
#
# Emulated timings are NOT ARM timings (qemu-user is about two orders of magnitude slower than real
# hardware): they are printed only to show the run finished, and labelled as emulated.
#
# Environment: ARM_ROOT, PYTHON (host python, default .venv/bin/python), MIRROR (Debian mirror),
# SUITE (default bookworm), RUNS (timed runs per side, default 2), OUT (results folder, default
# work_dirs/arm_emulation).
set -euo pipefail

CACHE_ROOT=${SHUFFLENET_DET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shufflenet-det}
ARM_ROOT=${ARM_ROOT:-$CACHE_ROOT/arm64-root}
PYTHON=${PYTHON:-.venv/bin/python}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=${SUITE:-bookworm}
RUNS=${RUNS:-2}
OUT=${OUT:-work_dirs/arm_emulation}
GUEST_DIR=/opt/shufflenet-det          # inside the root
GUEST_SITE=/opt/shufflenet-det/site    # aarch64 wheels, on the guest's PYTHONPATH

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

check_host() {
  [ "$(id -u)" = 0 ] || die "run as root: debootstrap and chroot need it"
  command -v debootstrap >/dev/null || die "debootstrap missing: apt-get install debootstrap"
  command -v qemu-aarch64-static >/dev/null || die "qemu-aarch64-static missing: apt-get install qemu-user-static"
  if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || true
    command -v update-binfmts >/dev/null && update-binfmts --enable qemu-aarch64 || true
  fi
  grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null \
    || die "qemu-aarch64 is not registered in binfmt_misc: apt-get install binfmt-support qemu-user-static, then update-binfmts --enable qemu-aarch64"
  [ -x "$PYTHON" ] || die "host python $PYTHON not found: run make install (or set PYTHON)"
}

# Build (or reuse) the shared root and write its fake CPU files; copy the project's torch-free packages in.
prepare_root() {
  step "aarch64 root $ARM_ROOT (built on the first run: Debian mirror and PyPI)"
  ARM_ROOT="$ARM_ROOT" "$PYTHON" -c '
from shufflenet_det.armcount.root import build_root, copy_guest_packages, root_dir
build_root(root_dir())
copy_guest_packages(root_dir())
'
}

setup_root_only() {
  check_host
  prepare_root
  chroot "$ARM_ROOT" /usr/bin/env PYTHONPATH="$GUEST_SITE" python3 -c \
    'import platform, numpy, onnxruntime; print(platform.machine(), "numpy", numpy.__version__, "onnxruntime", onnxruntime.__version__)'
}

main() {
  if [ "${1:-}" = --setup ]; then
    setup_root_only
    return
  fi
  [ $# -ge 1 ] && [ $# -le 2 ] || die "usage: tools/arm_emulation.sh MODEL.onnx [IMAGE]  (or --setup)"
  local model=$1 image=${2:-}
  [ -f "$model" ] || die "model $model not found (export one with tools/export.py)"
  [ -f "${model%.onnx}.json" ] || die "sidecar ${model%.onnx}.json not found next to the model (tools/export.py writes it)"
  check_host
  prepare_root
  mkdir -p "$OUT"
  if [ -z "$image" ]; then
    image="$OUT/shapes_image.npy"
    step "rendering a built-in shapes test image into $image"
    "$PYTHON" -c "
import sys
import numpy as np
from shufflenet_det.datasets.synthetic import render_image
image, _ = render_image(np.random.default_rng(1), 400, 300)
np.save(sys.argv[1], np.asarray(image.convert('RGB')))
" "$image"
  fi
  [ -f "$image" ] || die "image $image not found"
  if [ "${image##*.}" != npy ]; then
    step "converting $image to .npy with the host Python (the aarch64 root has no Pillow)"
    "$PYTHON" -c "
import sys
import numpy as np
from shufflenet_det.deploy.images import read_image
np.save(sys.argv[2], read_image(sys.argv[1]))
" "$image" "$OUT/image.npy"
    image="$OUT/image.npy"
  fi

  step "copying the model and the image into the root"
  local guest_work="$GUEST_DIR/work/emulation" name
  name=$(basename "${model%.onnx}")
  rm -rf "$ARM_ROOT$guest_work"
  mkdir -p "$ARM_ROOT$guest_work"
  cp "$model" "$ARM_ROOT$guest_work/$name.onnx"
  cp "${model%.onnx}.json" "$ARM_ROOT$guest_work/$name.json"
  cp "$image" "$ARM_ROOT$guest_work/image.npy"

  step "x86 run on the host"
  "$PYTHON" -m shufflenet_det.deploy.bench "$model" --image "$image" --runs "$RUNS" --warmup 1 --threads 1 \
    --json "$OUT/x86.json" --draw "$OUT/x86.png"

  step "aarch64 run under qemu-user (emulated: slow, and its timings are not ARM timings)"
  chroot "$ARM_ROOT" /usr/bin/env PYTHONPATH="$GUEST_SITE:$GUEST_DIR" PYTHONDONTWRITEBYTECODE=1 \
    python3 -m shufflenet_det.deploy.bench "$guest_work/$name.onnx" --image "$guest_work/image.npy" \
    --runs "$RUNS" --warmup 1 --threads 1 --emulated "qemu-user $(qemu-aarch64-static --version | head -1 | awk '{print $3}') on $(uname -m)" \
    --json "$guest_work/aarch64.json" --draw "$guest_work/aarch64.png"
  cp "$ARM_ROOT$guest_work/aarch64.json" "$ARM_ROOT$guest_work/aarch64.png" "$OUT/"

  step "comparing detections: x86 vs aarch64"
  "$PYTHON" -m shufflenet_det.deploy.compare_runs "$OUT/x86.json" "$OUT/aarch64.json"
}

main "$@"
