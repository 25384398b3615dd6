#!/usr/bin/env bash
# Installs what `reflow bench` needs for its PyTorch reference: Debian's python3-torch (1.13) and an
# optimized BLAS for it, OpenBLAS's OpenMP build (without libopenblas, Debian's torch multiplies
# matrices with the reference BLAS; with the pthread build, OpenBLAS's thread pool fights PyTorch's
# OpenMP pool). Both would flatter ReflowKit, and `reflow bench` refuses them (its environment
# check, docs/PERFORMANCE.md). Debian packages only; run as root (or with sudo).
set -euo pipefail
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
$SUDO apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-openmp >/dev/null
# Debian ranks the pthread build above the OpenMP one where both are installed: select OpenMP's.
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")
for lib in libblas.so.3 liblapack.so.3; do
  $SUDO update-alternatives --set "$lib-$triplet" "/usr/lib/$triplet/openblas-openmp/$lib" >/dev/null
done
/usr/bin/python3 -c "import torch; print('python3-torch', torch.__version__, 'ready')"
