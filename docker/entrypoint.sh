#!/bin/sh
# Starts the command given (the service's java command line) with OPENBLAS_CORETYPE set for this CPU and
# OMP_NUM_THREADS set from the container's CPU limit (below), each unless it is set already. ND4J's bundled
# OpenBLAS 0.3.19 does not recognise CPUs newer than it (Sapphire and Emerald Rapids, for one) and falls back to
# its generic Prescott kernels: the attention matmuls ran 2x slower and the image tower 5-12 % slower on such a
# host (BENCHMARKS.md, "OpenBLAS kernels"). Forcing the kernels of the vector ISA the CPU has is what OpenBLAS
# would pick on a CPU it knows.
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

# OMP_NUM_THREADS from the container's CPU limit, unless it is set already (the CPU image sets 1: a stream thread per
# CPU, each batch on one; an empty value comes here). Without it ND4J's OpenMP starts one
# thread per core of the host, not per CPU the container may use: on a 64-core node with a 2-CPU limit, 64 threads
# share 2 CPUs' worth of quota and spend it throttled. cgroup v2: cpu.max is "max PERIOD" (no limit) or
# "QUOTA PERIOD"; cgroup v1: cpu.cfs_quota_us (-1: no limit) and cpu.cfs_period_us. QUOTA/PERIOD rounded up, at
# least 1, at most the CPUs this process may run on (nproc); no limit: nproc. CGROUP_ROOT is for tests.
if [ -z "${OMP_NUM_THREADS:-}" ]; then
    cgroup="${CGROUP_ROOT:-/sys/fs/cgroup}"
    cpus=$(nproc 2>/dev/null || echo 1)
    quota=""
    period=""
    if [ -r "$cgroup/cpu.max" ]; then
        read -r quota period < "$cgroup/cpu.max" || true
    else
        for dir in "$cgroup/cpu" "$cgroup/cpu,cpuacct" "$cgroup"; do
            if [ -r "$dir/cpu.cfs_quota_us" ] && [ -r "$dir/cpu.cfs_period_us" ]; then
                quota=$(cat "$dir/cpu.cfs_quota_us")
                period=$(cat "$dir/cpu.cfs_period_us")
                break
            fi
        done
    fi
    case "$quota$period" in
        ''|*[!0-9]*) ;;                                      # "max", -1, missing or garbled: no limit
        *)
            if [ "$period" -gt 0 ] && [ "$quota" -gt 0 ]; then
                limit=$(( (quota + period - 1) / period ))
                if [ "$limit" -lt "$cpus" ]; then
                    cpus=$limit
                fi
            fi
            ;;
    esac
    if [ "$cpus" -lt 1 ]; then
        cpus=1
    fi
    export OMP_NUM_THREADS="$cpus"
fi
exec "$@"
