"""The canvas: the scene that draws the design and the view that zooms, pans and routes gestures."""

from .scene import CanvasScene
from .view import CanvasView

__all__ = ["CanvasScene", "CanvasView"]
