"""Clicks on the reference picture: the eyedropper and point matches.

The radio "A click on the reference" (``ui.ref_click``) says what a click on the reference does:
``"off"``; a swatch number (``"0"``..``"8"``): the eyedropper, that swatch takes the base tone of
the reference region under the click (:meth:`colorizer.Colorizer.reference_tone`); ``"match"``: the
click is kept as the reference end of a point match, and the next click on the preview or the
result (where pins are placed) is its sketch end. The matches ``(x, y, rx, ry)`` (sketch and
reference pixels) go to every colouring (:mod:`colorizer.matches`) and into project files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import gradio as gr

from colorizer.errors import ColorizerError
from colorizer.matches import MAX_MATCHES

from .pins import PinError, read_point_list
from .swatches import swatch_label

MATCH_MODE = "match"
OFF_MODE = "off"


class MatchListError(ColorizerError):
    """A match list (API text, project file) that is not a list of ``[x, y, rx, ry]``."""


def parse_match_list(value) -> list[tuple[int, int, int, int]]:
    """Matches from JSON text or a list of ``[x, y, rx, ry]`` or ``{"x", "y", "rx", "ry"}``: shape and
    non-negative whole coordinates checked (the library checks them against the pictures)."""
    value = read_point_list(value, "matches", "[x, y, rx, ry]", "[[120, 80, 40, 30]]", MAX_MATCHES,
                            MatchListError)
    items = []
    for i, m in enumerate(value):
        if isinstance(m, dict):
            m = [m.get(k) for k in ("x", "y", "rx", "ry")]
        ok = isinstance(m, (list, tuple)) and len(m) == 4 and all(
            isinstance(c, (int, float)) and not isinstance(c, bool) and float(c).is_integer() and 0 <= c < 2**31
            for c in m)
        if not ok:
            raise MatchListError(f"match {i + 1} must be [x, y, rx, ry] with whole numbers >= 0, got {m!r}"[:200])
        items.append(tuple(int(c) for c in m))
    return items


@dataclass(frozen=True)
class MatchList:
    """The page's matches and the reference point waiting for its sketch end (None: none waits)."""

    points: tuple = ()
    pending: tuple | None = None

    def __len__(self) -> int:
        return len(self.points)

    def add(self, x: int, y: int) -> "MatchList":
        if self.pending is None:
            raise PinError("click the reference first, then the sketch (on the preview or the result)")
        if len(self.points) >= MAX_MATCHES:
            raise PinError(f"at most {MAX_MATCHES} matches: clear some first")
        return MatchList(self.points + ((int(x), int(y), *self.pending),), None)

    def text(self) -> str:
        lines = [f"{i + 1}. sketch ({x}, {y}) ← reference ({rx}, {ry})" for i, (x, y, rx, ry) in enumerate(self.points)]
        head = f"🎯 {len(self.points)} point match{'es' if len(self.points) != 1 else ''}." if self.points \
            else "No point matches."
        if self.pending is not None:
            head += f" Reference point ({self.pending[0]}, {self.pending[1]}) chosen: now click the same place " \
                    "on the preview or the result."
        return "\n\n".join([head] + (["\n".join(lines)] if lines else []))


def ref_click_choices(size: int) -> list[tuple[str, str]]:
    return ([("Off", OFF_MODE), ("Point match (reference, then sketch)", MATCH_MODE)] +
            [(f"Eyedropper → {swatch_label(i)}", str(i)) for i in range(size)])


class RefClicks:
    """The callbacks of reference clicks and matches (a base of :class:`webapp.ui.ColorizerApp`)."""

    def matches(self, d) -> MatchList:
        m = d.get(self.ui.matches_state)
        return m if isinstance(m, MatchList) else MatchList()

    def matches_update(self, m: MatchList, note: str | None = None) -> dict:
        ui = self.ui
        return {ui.matches_state: m, ui.matches_info: (f"⚠️ {note}\n\n" if note else "") + m.text()}

    def reference_clicked(self, d, evt: gr.SelectData):
        """A click on the reference: the eyedropper (a swatch takes the tone under it) or a match's start."""
        ui = self.ui
        mode = str(d.get(ui.ref_click) or OFF_MODE)
        m = self.matches(d)
        index = getattr(evt, "index", None)
        path = self.reference_path(d)
        try:
            if mode == OFF_MODE:
                raise PinError("choose what a click on the reference does (eyedropper or point match) first")
            if not path:
                raise PinError("upload a reference picture first")
            if not self.takes_pins:
                raise PinError(self.pins_off_message)
            if not isinstance(index, (list, tuple)) or len(index) != 2:
                raise PinError("that click was beside the picture: click on the reference itself")
            rx, ry = int(index[0]), int(index[1])
            if mode == MATCH_MODE:
                return self.matches_update(replace(m, pending=(rx, ry)))
            slot = int(mode)
            tone = self.need_model().reference_tone(path, rx, ry)
        except (PinError, ColorizerError, ValueError, gr.Error) as e:
            msg = getattr(e, "message", None) or str(e)
            gr.Warning(msg)
            return self.matches_update(m, msg)
        sw = self.swatches(d)
        hexed = "#%02x%02x%02x" % tuple(int(c) for c in tone)
        out = self.palette_update(sw.edited(sw.palette.replace(slot, hexed)))
        out.update(self.matches_update(m, None))
        out[ui.matches_info] = f"💧 {swatch_label(slot)} took {hexed} from the reference at ({rx}, {ry}).\n\n" + \
            out[ui.matches_info]
        return out

    def add_match(self, d, evt, shown_size) -> dict:
        """The sketch end of a match: a click on the preview or the result at ``evt.index``."""
        m = self.matches(d)
        try:
            if not self.takes_pins:
                raise PinError(self.pins_off_message)
            x, y = self.sketch_point(d, evt, shown_size, "match")
            new = m.add(x, y)
        except PinError as e:
            gr.Warning(str(e))
            return self.matches_update(m, str(e))
        return self.matches_update(new)

    def undo_match(self, d):
        m = self.matches(d)
        if m.pending is not None:
            return self.matches_update(replace(m, pending=None))
        if not len(m):
            return self.matches_update(m, "there are no matches to undo")
        return self.matches_update(MatchList(m.points[:-1]))

    def clear_matches(self, d):
        return self.matches_update(MatchList())

    def reference_path(self, d) -> str | None:
        from .callbacks import file_path

        return file_path(d.get(self.ui.reference))


__all__ = ["MATCH_MODE", "OFF_MODE", "MatchList", "MatchListError", "RefClicks", "parse_match_list",
           "ref_click_choices"]
