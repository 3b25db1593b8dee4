"""Inference-time variants of the semantic pipeline, scored by the check-set harness (session 7).

    python scripts/inference_variants.py VARIANT [train.evaluate arguments ...]

e.g. ``python scripts/inference_variants.py flip-sketch --weights weights --checkset data/checkset
--subsets ardentryst --size 512 --net-size 256 --no-shading --edits 0 --limit 0 --threads 1``.

Each variant patches one piece of ``colorizer.pipeline`` for this process only and then runs
``train.evaluate`` unchanged, so its figures compare with the harness's on the shipped pipeline.
None of them won (docs/notes/session7.md); they stay here so the figures can be re-made:

* ``reference-regions``: the reference's slots by region - every region enclosed by its views'
  line art (the darker of the XDoG and outline views, sealed and cut at necks as a sketch's
  regions are) takes its largest summed slot probability, instead of every pixel its own;
* ``flip-sketch`` / ``flip-reference`` / ``flip-both``: the role logits averaged with those of the
  mirrored input (test-time augmentation), for sketches (the network runs with noise), for
  references (``Colorizer.segment`` runs it with constant noise), or both;
* ``segment-384``: references segmented at 384 px instead of ``SEGMENT_SIZE`` (256);
* ``none``: the shipped pipeline (a control).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import colorizer.pipeline as P  # noqa: E402
from colorizer.generator import GeneratorOutput  # noqa: E402
from colorizer.processing import line_mask, load_image, target_size, to_tensor  # noqa: E402
from colorizer.regions import flat_neck, flat_seal, region_labels  # noqa: E402
from colorizer.render import slot_probabilities  # noqa: E402
from colorizer.semantic import assign_slots, default_slot_palette  # noqa: E402

VARIANTS = ("none", "reference-regions", "flip-sketch", "flip-reference", "flip-both", "segment-384")


def _reference_regions() -> None:
    from colorizer.lines import extract_lines

    def slot_palette(self, img, km):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        white.alpha_composite(rgba)
        ref = load_image(white.convert("RGB"))
        tw, th = target_size(*ref.size, P.SEGMENT_SIZE, multiple=self.cfg.multiple)
        rgb = ref.resize((tw, th), Image.BILINEAR if tw < ref.size[0] else Image.BICUBIC)
        pv = P._palette_tensor(default_slot_palette())
        probs = ink = None
        for view in P.REFERENCE_VIEWS:
            lines = extract_lines(rgb, view)
            d = line_mask(lines)
            ink = d if ink is None else np.maximum(ink, d)
            out = self.run(to_tensor(lines.convert("RGB"))[None], pv, None, noise="const")
            p = slot_probabilities(out.roles[0].float().numpy(), self.cfg.palette_size)
            probs = p if probs is None else probs + p
        probs /= len(P.REFERENCE_VIEWS)
        h, w = probs.shape[1:]
        arr = np.asarray(rgba.resize((w, h), Image.BILINEAR))
        opaque = arr[..., 3].ravel() >= 128
        line_like = probs.sum(axis=0).ravel() < 0.5
        labels, n = region_labels(ink > 0.5, flat_seal(h, w), flat_neck(h, w))
        flat = labels.ravel()
        votes = np.stack([np.bincount(flat, weights=probs[s].ravel(), minlength=n + 1)
                          for s in range(probs.shape[0])], axis=1)
        slots = votes.argmax(axis=1).astype(np.uint8)[flat]
        slots[(flat == 0) | line_like] = 255
        return assign_slots(arr[..., :3].reshape(-1, 3)[opaque], slots[opaque], km, self.cfg.palette_size)

    P.Colorizer._slot_palette = slot_palette


def _flip(sketches: bool, references: bool) -> None:
    run = P.Colorizer.run

    def flipped_run(self, x, palettes, hints=None, noise="random", generator=None, noise_strength=1.0,
                    precision="fp32"):
        out = run(self, x, palettes, hints, noise=noise, generator=generator, noise_strength=noise_strength,
                  precision=precision)
        is_reference = noise == "const"   # Colorizer.segment; sketches run with the pipeline's noise
        if out.roles is None or not (references if is_reference else sketches):
            return out

        def mirror(t):
            return None if t is None else torch.flip(t, dims=[-1])

        other = run(self, mirror(x), palettes, mirror(hints), noise=noise, generator=generator,
                    noise_strength=noise_strength, precision=precision)
        return GeneratorOutput(out.rgb, (out.roles + mirror(other.roles)) / 2)

    P.Colorizer.run = flipped_run


def apply(variant: str) -> None:
    """Patch ``colorizer.pipeline`` for ``variant`` (one of :data:`VARIANTS`)."""
    if variant not in VARIANTS:
        raise SystemExit(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}")
    if variant == "reference-regions":
        _reference_regions()
    elif variant.startswith("flip-"):
        side = variant.split("-", 1)[1]
        _flip(side in ("sketch", "both"), side in ("reference", "both"))
    elif variant == "segment-384":
        P.SEGMENT_SIZE = 384


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    apply(argv[0])
    from train.evaluate import main as evaluate

    return evaluate(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
