"""Speed and memory of the colorizer on this CPU, all in one run (project issue 8).

    python -m benchmarks.bench_speed [--presets default,paper] [--sizes 256,512,1024]
                                     [--threads 2] [--repeats 3] [--paths fp32,bf16,compile,onnx]
                                     [--skip-memory] [--out FILE.md]

Tables printed as markdown, headed by a description of the machine:

1. Latency (median of ``--repeats`` forward passes after one warm-up, batch 1,
   random weights, noise "const") of each path, and the max |difference| of
   its output from fp32 on the same input (outputs lie in [-1, 1]):
   fp32 PyTorch; bf16 autocast + channels_last; ``torch.compile`` (inductor;
   compile time reported separately, or why it failed); ONNX Runtime CPU
   (``torch.onnx.export`` with dynamic H/W, ``intra_op_num_threads`` = threads).
2. Peak memory at the largest size: every (preset, path) runs in a fresh
   subprocess, which reports its peak RSS (``VmHWM``, see :func:`peak_rss_mb`)
   after loading the model and after one forward pass.
3. Palette extraction from a 4000x3000 reference (in memory, and from JPEG /
   PNG files through ``Colorizer.extract_palette``).
4. A 4000x3000 sketch through the whole pipeline with ``keep_lines``: time,
   peak RSS (fresh subprocess) and the size the network ran at (the result's ``size``, and on
   the torch backend a forward hook on every network call: the run fails if one is larger
   than 1024 px).

Absolute times move with the load of a shared machine; compare within one run.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from colorizer.config import preset
from colorizer.generator import Generator, count_parameters

ROOT = Path(__file__).resolve().parents[1]  # the children run here: ``python -c`` imports from the cwd

PATHS = ("fp32", "bf16", "compile", "onnx")


def machine() -> str:
    """One line: CPU model, cores, torch / onnxruntime versions."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import onnxruntime as ort
        ort_v = ort.__version__
    except ImportError:
        ort_v = "not installed"
    cap = torch.backends.cpu.get_cpu_capability()
    return (f"{model} ({cap}), {os.cpu_count()} logical cores visible, Python {platform.python_version()}, "
            f"torch {torch.__version__}, onnxruntime {ort_v}, {platform.system()} {platform.release()}")


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB.

    ``VmHWM`` from /proc (Linux): unlike ``getrusage(RUSAGE_SELF).ru_maxrss``,
    which Linux carries over from the parent through fork + exec (a child of a
    6 GB benchmark process reports 6 GB before doing anything), it starts
    afresh in a new program. Falls back to ``ru_maxrss`` elsewhere.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _time(fn, repeats: int) -> tuple[float, torch.Tensor]:
    """Median time of ``repeats`` calls after one warm-up; fewer repeats for slow calls."""
    t0 = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t0
    if first > 8:
        repeats = 1
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), out


def _models(name: str):
    torch.manual_seed(0)
    g = Generator(preset(name)).eval()
    with torch.no_grad():  # non-zero noise weights, so noise handling is part of the comparison
        for b in g.decoder:
            if b.noise is not None:
                b.noise.weight.fill_(0.1)
    return g


def frozen_copy(g: Generator) -> Generator:
    """A copy whose WSConv2d layers are plain Conv2d with the standardised weights baked in.

    WSConv2d's Python-side weight cache makes dynamo break the graph in every
    convolution and then give up (recompile limit); the frozen copy compiles
    to one graph per noise call.
    """
    from torch import nn

    from colorizer.layers import WSConv2d

    g2 = copy.deepcopy(g).eval()
    for parent in list(g2.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, WSConv2d):
                conv = nn.Conv2d(child.in_channels, child.out_channels, child.kernel_size, child.stride,
                                 child.padding, child.dilation, child.groups, child.bias is not None)
                with torch.no_grad():
                    conv.weight.copy_(child.effective_weight())
                    if child.bias is not None:
                        conv.bias.copy_(child.bias)
                setattr(parent, name, conv.eval())
    return g2


