"""The numpy array types the engines' signatures name: figures per part as float64, part indices as intp."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
