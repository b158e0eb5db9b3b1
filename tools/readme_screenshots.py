"""`make screenshots`: the README's pictures, taken from real Kodi by the harness.

The demo library and demo account of `make demo`, signed in, one sync done; then the settings dialog, the
background progress bar of an automatic sync (started by a watched change, with the emulator slowed down so
the bar is up long enough to be photographed) and the status screen. Writes docs/screenshots/*.png.
"""
import json
import os
import sys
import tempfile

from tools import build, kodi_harness, media_tree, screenshots
from tools.demo import ADDON_ID, SYNC_DONE, close_dialog, demo_catalogs, seed_account
from tools.kodi_harness import OK_DIALOG
from tools.trakt_emulator import Emulator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDER = os.path.join(ROOT, 'docs', 'screenshots')


def main():
    if kodi_harness.missing_parts():
        print('needs real Kodi and Xvfb: ' + kodi_harness.missing_parts())
        return 2
    workdir = tempfile.mkdtemp(prefix='traktsync-screenshots-')
    known, library = demo_catalogs()
    media_root = media_tree.write_tree(os.path.join(workdir, 'media'), library)
    zip_path = build.build_zip(os.path.join(workdir, 'dist'))
    emu = Emulator(catalog=known, client_id='demo-client-id', client_secret='demo-client-secret')
    kodi = kodi_harness.Kodi(workdir, enable=[ADDON_ID],
                             module_addon_cache=os.path.join(ROOT, 'build', 'module-addons'))
    try:
        emu.start()
        seed_account(emu, known)
        kodi._prepare_home()
        build.unpack(zip_path, kodi.addons_dir)
        kodi.write_addon_settings(ADDON_ID, {
            'api_url': emu.url, 'oauth_url': emu.url, 'client_id': emu.client_id,
            'client_secret': emu.client_secret, 'sync_at_startup': False, 'show_progress': True,
            'instant_push': True, 'username': 'emulator-user'})
        with open(os.path.join(kodi.profile_dir(ADDON_ID), 'token.json'), 'w') as handle:
            json.dump(emu.issue_token(), handle)
        kodi.write_sources(media_root)
        kodi.start()
        kodi.scan_media(media_root)
        kodi.run_script(ADDON_ID, ['action=sync'])
        kodi.wait_log_count(SYNC_DONE, 1, timeout=120)
        close_dialog(kodi, OK_DIALOG)
        emu.latency = 0.5
        paths = screenshots.take(kodi, FOLDER)
        emu.latency = 0.0
        for name, path in sorted(paths.items()):
            print('{}: {}'.format(name, os.path.relpath(path, ROOT)))
        kodi.quit()
        return 0
    finally:
        kodi.close()
        emu.stop()


if __name__ == '__main__':
    sys.exit(main())