def inputs(g: Generator, size: int, seed: int = 1) -> tuple:
    """(sketch, palette, hints) of a random batch-1 input at ``size`` x ``size``: what
    ``Generator.forward`` takes (hint planes with a few pins for models that have them)."""
    torch.manual_seed(seed)
    k = g.cfg.palette_size
    sketch = torch.rand(1, g.cfg.sketch_channels, size, size) * 2 - 1
    palette = torch.rand(1, 3 * k) * 2 - 1
    hints = None
    if g.cfg.hints:
        hints = torch.zeros(1, k, size, size)
        for s in range(3):
            y, xx = (size * (s + 1)) // 4, size // 2
            hints[0, s, y - 2:y + 3, xx - 2:xx + 3] = 1.0
    return sketch, palette, hints


def path_fn(path: str, g: Generator, x: tuple, state: dict):
    """A zero-argument callable running ``g`` on the inputs ``x`` (:func:`inputs`) through
    ``path`` (and set-up notes in state); it returns the RGB output."""
    sketch, palette, hints = x
    if path == "fp32":
        def f():
            with torch.inference_mode():
                return g(sketch, palette, hints, "const").rgb
        return f
    if path == "bf16":
        g_cl = state.get("g_cl")
        if g_cl is None:
            g_cl = state["g_cl"] = Generator(g.cfg).eval()
            g_cl.load_state_dict(g.state_dict())
            g_cl = state["g_cl"] = g_cl.to(memory_format=torch.channels_last)
        sc = sketch.contiguous(memory_format=torch.channels_last)
        hc = None if hints is None else hints.contiguous(memory_format=torch.channels_last)

        def f():
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
                return g_cl(sc, palette, hc, "const").rgb.float()
        return f
    if path == "compile":
        if "compile_error" in state:
            raise RuntimeError(state["compile_error"])
        gc = state.get("g_compiled")
        if gc is None:
            gc = state["g_compiled"] = torch.compile(frozen_copy(g), dynamic=False)

        def f():
            # Noise "none": "const"/"random" build a torch.Generator per call, which
            # dynamo cannot trace (graph break and a recompile on every call).
            with torch.no_grad():
                return gc(sketch, palette, hints, "none").rgb
        return f
    if path == "onnx":
        from colorizer.onnx_backend import OnnxGenerator
        # one ONNX Runtime session per thread count: its thread pool is fixed when it is made
        nthreads = torch.get_num_threads()
        og = state.get(("onnx", nthreads))
        if og is None:
            og = state[("onnx", nthreads)] = OnnxGenerator(g, cache_dir=state["cache"], threads=nthreads)
            t0 = time.perf_counter()
            og.session()
            state.setdefault("onnx_setup_s", time.perf_counter() - t0)
        return lambda: og(sketch, palette, hints, "const").rgb
    raise ValueError(path)


def latency(presets, sizes, threads, repeats, paths, cache, compile_presets=None) -> list[dict]:
    rows = []
    for name in presets:
        g = _models(name)
        state: dict = {"cache": cache}
        if compile_presets is not None and name not in compile_presets:
            state["compile_error"] = "skipped (--compile-presets)"
        for size in sizes:
            x = inputs(g, size)
            for nt in threads:
                torch.set_num_threads(nt)
                row = {"preset": name, "size": size, "threads": nt}
                ref = None
                for p in paths:
                    try:
                        t0 = time.perf_counter()
                        fn = path_fn(p, g, x, state)
                        if p == "compile" and f"compiled_{size}_{nt}" not in state:
                            fn()  # first call compiles for this shape
                            row["compile_s"] = time.perf_counter() - t0
                            state[f"compiled_{size}_{nt}"] = True
                        t, y = _time(fn, repeats)
                        row[f"{p}_s"] = t
                        if p == "fp32":
                            ref = y
                        elif p == "compile":
                            with torch.inference_mode():
                                ref_none = g(*x, "none").rgb
                            row[f"{p}_diff"] = float((y.float() - ref_none).abs().max())
                        elif ref is not None:
                            row[f"{p}_diff"] = float((y.float() - ref).abs().max())
                    except Exception as e:  # record why a path does not work here
                        msg = f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
                        if p == "compile" and "compile_error" in state:
                            msg = state["compile_error"]  # the first failure, not re-wrapped
                        row[f"{p}_error"] = msg
                        if p == "compile":
                            state["compile_error"] = msg
                rows.append(row)
                print(json.dumps(row), flush=True)
        if "onnx_setup_s" in state:
            rows.append({"preset": name, "onnx_setup_s": state["onnx_setup_s"]})
    return rows


