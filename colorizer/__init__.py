"""Anime Sketch Colorizer: colour line art with a reference picture's palette."""

from .config import GeneratorConfig, preset
from .errors import ColorizerError, InputImageError, PaletteError, WeightsError
from .generator import Generator
from .options import ColorizeOptions
from .palette import Palette, extract_palette
from .pipeline import DEFAULT_PALETTE, ColorizeResult, Colorizer
from .renderers import MedianRenderer, Renderer, SlotRenderer
from .settings import RenderSettings

__version__ = "0.1.0"

__all__ = [
    "ColorizeOptions", "Colorizer", "ColorizeResult", "ColorizerError", "DEFAULT_PALETTE", "Generator", "GeneratorConfig",
    "InputImageError", "MedianRenderer", "Palette", "PaletteError", "RenderSettings", "Renderer", "SlotRenderer",
    "WeightsError", "extract_palette", "preset",
]
