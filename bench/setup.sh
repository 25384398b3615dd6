#!/usr/bin/env bash
# Installs what `reflow bench` needs for its PyTorch reference: Debian's python3-torch (1.13) and an
# optimized BLAS for it (without libopenblas, Debian's torch multiplies matrices with the reference
# BLAS and the comparison would flatter ReflowKit). Debian packages only; run as root (or with sudo).
set -euo pipefail
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-openmp >/dev/null
/usr/bin/python3 -c "import torch; print('python3-torch', torch.__version__, 'ready')"