# -- memory: one fresh process per configuration -------------------------------------------

_MEM_CHILD = r"""
import json, resource, sys, time, torch
from benchmarks.bench_speed import _models, inputs, path_fn, peak_rss_mb
torch.set_num_threads({threads})
g = _models({name!r})
x = inputs(g, {size})
fn = path_fn({path!r}, g, x, {{"cache": {cache!r}}})
before = peak_rss_mb()
t0 = time.perf_counter(); fn(); dt = time.perf_counter() - t0
after = peak_rss_mb()
print(json.dumps({{"before_mb": before, "peak_mb": after, "first_call_s": dt,
                  "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def memory(presets, size, threads, paths, cache) -> list[dict]:
    rows = []
    for name in presets:
        for p in paths:
            code = _MEM_CHILD.format(threads=threads, name=name, size=size, path=p, cache=cache)
            row = {"preset": name, "path": p, "size": size}
            try:
                proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                      timeout=900, cwd=ROOT)
                if proc.returncode == 0:
                    row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
                else:
                    row["error"] = (proc.stderr.strip().splitlines() or ["?"])[-1][:160]
            except subprocess.TimeoutExpired:
                row["error"] = "timed out"
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


# -- palette extraction --------------------------------------------------------------------

def reference_image(w: int = 4000, h: int = 3000):
    """A photo-like reference: smooth colour gradients, blocks and noise."""
    from PIL import Image
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    a = np.stack([128 + 100 * np.sin(xx / 300), 128 + 100 * np.cos(yy / 250),
                  128 + 100 * np.sin((xx + yy) / 500)], axis=-1)
    a[h // 4:h // 2, w // 4:w // 2] = (230, 40, 60)
    a += rng.normal(0, 6, a.shape).astype(np.float32)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def _decoded(path) -> None:
    """Decode an image file and nothing else (the decode-only rows have no palette)."""
    from PIL import Image
    with Image.open(path) as im:
        im.load()


def palette_timing(repeats: int = 5) -> list[dict]:
    from colorizer import Colorizer
    from colorizer.palette import extract_palette

    img = reference_image()
    c = Colorizer.from_random(preset("tiny"), device="cpu")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        jpg, png, png6 = Path(d) / "ref.jpg", Path(d) / "ref.png", Path(d) / "ref6.png"
        img.save(jpg, quality=90)
        img.save(png, compress_level=1)   # noisy photo, fastest compression: the slowest decode
        img.save(png6)                    # PIL's default compression level (6)
        cases = [("PIL image in memory -> extract_palette", lambda: extract_palette(img)),
                 ("JPEG file -> Colorizer.extract_palette", lambda: c.extract_palette(jpg)),
                 ("PNG file (level 1) -> Colorizer.extract_palette", lambda: c.extract_palette(png)),
                 # the floor for PNG: decoding alone (zlib + unfiltering, no reduced decode exists)
                 ("PNG file (level 1) -> decode only (PIL, no palette)", lambda: _decoded(png)),
                 ("PNG file (level 6) -> Colorizer.extract_palette", lambda: c.extract_palette(png6)),
                 ("PNG file (level 6) -> decode only (PIL, no palette)", lambda: _decoded(png6))]
        for label, fn in cases:
            t, pal = _time(fn, repeats)
            rows.append({"case": label, "s": t,
                         "palette": "-" if pal is None else ",".join(pal.to_hex()[:3]) + ",..."})
            print(json.dumps(rows[-1]), flush=True)
    return rows


# -- a large sketch through the pipeline -----------------------------------------------------

_BIG_CHILD = r"""
import json, resource, sys, time, torch
from PIL import Image, ImageDraw
from benchmarks.bench_speed import peak_rss_mb
from colorizer import Colorizer, preset
torch.set_num_threads({threads})
im = Image.new("RGB", ({w}, {h}), "white")
d = ImageDraw.Draw(im)
for i in range(0, {w}, 97):
    d.line((i, 0, {w} - i, {h}), fill="black", width=3)
