"""The training dataset: (sketch, target, palette) crops with augmentation.

Pairs come from ``train.data.layouts.discover_pairs`` (folder layouts) or the
packed corpus reader in ``train.data.packed``; each record has ``.id`` and
``.load() -> (sketch PIL or None, colour PIL)``. The palette is the K-means
palette of the target itself (self-reference), cached per pair id in memory
and optionally on disk. Test-split data is refused.

Every sample is drawn with its own seed (given by the sampler together with the
index), so a batch is a pure function of (seed, step): resumed runs see exactly
the data an uninterrupted run would, whatever the number of workers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from colorizer.hints import HINT_RADIUS_FRAC, hint_planes_np
from colorizer.palette import Palette, extract_palette, hex_to_rgb
from colorizer.roles import DEFAULT_SLOT_COLORS, IGNORE, LINE, NUM_SLOTS, ROLE_INDEX, ROLE_TO_SLOT, labels_to_slots

from .augment import recolor_clusters, shift_hue
from .config import TrainConfig, resolve_palette_mode
from colorizer.lines import extract_lines
from .sketch_styles import random_sketch

from train.data.layouts import discover_pairs
from train.data.splits import TestDataError, assert_not_test, source_of


def discover(root, layout: str | None = None, split: str = "train") -> list:
    """Pair records under ``root`` (a folder, or a pack file whose ``split`` is read; or a list of
    them, or a comma-separated string of them), refusing test data."""
    if isinstance(root, str) and "," in root:
        root = [r.strip() for r in root.split(",") if r.strip()]
    if isinstance(root, (list, tuple)):
        pairs = [p for r in root for p in discover(r, layout, split)]
        ids = [p.id for p in pairs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"the data folders {list(root)} share pair ids")
        return pairs
    root = Path(root)
    if split == "test":
        raise TestDataError("training code never reads the test split")
    assert_not_test([root / "x"])  # a path inside a test/ folder
    if layout == "packed" or (layout is None and root.is_file()):
        from train.data.packed import open_pack
        pairs = list(open_pack(root, split=split))
    else:
        pairs = list(discover_pairs(root, layout=layout))
    if not pairs:
        raise FileNotFoundError(f"no {split} pairs found in {root}")
    assert_not_test([p.id for p in pairs])
    origins = [str(p.origin) for p in pairs if getattr(p, "origin", None)]
    assert_not_test([o for o in origins if not o.startswith("pack:")])
    return pairs


# ---- palette cache ----------------------------------------------------------------------
class PaletteCache:
    """Self-reference palettes per pair id: in memory, and as JSON files when ``folder`` is set."""

    def __init__(self, folder: str | Path | None = None, size: int = 9):
        self.folder = Path(folder) if folder else None
        self.size = size
        self.memory: dict[str, Palette] = {}

    def get(self, pair_id: str, image: Image.Image) -> Palette:
        pal = self.memory.get(pair_id)
        if pal is not None:
            return pal
        file = self.folder / f"{pair_id.replace('/', '_')}.json" if self.folder else None
        if file is not None and file.is_file():
            d = json.loads(file.read_text())
            pal = Palette(np.array(d["colors"], dtype=np.uint8), np.array(d["shares"]))
        else:
            pal = extract_palette(image, self.size)
            if file is not None:
                file.parent.mkdir(parents=True, exist_ok=True)
                tmp = file.with_suffix(".tmp")
                tmp.write_text(json.dumps({"colors": pal.colors.tolist(), "shares": pal.shares.tolist()}))
                tmp.replace(file)
        self.memory[pair_id] = pal
        return pal


# ---- semantic palettes ------------------------------------------------------------------
DEFAULT_SLOTS = np.array([hex_to_rgb(c) for c in DEFAULT_SLOT_COLORS], np.uint8)


def slot_palette_from_labels(color: np.ndarray, labels: np.ndarray, num_slots: int = NUM_SLOTS,
                             min_pixels: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """The semantic palette of a labelled picture: slot k = the main colour of role k's pixels.

    The main colour is the most common colour after rounding to 5 bits per channel (the
    base tone of a cel-shaded part, not its shadow), averaged exactly over that bin.
    Returns ``((K, 3) uint8 colours, (K,) bool "default" flags)``; a slot with fewer than
    ``min_pixels`` pixels keeps its default colour.
    """
    slots = labels_to_slots(labels).ravel()
    pix = color.reshape(-1, 3)
    out = DEFAULT_SLOTS[:num_slots].copy()
    missing = np.ones(num_slots, bool)
    q = (pix.astype(np.int64) >> 3)
    key = (q[:, 0] << 10) | (q[:, 1] << 5) | q[:, 2]
    for s in range(num_slots):
        sel = slots == s
        if sel.sum() < min_pixels:
            continue
        k = key[sel]
        vals, counts = np.unique(k, return_counts=True)
        top = vals[counts.argmax()]
        out[s] = np.round(pix[sel][k == top].mean(axis=0)).astype(np.uint8)
        missing[s] = False
    return out, missing


def label_coverage(paths: Sequence[str]) -> dict[str, float]:
    """Share of labelled (not 255) pixels of each label map, cached in ``labels/.coverage.json``."""
    out: dict[str, float] = {}
    by_dir: dict[Path, list[str]] = {}
    for p in paths:
        by_dir.setdefault(Path(p).parent, []).append(p)
    for folder, files in by_dir.items():
        cache_file = folder / ".coverage.json"
        try:
            cache = json.loads(cache_file.read_text()) if cache_file.is_file() else {}
        except (OSError, json.JSONDecodeError):
            cache = {}
        changed = False
        for f in files:
            name = Path(f).name
            if name not in cache:
                with Image.open(f) as im:
                    cache[name] = float((np.asarray(im.convert("L")) != IGNORE).mean())
                changed = True
            out[f] = cache[name]
        if changed:
            try:
                tmp = cache_file.with_suffix(".tmp")
                tmp.write_text(json.dumps(cache))
                tmp.replace(cache_file)
            except OSError:
                pass
    return out


def sample_hints(slot_map: np.ndarray, rng: np.random.Generator, n: int) -> list[tuple[int, int, int]]:
    """``n`` random (x, y, slot) points on labelled, non-line pixels of a slot map."""
    ys, xs = np.nonzero(slot_map < NUM_SLOTS)
    if len(ys) == 0 or n <= 0:
        return []
    pick = rng.integers(0, len(ys), size=n)
    return [(int(xs[i]), int(ys[i]), int(slot_map[ys[i], xs[i]])) for i in pick]


# The role a part relabelled to a slot takes (the first role of the slot, in ROLES order).
SLOT_ROLE = tuple(min(ROLE_INDEX[r] for r, s in ROLE_TO_SLOT.items() if s == k) for k in range(NUM_SLOTS))
# A part needs at least this share of the crop to be moved to another slot.
SWAP_MIN_SHARE = 0.01


def swap_part_hints(slot_map: np.ndarray, labels: np.ndarray, rng: np.random.Generator, max_points: int):
    """Move one whole part to another slot and name the new slot with 1..``max_points`` hints on it.

    A slot present in the crop (not the background, at least ``SWAP_MIN_SHARE`` of it) is the
    part; the new slot is one the crop has no pixel of. The part's labels become the new slot's
    role and the hints are points on the part. The target picture and the palette are not
    touched, so nothing but the hints tells the role head that the part moved: it is right
    only if it reads them and spreads a point over the whole part. (An earlier version also
    put the part's colour in the new slot's swatch; the network then learnt that palette cue
    instead of the hints.)
    Returns ``(slot_map, labels, hints)``, or None when the crop has no such pair of slots.
    """
    counts = np.bincount(slot_map[slot_map < NUM_SLOTS].ravel(), minlength=NUM_SLOTS)
    present = [k for k in range(1, NUM_SLOTS) if counts[k] >= SWAP_MIN_SHARE * slot_map.size]
    absent = [k for k in range(1, NUM_SLOTS) if counts[k] == 0]
    if not present or not absent:
        return None
    a = int(rng.choice(present))
    b = int(rng.choice(absent))
    part = slot_map == a
    slot_map = np.where(part, np.uint8(b), slot_map)
    labels = np.where(part, np.uint8(SLOT_ROLE[b]), labels)
    ys, xs = np.nonzero(part)
    pick = rng.integers(0, len(ys), size=int(rng.integers(1, max_points + 1)))
    return slot_map, labels, [(int(xs[i]), int(ys[i]), b) for i in pick]


# ---- the dataset ------------------------------------------------------------------------
def _to_tensor(a: np.ndarray) -> torch.Tensor:
    """(H, W, 3) uint8 -> (3, H, W) float in [-1, 1]."""
    return torch.from_numpy(np.array(a, dtype=np.uint8, copy=True)).permute(2, 0, 1).float() / 127.5 - 1.0


class ColorizationDataset(Dataset):
    """Items are dicts: ``sketch`` (3, S, S), ``target`` (3, S, S), ``palette`` (3K,), ``id``.

    Index with ``(i, seed)`` for augmented training samples (see :class:`StepSampler`)
    or with a plain ``i`` for the deterministic, unaugmented evaluation view
    (``augment=False``: the image is resized so its shorter side is the crop size,
    then centre-cropped).
    """

    def __init__(self, pairs: Sequence, cfg: TrainConfig, augment: bool = True,
                 palette_size: int = 9, line_extractor: Callable[[Image.Image], Image.Image] | None = None,
                 semantic: bool | None = None, hints: bool | None = None):
        self.pairs = list(pairs)
        self.cfg = cfg
        self.augment = augment
        self.palettes = PaletteCache(cfg.data.palette_cache, palette_size)
        self.line_extractor = line_extractor or extract_lines
        gcfg = cfg.generator_config()
        mode = resolve_palette_mode(cfg.data.palette_mode, gcfg.num_roles, palette_size)
        self.semantic = (mode == "slots") if semantic is None else semantic
        self.hints = bool(gcfg.hints) if hints is None else hints
        self.palette_size = palette_size
        if self.semantic:
            labelled = [p for p in self.pairs if getattr(p, "labels_path", None)]
            if cfg.data.min_label_coverage > 0:
                known = {p.id: getattr(p, "labels_coverage", None) for p in labelled}  # packs know it
                cover = label_coverage([p.labels_path for p in labelled if known[p.id] is None])
                labelled = [p for p in labelled
                            if (known[p.id] if known[p.id] is not None else cover[p.labels_path])
                            >= cfg.data.min_label_coverage]
            self.dropped_unlabelled = len(self.pairs) - len(labelled)
            if not labelled:
                raise ValueError("palette_mode 'slots' needs pairs with part labels (labels/ folders) covering "
                                 f"at least {cfg.data.min_label_coverage:.0%} of the picture; none found")
            self.pairs = labelled
        self._slot_palettes: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index):
        i, seed = index if isinstance(index, tuple) else (index, None)
        pair = self.pairs[i]
        sketch, color = pair.load()
        color = color.convert("RGB")
        sketch = self.line_extractor(color) if sketch is None else sketch
        sketch = sketch.convert("L")
        if sketch.size != color.size:
            sketch = sketch.resize(color.size, Image.BILINEAR)
        labels = pair.load_labels() if hasattr(pair, "load_labels") else None
        if labels is not None and labels.size != color.size:
            labels = labels.resize(color.size, Image.NEAREST)
        if self.semantic:
            palette = self._slot_palettes.get(pair.id)
            if palette is None:
                palette, _ = slot_palette_from_labels(np.asarray(color), np.asarray(labels), self.palette_size)
                self._slot_palettes[pair.id] = palette
        else:
            palette = self.palettes.get(pair.id, color).colors
        rng = np.random.default_rng(seed) if (self.augment and seed is not None) else None
        sketch_a, color_a, labels_a = self._geometry(sketch, color, rng, labels)
        slot_map = labels_to_slots(labels_a) if (labels_a is not None and self.semantic) else None
        if rng is not None:
            color_a, palette, sketch_a = self._colour(color_a, palette, sketch_a, rng, slot_map)
        s = sketch_a.shape[0]
        sketch_rgb = np.repeat(sketch_a[..., None], 3, axis=2)
        hints: list = []
        aug = self.cfg.augment
        if rng is not None and self.semantic and rng.random() < aug.reference_input_prob:
            # The colour picture itself in place of the sketch, with the default slot palette:
            # how the pipeline segments a reference.
            sketch_rgb, palette = color_a, DEFAULT_SLOTS[: self.palette_size].copy()
        elif (rng is not None and self.hints and slot_map is not None and aug.hint_max > 0
              and rng.random() < aug.hint_prob):
            swapped = None
            if labels_a is not None and rng.random() < aug.hint_swap_prob:
                swapped = swap_part_hints(slot_map, labels_a, rng, aug.hint_swap_max)
            if swapped is not None:
                slot_map, labels_a, hints = swapped
            else:
                hints = sample_hints(slot_map, rng, int(rng.integers(1, aug.hint_max + 1)))
        item = {
            "sketch": _to_tensor(sketch_rgb),
            "target": _to_tensor(color_a),
            "palette": torch.from_numpy(palette.astype(np.float32).reshape(-1) / 127.5 - 1.0),
            "id": pair.id,
        }
        if self.hints:
            item["hints"] = torch.from_numpy(hint_planes_np(hints, s, s, self.palette_size, HINT_RADIUS_FRAC * s))
        if labels_a is not None or self.semantic:
            lab = labels_a if labels_a is not None else np.full((s, s), IGNORE, np.uint8)
            item["labels"] = torch.from_numpy(np.ascontiguousarray(lab).astype(np.int64))
        return item

    def _geometry(self, sketch: Image.Image, color: Image.Image, rng, labels: Image.Image | None = None):
        """Scale jitter, random crop and flip (or resize + centre crop without rng)."""
        s, aug = self.cfg.data.crop_size, self.cfg.augment
        w, h = color.size
        fit = s / min(w, h)
        scale = fit if rng is None else max(fit, rng.uniform(aug.scale_min, aug.scale_max))
        centre = None
        if rng is not None and aug.zoom_prob > 0 and rng.random() < aug.zoom_prob:
            scale = max(fit, float(np.exp(rng.uniform(np.log(aug.scale_max), np.log(aug.zoom_max)))))
            if labels is not None:  # centre the close-up on the figure
                lab0 = np.asarray(labels)
                ys, xs = np.nonzero((lab0 != ROLE_INDEX["background"]) & (lab0 != LINE) & (lab0 != IGNORE))
                if len(xs):
                    i = int(rng.integers(len(xs)))
                    centre = (xs[i] + 0.5) * scale, (ys[i] + 0.5) * scale
        nw, nh = max(s, round(w * scale)), max(s, round(h * scale))
        if (nw, nh) != (w, h):
            color = color.resize((nw, nh), Image.BICUBIC)
            sketch = sketch.resize((nw, nh), Image.BILINEAR)
            if labels is not None:
                labels = labels.resize((nw, nh), Image.NEAREST)
        if rng is None:
            x, y = (nw - s) // 2, (nh - s) // 2
        elif centre is not None:
            x = int(np.clip(round(centre[0] - s / 2), 0, nw - s))
            y = int(np.clip(round(centre[1] - s / 2), 0, nh - s))
        else:
            x, y = int(rng.integers(0, nw - s + 1)), int(rng.integers(0, nh - s + 1))
        box = (x, y, x + s, y + s)
        c = np.asarray(color.crop(box))
        k = np.asarray(sketch.crop(box))
        lab = np.asarray(labels.crop(box)) if labels is not None else None
        if rng is not None and aug.flip and rng.random() < 0.5:
            c, k = c[:, ::-1], k[:, ::-1]
            lab = lab[:, ::-1] if lab is not None else None
        lab = np.ascontiguousarray(lab) if lab is not None else None
        return np.ascontiguousarray(k), np.ascontiguousarray(c), lab

    def _colour(self, color: np.ndarray, palette: np.ndarray, sketch: np.ndarray, rng,
                slot_map: np.ndarray | None = None):
        aug = self.cfg.augment
        if rng.random() < aug.recolor_prob:
            # Semantic palettes recolour role by role (the slot map), others cluster by cluster.
            color, palette = recolor_clusters(
                color, palette, rng, aug.recolor_cluster_prob, aug.recolor_hue_max,
                (aug.recolor_chroma_min, aug.recolor_chroma_max), aug.recolor_lightness_max,
                aug.recolor_neutral_prob, labels=slot_map)
        if rng.random() < aug.hue_shift_prob:
            color, palette = shift_hue(color, palette, rng.uniform(-180, 180))
        # Sketch styles (scans, line-extraction output, pencil) and the line-width jitter,
        # drawn from this (recoloured) crop: train.sketch_styles; no pixel moves.
        sketch = random_sketch(color, sketch, rng, aug)
        return color, palette, sketch


# ---- sampling ---------------------------------------------------------------------------
class StepSampler(torch.utils.data.Sampler):
    """Batches of ``(index, seed)`` for steps ``start_step .. steps - 1``.

    The global batch of a step is a slice of a per-epoch permutation seeded by
    (seed, epoch); under DDP every rank takes its share (``rank::world_size``),
    like ``DistributedSampler`` but resumable mid-epoch. Each item's augmentation
    seed is derived from (seed, step, position), so it does not depend on workers.
    """

    def __init__(self, n: int, batch_size: int, steps: int, seed: int = 0, start_step: int = 0,
                 rank: int = 0, world_size: int = 1):
        if n == 0:
            raise ValueError("empty dataset")
        self.n, self.batch, self.steps, self.seed = n, batch_size, steps, seed
        self.start, self.rank, self.world = start_step, rank, world_size
        self._perms: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return max(0, self.steps - self.start)

    def _perm(self, epoch: int) -> np.ndarray:
        if epoch not in self._perms:
            self._perms = {epoch: np.random.default_rng([self.seed, epoch]).permutation(self.n)}
        return self._perms[epoch]

    def batch_for(self, step: int) -> list[tuple[int, int]]:
        g = self.batch * self.world
        out = []
        for j in range(self.rank, g, self.world):
            pos = step * g + j
            idx = int(self._perm(pos // self.n)[pos % self.n])
            out.append((idx, int(np.random.default_rng([self.seed, step, j, 7]).integers(2**62))))
        return out

    def __iter__(self):
        for step in range(self.start, self.steps):
            yield self.batch_for(step)


def collate(items: list[dict]) -> dict:
    out = {
        "sketch": torch.stack([it["sketch"] for it in items]),
        "target": torch.stack([it["target"] for it in items]),
        "palette": torch.stack([it["palette"] for it in items]),
        "id": [it["id"] for it in items],
    }
    for key in ("hints", "labels"):
        if all(key in it for it in items):
            out[key] = torch.stack([it[key] for it in items])
    return out


def corpus_paths(data) -> list[str]:
    """The corpus folders or packs of a ``data`` block: those of ``path`` (comma-separated), then
    those of ``optional_paths`` that exist (a warning for each that does not)."""
    paths = [p.strip() for p in str(data.path).split(",") if p.strip()]
    for p in data.optional_paths or []:
        if Path(p).exists():
            paths.append(p)
        else:
            print(f"warning: data.optional_paths: {p} does not exist, training without it", file=sys.stderr)
    return paths


def build_dataset(cfg: TrainConfig, split: str = "train", palette_size: int = 9) -> ColorizationDataset:
    """The training (augmented) or validation (plain, first ``val_images``) dataset."""
    if split == "train":
        d = cfg.data
        pairs = discover(corpus_paths(d), d.layout)
        if d.sources:
            keep = set(d.sources)
            pairs = [p for p in pairs if source_of(p.id) in keep]
            if not pairs:
                raise FileNotFoundError(f"no training pairs of sources {sorted(keep)} in {d.path}")
        if d.source_repeat:
            pairs = [p for p in pairs for _ in range(d.source_repeat.get(source_of(p.id), 1))]
        return ColorizationDataset(pairs, cfg, True, palette_size)
    if cfg.data.val_path is None:
        raise ValueError("no data.val_path configured")
    pairs = discover(cfg.data.val_path, cfg.data.layout, split="val")[: cfg.data.val_images]
    return ColorizationDataset(pairs, cfg, False, palette_size)


__all__ = ["ColorizationDataset", "StepSampler", "TestDataError", "build_dataset", "collate", "discover",
           "sample_hints", "swap_part_hints"]
