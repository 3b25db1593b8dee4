"""``RenderSettings``: every tunable number of the rendering after the network, in one place.

The network's output becomes flat colours through choices that are not learned: how
wide a gap in the outlines is sealed, where a region is cut at a neck, how much darker
than its region a pixel must be to become a shadow, at what size and through which
views a reference is segmented. They are fields here, passed to
``Colorizer(..., render=RenderSettings(...))`` (or ``Colorizer.from_pretrained``) and
from there, as an argument, to the renderer and the region functions, so an experiment
runs the library with other settings instead of patching it. The defaults are the
shipped behaviour.

    from colorizer import Colorizer, RenderSettings
    c = Colorizer.from_pretrained(render=RenderSettings(shadow_drop=20.0))
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from .errors import ColorizerError

# How a reference can be shown to the role head (see RenderSettings.reference_views).
REFERENCE_VIEWS = ("xdog", "outline", "colour")
# Which inputs are also run mirrored, their role logits averaged (see RenderSettings.mirror).
MIRROR_MODES = ("none", "sketch", "reference", "both")


@dataclass(frozen=True)
class ReferenceSettings:
    """How a reference is cut into flat-colour tones and how a part's base tone is chosen
    (:mod:`colorizer.reference`)."""

    # Neighbouring pixels farther apart than this (CIE76, after a 3x3 median) are a tone edge.
    edge_delta_e: float = 7.0
    # Tones closer than this (CIE76) are one tone when a base tone is chosen.
    group_delta_e: float = 10.0
    # Two tones are shades of one paint when their hues differ by at most this (degrees)...
    shade_hue: float = 20.0
    # ...or both are greys (chroma below this).
    grey_chroma: float = 8.0
    # A lighter shade of the largest tone wins when it covers at least this share of its area.
    lit_share: float = 0.8
    # A slot counts as present in the reference from this share of its non-ink pixels (small: eyes
    # are a few segments at the segmentation's size).
    min_slot_share: float = 0.0005
    # How a part's tones are weighted: "segment" (each segment's pixels count for the segment's
    # slot) or "pixel" (each pixel counts for its own most likely slot, with its segment's tone).
    vote: str = "segment"


@dataclass(frozen=True)
class SpreadSettings:
    """When a pin or a point match also moves the regions the network sees alike
    (:mod:`colorizer.spread`)."""

    # Bhattacharyya coefficient of the pooled part distributions from which a click spreads (1: the same).
    similarity: float = 0.8
    # Farthest centroid distance, as a share of the picture's diagonal.
    reach: float = 0.5
    # The boost makes the clicked region's corrected slot this many times its top probability...
    margin: float = 1.2
    # ...but is at most this factor.
    max_boost: float = 10.0
    # Regions smaller than this many pixels do not take part (specks in hatching).
    min_pixels: int = 4
    # False: corrections stay in the clicked region.
    enabled: bool = True


@dataclass(frozen=True)
class RenderSettings:
    # -- regions (flat colours) ------------------------------------------------------------
    # Gaps in the outlines are sealed with one dilation step per this many pixels of the
    # longer side (at least one step): 2 steps at 512 px.
    seal_step: float = 256.0
    # Regions are also cut where the paper narrows to a neck about twice this wide: one pixel
    # of neck per this many pixels of the longer side (at least 1; 8 at 512 px); 0 = no cut.
    # Chosen on the check set's region oracle.
    neck_step: float = 64.0
    # Longest side flat colours are rendered at; larger pictures are rendered at this size
    # and scaled up.
    flat_max_side: int = 1024
    # -- cel shading (slot renderer) -------------------------------------------------------
    # A pixel is shadow when its luma (0..255) is this much below its region's median.
    shadow_drop: float = 14.0
    # A region gets a shadow only if the shadow covers at least this share of it...
    shadow_min_share: float = 0.04
    # ...and the region has at least this many pixels.
    shadow_min_region: int = 48
    # The shadow tone's luma ratio to the base colour is kept in this range.
    shadow_ratio: tuple[float, float] = (0.55, 0.88)
    # -- references (slot renderer) --------------------------------------------------------
    # Longer side, in pixels, a reference is segmented at by the role head.
    segment_size: int = 256
    # How the role head sees a reference: as line art extracted from it, the way it sees every
    # sketch ("xdog": for shaded art; "outline": region borders, for flat art), or as the colour
    # picture itself ("colour"); the slot probabilities of the views are averaged. On the
    # anime check set, line art beats the colour picture.
    reference_views: tuple[str, ...] = ("xdog", "outline")
    # A slot counts as present in a reference when it holds at least this share of the
    # reference's non-line pixels; else it keeps its default colour (marked as a default).
    min_slot_share: float = 0.002
    # Reference slots by region: every region enclosed by the views' line art takes its
    # largest summed slot probability, instead of every pixel its own (off: no gain measured).
    reference_regions: bool = False
    # Test-time mirroring: the role logits of "sketch", "reference" or "both" are averaged
    # with those of the mirrored input (one more network run each; off: no gain measured).
    mirror: str = "none"
    # Part colours from the reference's own flat-colour segments, each part's lit base tone
    # (colorizer.reference); False: each slot takes one of the reference's 9 K-means colours
    # (colorizer.semantic.assign_slots). Off by default: on the check set's harness (train.eval
    # colour measures, shipped weights, 512 px, network at 256) it brings the palette closer on
    # the generator subset (within ΔE 15: 0.755 -> 0.775 of parts, median ΔE 4.3 -> 1.5) but
    # lowers colour accuracy there (0.811 -> 0.787) and the Ardentryst palette (0.544 -> 0.439).
    # Point matches and the eyedropper use the reference's segments either way.
    reference_parts: bool = False
    reference: ReferenceSettings = ReferenceSettings()
    # How pins and point matches spread to the regions the network sees alike.
    spread: SpreadSettings = SpreadSettings()
    # Pins also go to the network as hint planes (weights trained with them); False: a pin only
    # re-renders the cached network output (no network run per pin).
    pins_to_network: bool = True

    def __post_init__(self) -> None:
        def number(name: str, low: float, high: float = math.inf) -> None:
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or not low <= v <= high:
                raise ColorizerError(f"RenderSettings.{name} must be a number in {low:g}..{high:g}, got {v!r}")

        number("seal_step", 1.0)
        number("neck_step", 0.0)
        number("flat_max_side", 16, 16384)
        number("shadow_drop", 0.0, 255.0)
        number("shadow_min_share", 0.0, 1.0)
        number("shadow_min_region", 0, 2**31 - 1)
        number("segment_size", 64, 1024)
        number("min_slot_share", 0.0, 1.0)
        lo_hi = tuple(self.shadow_ratio)
        if len(lo_hi) != 2 or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in lo_hi) \
                or not 0.0 < lo_hi[0] <= lo_hi[1] <= 1.0:
            raise ColorizerError(f"RenderSettings.shadow_ratio must be (low, high) with 0 < low <= high <= 1, "
                                 f"got {self.shadow_ratio!r}")
        object.__setattr__(self, "shadow_ratio", (float(lo_hi[0]), float(lo_hi[1])))
        views = tuple(self.reference_views)
        if not views or any(v not in REFERENCE_VIEWS for v in views):
            raise ColorizerError(f"RenderSettings.reference_views must name at least one of "
                                 f"{', '.join(REFERENCE_VIEWS)}, got {self.reference_views!r}")
        object.__setattr__(self, "reference_views", views)
        if self.mirror not in MIRROR_MODES:
            raise ColorizerError(f"RenderSettings.mirror must be one of {', '.join(MIRROR_MODES)}, "
                                 f"got {self.mirror!r}")
        for name in ("reference_parts", "pins_to_network"):
            if not isinstance(getattr(self, name), bool):
                raise ColorizerError(f"RenderSettings.{name} must be true or false, got {getattr(self, name)!r}")
        if not isinstance(self.reference, ReferenceSettings) or not isinstance(self.spread, SpreadSettings):
            raise ColorizerError("RenderSettings.reference and .spread must be ReferenceSettings and SpreadSettings")
        if self.reference.vote not in ("segment", "pixel"):
            raise ColorizerError(f"ReferenceSettings.vote must be 'segment' or 'pixel', got {self.reference.vote!r}")
        if not isinstance(self.reference_regions, bool):
            raise ColorizerError(f"RenderSettings.reference_regions must be true or false, "
                                 f"got {self.reference_regions!r}")

    def replace(self, **changes: Any) -> "RenderSettings":
        return dataclasses.replace(self, **changes)

    def seal(self, height: int, width: int) -> int:
        """Gap sealing steps for a picture of this size (:func:`colorizer.regions.region_labels`)."""
        return max(1, round(max(height, width) / self.seal_step))

    def neck(self, height: int, width: int) -> int:
        """Neck width (:func:`colorizer.regions.split_necks`) for a picture of this size; 0: no cut."""
        if self.neck_step == 0:
            return 0
        return max(1, round(max(height, width) / self.neck_step))

    def flat_size(self, width: int, height: int) -> tuple[int, int]:
        """(width, height) flat colours are rendered at for a sketch of this size: the sketch's
        own, scaled down to at most :attr:`flat_max_side` on the longer side."""
        scale = min(1.0, self.flat_max_side / max(width, height))
        return max(1, round(width * scale)), max(1, round(height * scale))

    def mirrors(self, what: str) -> bool:
        """Whether ``what`` ("sketch" or "reference") is also run mirrored."""
        return self.mirror in (what, "both")


# The shipped settings.
DEFAULT_RENDER = RenderSettings()

__all__ = ["DEFAULT_RENDER", "MIRROR_MODES", "REFERENCE_VIEWS", "ReferenceSettings", "RenderSettings", "SpreadSettings"]
