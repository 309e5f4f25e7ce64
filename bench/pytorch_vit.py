#!/usr/bin/python3
"""PyTorch side of the image-tower benchmark: the same ViT-B/32 (roberta-ViT-B-32's image tower) with random
weights, timed like `clipstream-bench image`, printing the same JSON shape on its last line.

Debian's python3-torch links the reference BLAS (2.3 GFLOP/s); a fair comparison loads Debian's OpenBLAS
(see BENCHMARKS.md):

    mkdir -p /tmp/oblas && cd /tmp/oblas && apt-get download libopenblas0-openmp && dpkg -x libopenblas0-openmp_*.deb root
    LD_LIBRARY_PATH=/tmp/oblas/root/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=2 \
        /usr/bin/python3 bench/pytorch_vit.py --batch 1,8,32 --seconds 20 --runs 3

OpenBLAS 0.3.21 does not recognise every newer CPU and then runs its generic `Prescott` kernels, 4-5 times
slower; the JSON's "openblas_core" says which kernels ran. Force them with OPENBLAS_CORETYPE=SkylakeX (AVX-512)
or OPENBLAS_CORETYPE=Haswell (AVX2).

The model is the one the Java golden tests are checked against (model/src/test/python/make_model_golden.py).
"""
import argparse
import importlib.util
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import torch

GOLDEN = Path(__file__).resolve().parents[1] / "model" / "src" / "test" / "python" / "make_model_golden.py"
VIT_B32_GFLOP = 8.8  # 4.4 GMAC per image


def reference_module():
    spec = importlib.util.spec_from_file_location("make_model_golden", GOLDEN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rate(work, items, seconds, runs):
    """Warm-up (min(seconds, 5) s), then `runs` runs of at least `seconds`; median items per second."""
    warm_until = time.perf_counter() + min(seconds, 5)
    while time.perf_counter() < warm_until:
        work()
    rates = []
    for r in range(runs):
        start = time.perf_counter()
        done = 0
        while True:
            work()
            done += items
            now = time.perf_counter()
            if now - start >= seconds:
                break
        rates.append(done / (now - start))
        print(f"run {r + 1}: {rates[-1]:.2f}/s", file=sys.stderr)
    return statistics.median(rates), rates


def gemm_ceiling(seconds):
    """GFLOP/s of a plain fp32 matmul with the MLP's shape at batch 8: [400, 768] x [768, 3072]."""
    a, b = torch.randn(400, 768), torch.randn(768, 3072)
    per_s, _ = rate(lambda: a @ b, 1, seconds, 3)
    return per_s * 2 * 400 * 768 * 3072 / 1e9


def openblas_core():
    """The kernels OpenBLAS chose (e.g. "SkylakeX", "Haswell", "Prescott"), or None without OpenBLAS."""
    import ctypes
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", os.cpu_count())))
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    ref = reference_module()
    vit = ref.VisionTransformer(ref.REAL.vision, ref.REAL.embed_dim, "cpu").eval()
    gen = torch.Generator().manual_seed(1)
    ref.randomize(vit, gen)

    results = []
    with torch.inference_mode():
        for batch in [int(b) for b in args.batch.split(",")]:
            images = torch.randn(batch, 3, 224, 224, generator=gen)
            per_s, rates = rate(lambda: vit(images), batch, args.seconds, args.runs)
            results.append({"batch": batch, "images_per_s": round(per_s, 2),
                            "spread": [round(min(rates), 2), round(max(rates), 2)],
                            "gflops": round(per_s * VIT_B32_GFLOP, 1)})
        ceiling = gemm_ceiling(min(args.seconds, 5))

    print(json.dumps({
        "bench": "image",
        "engine": f"pytorch {torch.__version__}",
        "blas": os.environ.get("LD_LIBRARY_PATH", "torch default"),
        "openblas_core": openblas_core(),
        "runs": results,
        "gemm_gflops": round(ceiling, 1),
        "threads": {"torch": torch.get_num_threads(), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "unset"),
                    "cores": os.cpu_count()},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }))


if __name__ == "__main__":
    main()
