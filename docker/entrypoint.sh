#!/bin/sh
# Starts the command given (the service's java command line) with OPENBLAS_CORETYPE set for this CPU, unless it
# is set already. ND4J's bundled OpenBLAS 0.3.19 does not recognise CPUs newer than it (Sapphire and Emerald
# Rapids, for one) and falls back to its generic Prescott kernels: the attention matmuls ran 2x slower and the
# image tower 5-12 % slower on such a host (BENCHMARKS.md, "OpenBLAS kernels"). Forcing the kernels of the
# vector ISA the CPU has is what OpenBLAS would pick on a CPU it knows.
cpuinfo="${ENTRYPOINT_CPUINFO:-/proc/cpuinfo}"
if [ -z "${OPENBLAS_CORETYPE:-}" ] && [ -r "$cpuinfo" ]; then
    flags=" $(grep -m1 '^flags' "$cpuinfo" | cut -d: -f2) "
    has() { case "$flags" in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
    if has avx512f && has avx512bw && has avx512dq && has avx512vl; then
        export OPENBLAS_CORETYPE=SkylakeX
    elif has avx2 && has fma; then
        export OPENBLAS_CORETYPE=Haswell
    fi
fi
exec "$@"
