"""Commands that live outside ``reconciler/cli.py``; ``cli.py`` registers them on ``main``."""
