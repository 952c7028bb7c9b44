"""The domain model: specs, the design tree, aggregates and design rules.  Pure Python, no Qt."""

from .design import Change, Design, DesignError, Part, PartPath, format_path, parse_path
from .specs import LEVELS, CabinetSpec, ChipSpec, ContainerSpec, RoomSpec, Spec, TileSpec

__all__ = [
           "LEVELS",
           "CabinetSpec",
           "Change",
           "ChipSpec",
           "ContainerSpec",
           "Design",
           "DesignError",
           "Part",
           "PartPath",
           "RoomSpec",
           "Spec",
           "TileSpec",
           "format_path",
           "parse_path",
]
