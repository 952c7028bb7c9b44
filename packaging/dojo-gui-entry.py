"""The frozen app's entry point: the same command as the installed ``dojo-gui`` script."""

import sys

from dojo_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
