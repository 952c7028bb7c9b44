"""What both screenshot scripts share: offscreen Qt, private settings (pictures that do not depend on the
machine's saved window layout), the window size, and this checkout on the import path.  Import it first."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_home = tempfile.mkdtemp(prefix="dojo-gui-shots-")
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = os.path.join(_home, _var.lower())

SIZE = (1600, 1000)


def present(window) -> None:
    """The window at SIZE, not maximised (the offscreen screen is small, so a first start would maximise it),
    its docks in their first-start proportions."""
    window.showNormal()
    window.resize(*SIZE)
    window.first_start_docks()
