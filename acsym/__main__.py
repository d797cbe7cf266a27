"""``python -m acsym``: see :mod:`acsym.cli`."""

from acsym.cli import main

raise SystemExit(main())
