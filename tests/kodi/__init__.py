"""The Kodi side: library read/write against real Kodi, and its date rules."""
