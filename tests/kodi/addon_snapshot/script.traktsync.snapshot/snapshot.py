"""Reads the library snapshot through the in-Kodi transport and writes it as JSON into this add-on's profile,
so a test can compare it with the snapshot read over TCP."""
import dataclasses
import json
import os
import sys

import xbmcaddon
import xbmcvfs

# The add-on under test is installed beside this one.
ADDONS = os.path.dirname(os.path.normpath(xbmcvfs.translatePath(xbmcaddon.Addon().getAddonInfo('path'))))
sys.path.insert(0, os.path.join(ADDONS, 'service.traktsync', 'lib'))

from traktsync.kodi.jsonrpc import InKodiTransport, JsonRpc  # noqa: E402 - needs the path above
from traktsync.kodi.library import KodiLibrary  # noqa: E402
from traktsync.settings import Settings  # noqa: E402

folder = xbmcvfs.translatePath('special://profile/addon_data/script.traktsync.snapshot/')
os.makedirs(folder, exist_ok=True)
snapshot = KodiLibrary(JsonRpc(InKodiTransport()), Settings()).read_snapshot(with_metadata=True)
with open(os.path.join(folder, 'snapshot.json.part'), 'w', encoding='utf-8') as handle:
    json.dump(dataclasses.asdict(snapshot), handle, default=str, sort_keys=True)
os.replace(os.path.join(folder, 'snapshot.json.part'), os.path.join(folder, 'snapshot.json'))
