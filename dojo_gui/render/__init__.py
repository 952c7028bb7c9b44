"""Painting the design with Qt (no widgets): shapes, colours and level of detail shared by the canvas, exports and reports."""
