"""The Kodi repository: building it, installing and updating the add-on from it in real Kodi, and releasing."""
