#!/bin/sh
# src/tools/bench_torch.sh BUILD [ARGS...]: run src/tools/bench_torch.py (PyTorch's side of
# make bench) in the fastest configuration this machine allows, and say which on the first line:
#   - PyTorch from Debian (apt-get install python3-torch), run by /usr/bin/python3 (TORCH_PY);
#   - OpenBLAS built with OpenMP threads for its matrix products, in place of Debian's default
#     reference BLAS: the package is downloaded (apt-get download, not installed) and unpacked
#     into BUILD/openblas-openmp the first time, when apt can fetch it;
#   - glibc's malloc told to keep large blocks instead of returning them to the system after
#     every step (otherwise each step pays for fresh zeroed pages).
# Without the OpenBLAS package it runs stock PyTorch and says so. Exit status 3: no PyTorch.
# TORCH_SCRIPT: another script to run the same way (make speedrun TORCH=1: speedrun_torch.py).
build=${1:?usage: bench_torch.sh BUILD [ARGS...]}
shift
py=${TORCH_PY:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
if ! "$py" -c 'import torch' 2> /dev/null; then
    echo "bench_torch: PyTorch is not installed for $py (apt-get install python3-torch)" >&2
    exit 3
fi
config=stock
dir=$build/openblas-openmp
if [ ! -d "$dir/root" ] && command -v apt-get > /dev/null 2>&1 && command -v dpkg > /dev/null 2>&1; then
    mkdir -p "$dir"
    ( cd "$dir" && apt-get download libopenblas0-openmp > download.log 2>&1 \
        && dpkg -x libopenblas0-openmp_*.deb root ) || rm -rf "$dir/root"
fi
lib=$(ls -d "$dir"/root/usr/lib/*/openblas-openmp 2> /dev/null | head -n 1)
if [ -n "$lib" ]; then
    LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    export LD_LIBRARY_PATH
    config="OpenBLAS-OpenMP"
fi
# OpenBLAS picks its kernels by the CPU's model number; one newer than it knows gets the oldest
# x86-64 kernel ("Prescott", SSE3 only): Debian's 0.3.21 on a Sapphire Rapids-class Xeon ran
# PyTorch's 1024^3 matmul at 29 GFLOP/s on one thread, 97 when told the core is SkylakeX. So when
# it falls back that way on a CPU with AVX-512 or AVX2, it is told the nearest core it has
# (OPENBLAS_CORETYPE; a value already set is left alone), and the first line says so.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r /proc/cpuinfo ]; then
    core=$(OPENBLAS_VERBOSE=2 "$py" -c 'import torch; torch.ones(2, 2) @ torch.ones(2, 2)' 2>&1 \
        | sed -n 's/^Core: //p' | head -n 1)
    flags=$(sed -n '/^flags/{p;q;}' /proc/cpuinfo)
    wanted=
    case "$core" in
    Prescott | Core2 | Penryn | Dunnington | Nehalem | Sandybridge | Katmai | Coppermine | Northwood | Banias)
        case "$flags" in
        *" avx512f "* | *" avx512f") wanted=SkylakeX ;;
        *" avx2 "* | *" avx2") wanted=Haswell ;;
        esac ;;
    esac
    if [ -n "$wanted" ]; then                     # kept only if OpenBLAS then says it took it
        now=$(OPENBLAS_CORETYPE=$wanted OPENBLAS_VERBOSE=2 "$py" -c 'import torch; torch.ones(2, 2) @ torch.ones(2, 2)' \
            2>&1 | sed -n 's/^Core: //p' | head -n 1)
        if [ "$now" = "$wanted" ]; then
            OPENBLAS_CORETYPE=$wanted
            export OPENBLAS_CORETYPE
            config="$config (told its core is $wanted: it took this CPU for $core)"
        fi
    fi
fi
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=17179869184
OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
export GLIBC_TUNABLES OMP_NUM_THREADS
echo "torch_config,$config + malloc keeping large blocks"
exec "$py" "${TORCH_SCRIPT:-$here/bench_torch.py}" "$@"
