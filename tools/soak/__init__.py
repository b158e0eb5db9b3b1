"""The model-based soak: random lives of a Kodi library thrown at the real sync engine (see runner.py)."""
