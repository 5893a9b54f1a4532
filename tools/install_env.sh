#!/usr/bin/env bash
# Create .venv with everything shufflenet-det needs, reusing a cached mmcv build when one exists.
#
# mmdet 3.3 needs mmcv 2.1, which PyPI ships as source only: its C++ ops (RoIAlign, nms, ...) compile against
# the installed torch. Where torch sees a CUDA GPU, the ops are compiled with CUDA for the visible GPUs (this
# needs the CUDA toolkit's nvcc); elsewhere they are CPU only. Each wheel is built once into a user-level cache
# outside the checkout, keyed by mmcv, torch, Python and CUDA version ('cpu' for CPU builds), so every clone on
# the machine reuses it and a CPU build is never installed on a GPU machine.
#
# Variables:
#   VENV                    virtual environment folder (default .venv)
#   SHUFFLENET_DET_CACHE    wheel cache folder (default ~/.cache/shufflenet-det)
#   MMCV_BUILD              auto (default: cuda where torch sees a GPU, else cpu), cpu, or cuda
#   TORCH_CUDA_ARCH_LIST    GPU architectures to compile for, e.g. "8.0;9.0" (default: those of the visible GPUs)
#   CUDA_HOME               CUDA toolkit folder, when nvcc is not on PATH
#   MAX_JOBS                parallel compile jobs (default: all cores)
set -euo pipefail

TORCH_VERSION=2.12.1
TORCHVISION_VERSION=0.27.1
MMCV_VERSION=2.1.0
# Compile work, measured: the CPU-only build took 14 min on 2 cores; the CUDA build for one architecture (9.0,
# CUDA 13.0) took 3.75 min on 16 cores, 60 core-minutes, of which the CUDA kernels are taken as the part above 28.
CPU_BUILD_CORE_MINUTES=28
CUDA_BUILD_CORE_MINUTES_PER_ARCH=32
VENV=${VENV:-.venv}
CACHE_ROOT=${SHUFFLENET_DET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shufflenet-det}
PY_TAG=py$(python3 -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')
MAX_JOBS=${MAX_JOBS:-$(nproc)}
PIP="$VENV/bin/python -m pip --disable-pip-version-check"

step() { printf '\n==> %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

step "virtual environment $VENV"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
$PIP install -q 'setuptools<70' wheel ninja

step "torch $TORCH_VERSION + torchvision $TORCHVISION_VERSION"
# Exact pins: a local torch build without a matching torchvision must never be picked instead.
$PIP install -q "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION"

# PyPI's torch is a CUDA build even on machines without a GPU: only a GPU that torch can see counts.
read -r GPU_COUNT TORCH_CUDA GPU_ARCHS < <("$VENV/bin/python" -c '
import torch
count = torch.cuda.device_count() if torch.cuda.is_available() else 0
archs = sorted({"%d.%d" % torch.cuda.get_device_capability(i) for i in range(count)})
print(count, torch.version.cuda or "none", ";".join(archs) or "none")')

MMCV_BUILD=${MMCV_BUILD:-auto}
if [ "$MMCV_BUILD" = auto ]; then
  if [ "$GPU_COUNT" -gt 0 ]; then MMCV_BUILD=cuda; else MMCV_BUILD=cpu; fi
fi

case "$MMCV_BUILD" in
  cpu)
    BUILD_KEY=cpu
    BUILD_MINUTES=$(( (CPU_BUILD_CORE_MINUTES + MAX_JOBS - 1) / MAX_JOBS ))
    BUILD_NOTE="about $BUILD_MINUTES min on $MAX_JOBS cores (measured: 14 min on 2 cores)"
    # mmcv compiles CUDA ops whenever torch sees a GPU: hide the GPUs from the CPU-only build.
    BUILD_ENV=(FORCE_CUDA=0 CUDA_VISIBLE_DEVICES=)
    ;;
  cuda)
    [ "$TORCH_CUDA" != none ] || die "torch $TORCH_VERSION here is a CPU-only build; mmcv's CUDA ops need a CUDA \
build of torch. Build CPU-only ops instead with: MMCV_BUILD=cpu make install"
    NVCC=${CUDA_HOME:+$CUDA_HOME/bin/nvcc}
    NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
    [ -x "$NVCC" ] || die "a CUDA GPU is visible but nvcc, the CUDA toolkit's compiler, was not found (looked at \
\$CUDA_HOME/bin, PATH and /usr/local/cuda/bin). Install the CUDA toolkit $TORCH_CUDA, the version torch \
$TORCH_VERSION was built with (NVIDIA's installer or distribution package cuda-toolkit-${TORCH_CUDA//./-}, or \
conda install -c nvidia cuda-toolkit=$TORCH_CUDA), then put its bin/ on PATH or set CUDA_HOME to it and run \
make install again. To build CPU-only ops instead (the detectors then run on CPU only): MMCV_BUILD=cpu make install"
    NVCC_CUDA=$("$NVCC" --version | sed -n 's/.*release \([0-9][0-9.]*\),.*/\1/p')
    [ "${NVCC_CUDA%%.*}" = "${TORCH_CUDA%%.*}" ] || die "$NVCC is CUDA $NVCC_CUDA but torch $TORCH_VERSION was \
built with CUDA $TORCH_CUDA; torch compiles extensions only with the same major version. Install the CUDA \
toolkit $TORCH_CUDA and point CUDA_HOME at it."
    ARCHS=${TORCH_CUDA_ARCH_LIST:-$GPU_ARCHS}
    [ "$ARCHS" != none ] || die "no GPU is visible to tell which architectures to compile for: set \
TORCH_CUDA_ARCH_LIST, e.g. TORCH_CUDA_ARCH_LIST='8.0;9.0' MMCV_BUILD=cuda make install"
    ARCH_COUNT=$(tr ';' ' ' <<<"$ARCHS" | wc -w)
    BUILD_KEY="cu$TORCH_CUDA-arch$(tr -c '0-9A-Za-z.\n' _ <<<"$ARCHS")"
    BUILD_MINUTES=$(( (CPU_BUILD_CORE_MINUTES + ARCH_COUNT * CUDA_BUILD_CORE_MINUTES_PER_ARCH + MAX_JOBS - 1) \
                      / MAX_JOBS ))
    BUILD_NOTE="roughly $BUILD_MINUTES min on $MAX_JOBS cores for $ARCH_COUNT GPU architecture(s) ($ARCHS), \
scaled by cores from one measured build (3.75 min on 16 cores for one architecture)"
    BUILD_ENV=(FORCE_CUDA=1 "TORCH_CUDA_ARCH_LIST=$ARCHS" "CUDA_HOME=$(dirname "$(dirname "$NVCC")")")
    ;;
  *) die "MMCV_BUILD must be auto, cpu or cuda, got '$MMCV_BUILD'" ;;