d.ellipse(({w} // 4, {h} // 4, 3 * {w} // 4, 3 * {h} // 4), outline="black", width=8)
c = Colorizer.from_random(preset({name!r}), device="cpu", **({kw}))
c(im.resize((256, 192)), size=256)  # warm-up (and ONNX export) outside the measurement
# The network never runs at the sketch's 4000 px: the size the result reports, and on the torch
# backend every call of the network (a forward hook; ONNX Runtime runs outside torch).
calls = []
c.model.register_forward_pre_hook(lambda m, a: calls.append(tuple(a[0].shape[-2:])))
before = peak_rss_mb()
t0 = time.perf_counter()
res = c(im, size={size}, keep_lines=True, seed=0, flat={flat})
dt = time.perf_counter() - t0
after = peak_rss_mb()
assert max(res.size) <= 1024 and all(max(s) <= 1024 for s in calls), (res.size, calls)
print(json.dumps({{"s": dt, "before_mb": before, "peak_mb": after, "net_calls": calls,
                  "net_size": list(res.size), "out_size": list(res.image.size)}}))
"""


def big_sketch(name: str, sizes, threads: int, backends, flats=(False, True)) -> list[dict]:
    rows = []
    for size in sizes:
        for be, flat in [(be, flat) for be in backends for flat in flats]:
            kw = repr({"backend": be}) if be else "{}"
            code = _BIG_CHILD.format(threads=threads, w=4000, h=3000, name=name, size=size, kw=kw,
                                     flat=flat)
            row = {"preset": name, "size": size, "backend": be or "default", "flat": flat}
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900,
                                  cwd=ROOT)
            if proc.returncode == 0:
                row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
            else:
                row["error"] = (proc.stderr.strip().splitlines() or ["?"])[-1][:200]
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


# -- report ------------------------------------------------------------------------------

def _f(v, fmt="{:.3f}"):
    return "n/a" if v is None else fmt.format(v)


def report(lat, mem, pal, big, params, paths, mem_size) -> str:
    md = [f"Machine: {machine()}", ""]
    md.append("### Latency (s, median) and max |output - fp32|")
    md.append("")
    md.append("| preset | params | size | threads | " + " | ".join(
        {"fp32": "fp32", "bf16": "bf16+channels_last", "compile": "torch.compile", "onnx": "ONNX Runtime"}[p]
        + (" (max diff)" if p != "fp32" else "") for p in paths) + " |")
    md.append("|" + "---|" * (4 + len(paths)))
    errors = {}
    for r in lat:
        if "size" not in r:
            continue
        cells = []
        for p in paths:
            if f"{p}_error" in r:
                errors[p] = r[f"{p}_error"]
                cells.append("skipped" if "skipped" in r[f"{p}_error"] else "failed")
            elif p == "fp32":
                cells.append(_f(r.get("fp32_s")))
            else:
                cells.append(f"{_f(r.get(f'{p}_s'))} ({_f(r.get(f'{p}_diff'), '{:.1e}')})")
        md.append(f"| {r['preset']} | {params[r['preset']] / 1e6:.2f}M | {r['size']} | {r['threads']} | "
                  + " | ".join(cells) + " |")
    md.append("")
    comp = [f"{r['preset']}@{r['size']}/{r['threads']}t: {r['compile_s']:.1f} s" for r in lat if "compile_s" in r]
    if comp:
        md.append("torch.compile first-call (compile) time: " + ", ".join(comp) + ".")
    setup = [f"{r['preset']}: {r['onnx_setup_s']:.1f} s" for r in lat if "onnx_setup_s" in r]
    if setup:
        md.append("ONNX export + session set-up (once per weights, then cached): " + ", ".join(setup) + ".")
    for p, e in errors.items():
        md.append(f"{p} not run for some rows: `{e}`")
    # Default vs paper, per path.
    by = {(r["preset"], r["size"], r["threads"]): r for r in lat if "size" in r}
    pairs = [(s, t) for (p, s, t) in by if p == "default" and ("paper", s, t) in by]
    if pairs:
        md += ["", "### paper / default latency ratio (same run)", "",
               "| size | threads | " + " | ".join(paths) + " |", "|" + "---|" * (2 + len(paths))]
        for s, t in sorted(pairs):
            d, pp = by[("default", s, t)], by[("paper", s, t)]
            cells = [f"{pp[f'{p}_s'] / d[f'{p}_s']:.1f}x" if f"{p}_s" in d and f"{p}_s" in pp else "n/a"
                     for p in paths]
            md.append(f"| {s} | {t} | " + " | ".join(cells) + " |")
    if mem:
        md += ["", f"### Peak memory at {mem_size} px (fresh process per row; max RSS)", "",
               "| preset | path | RSS before forward (MB) | peak RSS (MB) | forward adds (MB) | first call (s) |",
               "|---|---|---|---|---|---|"]
        for r in mem:
            if "error" in r:
                md.append(f"| {r['preset']} | {r['path']} | failed: {r['error']} | | | |")
            else:
                md.append(f"| {r['preset']} | {r['path']} | {r['before_mb']:.0f} | {r['peak_mb']:.0f} | "
                          f"{r['peak_mb'] - r['before_mb']:.0f} | {r['first_call_s']:.2f} |")
    if pal:
        md += ["", "### Palette extraction, 4000x3000 reference (median)", "", "| case | time (ms) |", "|---|---|"]
        md += [f"| {r['case']} | {r['s'] * 1000:.0f} |" for r in pal]
    if big:
        md += ["", "### 4000x3000 sketch, whole pipeline with keep_lines (fresh process per row)", "",
               "| preset | backend | size | flat | network ran at | output | time (s) | peak RSS (MB) | adds (MB) |",
               "|---|---|---|---|---|---|---|---|---|"]
        for r in big:
            if "error" in r:
                md.append(f"| {r['preset']} | {r['backend']} | {r['size']} | {r.get('flat')} | failed: {r['error']} "
                          "| | | | |")
            else:
                md.append(f"| {r['preset']} | {r['backend']} | {r['size']} | {r.get('flat')} | "
                          f"{r['net_size'][0]}x{r['net_size'][1]} | "
                          f"{r['out_size'][0]}x{r['out_size'][1]} | {r['s']:.2f} | {r['peak_mb']:.0f} | "
                          f"{r['peak_mb'] - r['before_mb']:.0f} |")
    return "\n".join(md) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presets", default="default,paper")
    ap.add_argument("--sizes", default="256,512,1024")
    ap.add_argument("--threads", default="2")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--paths", default=",".join(PATHS))
    ap.add_argument("--compile-presets", default=None,
                    help="presets to try torch.compile on (default: all; compiling paper takes minutes)")
    ap.add_argument("--memory-size", type=int, default=1024)
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-palette", action="store_true")
    ap.add_argument("--skip-big", action="store_true")
    ap.add_argument("--cache", default=None, help="ONNX cache folder (default: a temporary folder)")
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    presets = a.presets.split(",")
    paths = [p for p in a.paths.split(",") if p]
    threads = [int(t) for t in a.threads.split(",")]
    cache = a.cache or tempfile.mkdtemp(prefix="bench-onnx-")
    lat = [] if a.skip_latency else latency(presets, [int(s) for s in a.sizes.split(",")], threads,
                                            a.repeats, paths, cache,
                                            a.compile_presets.split(",") if a.compile_presets else None)
    mem_paths = [p for p in paths if p != "compile"]  # compile time would dominate; RSS of inductor is its own story
    mem = [] if a.skip_memory else memory(presets, a.memory_size, threads[-1], mem_paths, cache)
    pal = [] if a.skip_palette else palette_timing()
    big = [] if a.skip_big else big_sketch("default", [256, 512, 1024], threads[-1], ["onnx"])
    params = {p: count_parameters(Generator(preset(p))) for p in presets}
    md = report(lat, mem, pal, big, params, paths, a.memory_size)
    md += f"\nCommand: `python -m benchmarks.bench_speed {' '.join(argv if argv is not None else sys.argv[1:])}`\n"
    print(md)
    if a.out:
        Path(a.out).write_text(md)


if __name__ == "__main__":
    main()
