"""Where every part is drawn, in scene units (a chip is 10 units square).

A container is a header band over a grid of equal cells with padding and gaps.  A
cell is the natural size of the container's default child spec (so a GB200 rack of
18 flat trays comes out tall, a Dojo cabinet of 2x6 square tiles wide), or, without
one, of its largest child.  A child whose natural size differs from its cell is scaled
uniformly to fit and centred, so a misplaced or foreign part still shows where it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF

from ..model.design import Design, Part, PartPath, Slot
from ..model.specs import CHILD_LEVEL, ContainerSpec

CHIP = 10.0
PAD = {"tile": 3.0, "cabinet": 6.0, "room": 24.0}
GAP = {"tile": 2.0, "cabinet": 4.0, "room": 18.0}
HEADER = {"tile": 6.0, "cabinet": 18.0, "room": 44.0}
# The cell of a container that has neither a default child nor children (keyed by the container's level).
FALLBACK_CELL = {"tile": (CHIP, CHIP), "cabinet": (64.0, 70.0), "room": (416.0, 174.0)}

Size = tuple[float, float]


@dataclass(frozen=True)
class Place:
    """Where a box sits in some outer coordinates: its origin there and its scale."""

    x: float = 0.0
    y: float = 0.0
    scale: float = 1.0

    def then(self, inner: Place) -> Place:
        """``inner`` (given in this box's coordinates) expressed in the outer coordinates."""
        return Place(self.x + self.scale * inner.x, self.y + self.scale * inner.y, self.scale * inner.scale)

    def map_rect(self, rect: QRectF) -> QRectF:
        return QRectF(self.x + self.scale * rect.x(), self.y + self.scale * rect.y(),
                      rect.width() * self.scale, rect.height() * self.scale)

    def unmap(self, point: QPointF) -> QPointF:
        return QPointF((point.x() - self.x) / self.scale, (point.y() - self.y) / self.scale)


def grid_size(level: str, rows: int, cols: int, cell: Size) -> Size:
    pad, gap = PAD[level], GAP[level]
    return (2 * pad + cols * cell[0] + (cols - 1) * gap, HEADER[level] + 2 * pad + rows * cell[1] + (rows - 1) * gap)


class Layout:
    """Sizes and positions of the parts of one design; call :meth:`invalidate` when its specs change."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self._spec_sizes: dict[str, Size | None] = {}

    def invalidate(self) -> None:
        self._spec_sizes.clear()

    # ----------------------------------------------------------------- sizes
    def _container_spec(self, part: Part) -> ContainerSpec | None:
        spec = self.design.specs.get(part.spec_id)
        return spec if isinstance(spec, ContainerSpec) else None

    def spec_size(self, spec_id: str) -> Size | None:
        """The natural size of a part of this spec when it does not depend on the part's children."""
        if spec_id in self._spec_sizes:
            return self._spec_sizes[spec_id]
        self._spec_sizes[spec_id] = None  # guards against a default-child cycle
        spec = self.design.specs.get(spec_id)
        size: Size | None
        if spec is None:
            size = None
        elif not isinstance(spec, ContainerSpec):
            size = (CHIP, CHIP)
        else:
            cell = self._default_cell(spec)
            size = grid_size(spec.level, spec.rows, spec.cols, cell) if cell else None
        self._spec_sizes[spec_id] = size
        return size

    def _default_cell(self, spec: ContainerSpec) -> Size | None:
        child = self.design.specs.get(spec.default_child) if spec.default_child else None
        if spec.level == "tile":
            return (CHIP, CHIP)
        if child is None or child.level != spec.child_level:
            return None
        return self.spec_size(child.id)

    def size(self, part: Part) -> Size:
        spec = self.design.specs.get(part.spec_id)
        if spec is None:  # fills its slot, whatever it was meant to be
            return FALLBACK_CELL.get(_parent_level(part.level), (CHIP, CHIP))
        known = self.spec_size(spec.id)
        if known is not None:
            return known
        rows, cols = self.grid(part)
        return grid_size(spec.level, rows, cols, self.cell(part))

    def grid(self, part: Part) -> tuple[int, int]:
        spec = self._container_spec(part)
        if spec is not None:
            return spec.rows, spec.cols
        if not part.children:
            return 1, 1
        return max(s[0] for s in part.children) + 1, max(s[1] for s in part.children) + 1

    def cell(self, part: Part) -> Size:
        """The size of one slot of a container part."""
        spec = self._container_spec(part)
        if spec is not None:
            cell = self._default_cell(spec)
            if cell is not None:
                return cell
        if part.children:
            sizes = [self.size(child) for child in part.children.values()]
            return max(w for w, _ in sizes), max(h for _, h in sizes)
        level = spec.level if spec is not None else part.level
        return FALLBACK_CELL.get(level, (CHIP, CHIP))

    def level_of(self, part: Part) -> str:
        """The level whose paddings a container uses: its spec's, else the slot's."""
        spec = self.design.specs.get(part.spec_id)
        return spec.level if spec is not None else part.level

    # ----------------------------------------------------------------- positions (in the parent's coordinates)
    def slot_rect(self, parent: Part, slot: Slot) -> QRectF:
        level = self.level_of(parent)
        if level == "chip":
            return QRectF()
        cw, ch = self.cell(parent)
        r, c = slot
        return QRectF(PAD[level] + c * (cw + GAP[level]), HEADER[level] + PAD[level] + r * (ch + GAP[level]), cw, ch)

    def child_place(self, parent: Part, slot: Slot, child: Part | None = None) -> Place:
        """Where the child in ``slot`` goes, in the parent's coordinates, scaled to fit its cell."""
        cell = self.slot_rect(parent, slot)
        if child is None:
            return Place(cell.x(), cell.y(), 1.0)
        w, h = self.size(child)
        s = min(cell.width() / w, cell.height() / h) if w > 0 and h > 0 else 1.0
        if abs(s - 1.0) < 1e-9:
            return Place(cell.x(), cell.y(), 1.0)
        return Place(cell.x() + (cell.width() - w * s) / 2, cell.y() + (cell.height() - h * s) / 2, s)

    def grid_rect(self, parent: Part) -> QRectF:
        """The area of a container's slots (without its header and padding)."""
        level = self.level_of(parent)
        w, h = self.size(parent)
        return QRectF(PAD[level], HEADER[level] + PAD[level], w - 2 * PAD[level], h - HEADER[level] - 2 * PAD[level])

    def header_rect(self, parent: Part) -> QRectF:
        level = self.level_of(parent)
        w, _ = self.size(parent)
        return QRectF(0, 0, w, HEADER.get(level, 0.0) + PAD.get(level, 0.0) * 0.5)

    def slot_near(self, parent: Part, point: QPointF, *, clamp: bool = False) -> Slot | None:
        """The slot of ``parent`` whose cell (with half the gaps around it) holds ``point`` (parent coordinates).

        With ``clamp``, a point outside the grid snaps to the nearest slot (for dragging on the floor).
        """
        level = self.level_of(parent)
        if level == "chip":
            return None
        rows, cols = self.grid(parent)
        cw, ch = self.cell(parent)
        gap = GAP[level]
        fx = (point.x() - PAD[level] + gap / 2) / (cw + gap)
        fy = (point.y() - HEADER[level] - PAD[level] + gap / 2) / (ch + gap)
        c, r = int(fx // 1), int(fy // 1)
        if clamp:
            return min(max(r, 0), rows - 1), min(max(c, 0), cols - 1)
        if 0 <= r < rows and 0 <= c < cols:
            return r, c
        return None

    # ----------------------------------------------------------------- positions in the room's (scene) coordinates
    def place_of(self, path: PartPath) -> Place:
        place = Place()
        part = self.design.room
        for slot in path:
            child = part.children.get(slot)
            place = place.then(self.child_place(part, slot, child))
            if child is None:
                break
            part = child
        return place

    def scene_rect(self, path: PartPath) -> QRectF:
        """Where the part at ``path`` is drawn, in the room's coordinates."""
        part = self.design.find(path)
        if part is None:
            return QRectF()
        w, h = self.size(part)
        return self.place_of(path).map_rect(QRectF(0, 0, w, h))

    def slot_scene_rect(self, parent_path: PartPath, slot: Slot) -> QRectF:
        parent = self.design.find(parent_path)
        if parent is None:
            return QRectF()
        return self.place_of(parent_path).map_rect(self.slot_rect(parent, slot))

    def room_rect(self) -> QRectF:
        w, h = self.size(self.design.room)
        return QRectF(0, 0, w, h)

    def part_at(self, point: QPointF, down_to: str = "chip") -> PartPath:
        """The path of the deepest part (no deeper than level ``down_to``) drawn under ``point`` (room coordinates)."""
        path: PartPath = ()
        part = self.design.room
        place = Place()
        while part.level != down_to and CHILD_LEVEL.get(part.level):
            local = place.unmap(point)
            slot = self.slot_near(part, local)
            if slot is None or slot not in part.children:
                break
            if not self.slot_rect(part, slot).contains(local):
                break
            child = part.children[slot]
            place = place.then(self.child_place(part, slot, child))
            path += (slot,)
            part = child
        return path

    def slot_at(self, point: QPointF, level: str) -> tuple[PartPath, Slot] | None:
        """The (container path, slot) of a ``level`` slot under ``point``, empty or not, or None."""
        parent_level = _parent_level(level)
        path: PartPath = ()
        part = self.design.room
        place = Place()
        while True:
            local = place.unmap(point)
            slot = self.slot_near(part, local)
            if slot is None:
                return None
            if part.level == parent_level:
                return path, slot
            child = part.children.get(slot)
            if child is None:
                return None
            place = place.then(self.child_place(part, slot, child))
            path += (slot,)
            part = child


def _parent_level(level: str) -> str:
    for parent, child in CHILD_LEVEL.items():
        if child == level:
            return parent
    return ""