esac

WHEEL_DIR="$CACHE_ROOT/mmcv-$MMCV_VERSION-torch-$TORCH_VERSION-$PY_TAG-$BUILD_KEY"
# Installs before the CUDA version was part of the key kept their (CPU) wheel here: reuse it for CPU builds.
LEGACY_WHEEL_DIR="$CACHE_ROOT/mmcv-$MMCV_VERSION-torch-$TORCH_VERSION-$PY_TAG"
has_wheel() { ls "$1"/mmcv-"$MMCV_VERSION"-*.whl >/dev/null 2>&1; }

if has_wheel "$WHEEL_DIR"; then
  step "reusing cached mmcv wheel from $WHEEL_DIR"
elif [ "$BUILD_KEY" = cpu ] && has_wheel "$LEGACY_WHEEL_DIR"; then
  step "reusing the CPU mmcv wheel of an earlier install from $LEGACY_WHEEL_DIR"
  mkdir -p "$WHEEL_DIR"
  cp "$LEGACY_WHEEL_DIR"/mmcv-"$MMCV_VERSION"-*.whl "$WHEEL_DIR"/
else
  step "building mmcv $MMCV_VERSION with $MMCV_BUILD ops against torch $TORCH_VERSION (once): $BUILD_NOTE"
  $PIP install -q addict mmengine numpy packaging Pillow pyyaml yapf opencv-python
  build_dir=$(mktemp -d)
  # --no-cache-dir: pip's own wheel cache is keyed by the source only, and would hand back a CPU build.
  env "${BUILD_ENV[@]}" MMCV_WITH_OPS=1 MAX_JOBS="$MAX_JOBS" \
    $PIP wheel --no-cache-dir --no-build-isolation --no-deps --no-binary mmcv "mmcv==$MMCV_VERSION" -w "$build_dir"
  mkdir -p "$WHEEL_DIR"
  mv "$build_dir"/mmcv-*.whl "$WHEEL_DIR"/
  rm -rf "$build_dir"
fi
# A venv holding mmcv from another cache entry (say a CPU build, now that CUDA ops are built) gets it replaced.
INSTALLED_FROM="$VENV/.mmcv-wheel-dir"
if [ "$(cat "$INSTALLED_FROM" 2>/dev/null)" != "$WHEEL_DIR" ] \
    && ls "$VENV"/lib/python*/site-packages/mmcv-*.dist-info >/dev/null 2>&1; then
  $PIP uninstall -q -y mmcv
fi
$PIP install -q "$WHEEL_DIR"/mmcv-"$MMCV_VERSION"-*.whl
echo "$WHEEL_DIR" >"$INSTALLED_FROM"

step "shufflenet-det (editable, with dev extra)"
$PIP install -q -e '.[dev]'
"$VENV/bin/python" -c "import mmcv.ops, mmdet, torchvision; print('mmcv', mmcv.__version__, '| mmdet', mmdet.__version__, '| torch', __import__('torch').__version__)"
echo "check the environment with: make doctor"
