"""How far the role head follows hints that move a whole part: a training-side diagnostic.

    python scripts/hint_follow.py --weights DIR [DIR ...] [--data data/val] [--n 40] [--source anime]

For the first ``--n`` labelled validation pairs of ``--source``, one hint-swap sample is
drawn as training draws them (``train.dataset.swap_part_hints``: a part moved to a slot the
picture lacks, 1-3 hints on it, seeded per pair), and the network is run on it (192 px crop,
no noise). Printed per weights folder: the share of the moved part's pixels whose most likely
slot (role probabilities summed per slot) is the hinted one - 1.0 means a click moves the whole
part - the same share for the rest of the labelled picture keeping its own slot (how much
the hints disturb the rest), and the mean probability of the hinted slot over the moved part
with the hints and with the same sample's hint planes zeroed: equal numbers mean the hints
play no part in it. Pairs without a part to move are skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from colorizer.render import slot_probabilities  # noqa: E402
from colorizer.roles import NUM_SLOTS, labels_to_slots  # noqa: E402
from colorizer.weights import load_generator  # noqa: E402
from train.config import TrainConfig  # noqa: E402
from train.dataset import ColorizationDataset, discover  # noqa: E402


def samples(data: str, source: str, n: int, seed: int) -> list[dict]:
    cfg = TrainConfig(data=data, val_data=None, crop_size=192, palette_mode="slots", hint_prob=1.0,
                      hint_swap_prob=1.0, reference_input_prob=0.0, feature_net="none", loss_feature=0.0,
                      generator_overrides={"hints": True, "num_roles": 11}).validate()
    pairs = [p for p in discover(data, split=Path(data).name) if p.id.split("-", 1)[0] == source]
    if not any(getattr(p, "labels_path", None) for p in pairs):
        return []
    ds = ColorizationDataset(pairs, cfg, True, NUM_SLOTS)
    out = []
    for i in range(min(n, len(ds))):
        it = ds[(i, seed + i)]
        if float(it["hints"].sum()) > 0:
            out.append(it)
    return out


def follow(weights: str, items: list[dict]) -> tuple[float, float, float, float]:
    g = load_generator(weights).float().eval()
    moved, kept, p_with, p_without = [], [], [], []
    for it in items:
        planes = it["hints"]
        b = int(planes.reshape(NUM_SLOTS, -1).amax(dim=1).argmax())
        slots = labels_to_slots(it["labels"].numpy().astype(np.uint8))
        with torch.no_grad():
            out = g(it["sketch"][None], it["palette"][None], planes[None], "none")
            bare = g(it["sketch"][None], it["palette"][None], torch.zeros_like(planes)[None], "none")
        probs = slot_probabilities(out.roles[0].float().numpy(), NUM_SLOTS)
        pred = probs.argmax(axis=0)
        part = slots == b
        p_with.append(float(probs[b][part].mean()))
        p_without.append(float(slot_probabilities(bare.roles[0].float().numpy(), NUM_SLOTS)[b][part].mean()))
        rest = (slots < NUM_SLOTS) & ~part
        moved.append(float((pred[part] == b).mean()))
        if rest.any():
            kept.append(float((pred[rest] == slots[rest]).mean()))
    return float(np.mean(moved)), float(np.mean(kept)), float(np.mean(p_with)), float(np.mean(p_without))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="scripts/hint_follow.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weights", nargs="+", required=True, help="weights folders with hint planes and a role head")
    ap.add_argument("--data", default="data/val", help="split folder with labels/ (default data/val)")
    ap.add_argument("--source", default="anime", help="corpus source of the pairs (default anime)")
    ap.add_argument("--n", type=int, default=40, help="pairs (default 40)")
    ap.add_argument("--seed", type=int, default=123, help="augmentation seed base (default 123)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(max(1, args.threads))
    items = samples(args.data, args.source, args.n, args.seed)
    if not items:
        print(f"error: no {args.source} pairs with a part to move in {args.data}", file=sys.stderr)
        return 2
    print(f"{len(items)} hint-swap samples of {args.source} from {args.data}")
    for w in args.weights:
        m, k, pw, pn = follow(w, items)
        print(f"{w}: moved part on the hinted slot {m:.3f}; rest of the picture on its own slot {k:.3f}; "
              f"P(hinted slot) on the moved part {pw:.3f} with the hints, {pn:.3f} without")
    return 0


if __name__ == "__main__":
    sys.exit(main())
