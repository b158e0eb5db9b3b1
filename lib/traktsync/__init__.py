"""Trakt Library Sync: keeps a Kodi video library and a trakt.tv account in step."""

ADDON_ID = 'service.traktsync'
