"""A local stand-in for trakt.tv (API v2, 2026 behaviour) for tests and the demo.

``from tools.trakt_emulator import Emulator``; ``python -m tools.trakt_emulator --help`` runs it.
"""
from tools.trakt_emulator.emulator import Emulator

__all__ = ['Emulator']
