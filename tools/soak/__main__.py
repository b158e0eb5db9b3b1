import os
import sys

# `python -m tools.soak` from the repository root: the add-on's code is in lib/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'lib'))

from tools.soak.runner import main  # noqa: E402

sys.exit(main())
