#!/usr/bin/env bash
# Create .venv with everything shufflenet-det needs, reusing a cached mmcv build when one exists.
#
# mmdet 3.3 needs mmcv 2.1, which PyPI ships as source only: its C++ ops (RoIAlign, nms, ...) compile
# against the installed torch in about 15 minutes on 2 cores. The wheel is built once per torch version into
# a user-level cache outside the checkout, so every clone on this machine reuses it.
set -euo pipefail

TORCH_VERSION=2.12.1
TORCHVISION_VERSION=0.27.1
MMCV_VERSION=2.1.0
VENV=${VENV:-.venv}
CACHE_ROOT=${SHUFFLENET_DET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shufflenet-det}
WHEEL_DIR="$CACHE_ROOT/mmcv-$MMCV_VERSION-torch-$TORCH_VERSION-py$(python3 -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')"
PIP="$VENV/bin/python -m pip --disable-pip-version-check"

step() { printf '\n==> %s\n' "$*"; }

step "virtual environment $VENV"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
$PIP install -q 'setuptools<70' wheel ninja

step "torch $TORCH_VERSION + torchvision $TORCHVISION_VERSION"
# Exact pins: a local torch build without a matching torchvision must never be picked instead.
$PIP install -q "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION"

if ! ls "$WHEEL_DIR"/mmcv-"$MMCV_VERSION"-*.whl >/dev/null 2>&1; then
  step "building mmcv $MMCV_VERSION with ops against torch $TORCH_VERSION (once, about 15 min on 2 cores)"
  $PIP install -q addict mmengine numpy packaging Pillow pyyaml yapf opencv-python
  build_dir=$(mktemp -d)
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} FORCE_CUDA=0 \
    $PIP wheel --no-build-isolation --no-deps --no-binary mmcv "mmcv==$MMCV_VERSION" -w "$build_dir"
  mkdir -p "$WHEEL_DIR"
  mv "$build_dir"/mmcv-*.whl "$WHEEL_DIR"/
  rm -rf "$build_dir"
else
  step "reusing cached mmcv wheel from $WHEEL_DIR"
fi
$PIP install -q "$WHEEL_DIR"/mmcv-"$MMCV_VERSION"-*.whl

step "shufflenet-det (editable, with dev extra)"
$PIP install -q -e '.[dev]'
"$VENV/bin/python" -c "import mmcv.ops, mmdet, torchvision; print('mmcv', mmcv.__version__, '| mmdet', mmdet.__version__, '| torch', __import__('torch').__version__)"
