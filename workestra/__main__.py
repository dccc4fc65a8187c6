"""``python -m workestra``."""

import sys

from workestra.cli import main

sys.exit(main())
