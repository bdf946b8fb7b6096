"""The mapping from ground metres in a page window to points on the sheet."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from papermap.settings import MM

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Viewport:
    """Maps projected metres in ``window`` onto the frame (points on the sheet)."""

    window: Box
    frame_pt: Box  # x0, y0, x1, y1 in points

    @property
    def k(self) -> float:
        return (self.frame_pt[2] - self.frame_pt[0]) / (self.window[2] - self.window[0])

    def to_pt(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack([self.frame_pt[0] + (xy[:, 0] - self.window[0]) * self.k,
                                self.frame_pt[1] + (xy[:, 1] - self.window[1]) * self.k])

    def clip_window(self, pad_mm: float = 2.0) -> Box:
        pad = pad_mm * MM / self.k
        w = self.window
        return (w[0] - pad, w[1] - pad, w[2] + pad, w[3] + pad)
