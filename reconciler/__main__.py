"""python -m reconciler"""

from reconciler.cli import entry

entry()
