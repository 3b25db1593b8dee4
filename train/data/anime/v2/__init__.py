"""Generator v2: procedural anime characters closer to real illustrations, with exact part labels.

Beside v1 (:func:`train.data.anime.generate`, unchanged), v2 draws:

* a painted colour style beside the cel one (soft gradients, two shadow tones,
  highlights, rim light, blush; :mod:`.paint`);
* layered outfits: open blazers, jackets, cardigans and hoodies over blouses,
  vests, sailor collars with scarves, dresses with sashes and belts, cuffs,
  gloves, socks and shoes, folds as lines (:mod:`.garments`);
* long hair falling over the shoulders and chest, bangs over the eyes;
* arms crossed, on the hips, behind the back, a book or a bag held, 3/4 views,
  bust to full body, sometimes two characters side by side (:mod:`.figure`);
* a parts map: each garment piece its own id, stable across the pictures of a
  character (:data:`.spec.PART_NAMES`);
* sketches from the clean ink or extracted from the colour (XDoG, DoG), with
  doubled strokes, broken lines or hatching (:mod:`.lines`).

A picture is ``generate_v2(character, pose, outfit, size)``: the same character
in several poses and outfits. Character seeds from
:data:`train.data.anime.HELD_OUT_SEED` up are the check set's.
"""

from __future__ import annotations

from train.data.anime.v2.render import COLOR_STYLES, AnimeSampleV2, generate_v2
from train.data.anime.v2.lines import SKETCH_STYLES
from train.data.anime.v2.spec import PART_NAMES, PARTS_PER_FIGURE, make_outfit, make_pose_v2

__all__ = ["generate_v2", "AnimeSampleV2", "COLOR_STYLES", "SKETCH_STYLES", "PART_NAMES", "PARTS_PER_FIGURE",
           "make_outfit", "make_pose_v2"]
