"""Screenshots of the add-on in real Kodi for the README: the settings dialog, the background progress bar of an
automatic sync and the status screen.

    from tools import screenshots
    paths = screenshots.take(kodi, 'docs/screenshots')

``kodi`` is a started ``tools.kodi_harness.Kodi`` with the add-on installed, signed in (a token in its profile)
and its settings pointing at a trakt emulator, with a library scanned; ``show_progress`` is turned on here for
the bar, which stays up only as long as the sync: give the emulator some ``latency`` (0.5 s per request is
enough) so the picture catches it. Returns ``{name: path}`` of the PNGs written
(settings.png, progress.png, status.png).
"""
import os
import time

from tools.kodi_harness import SETTINGS_DIALOG, TEXT_VIEWER

ADDON_ID = 'service.traktsync'
BAR = 'Window.IsVisible(extendedprogressdialog)'


def _wait_bar(kodi, shown=True, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bool(kodi.call('XBMC.GetInfoBooleans', {'booleans': [BAR]}).get(BAR)) == shown:
            return True
        time.sleep(0.05)
    return False


def settings(kodi, path):
    kodi.run_script(ADDON_ID, ['action=settings'])
    kodi.wait_window(SETTINGS_DIALOG)
    kodi.press('Down')          # from the Account category to Sync, so the picture shows the triggers
    time.sleep(0.5)
    kodi.screenshot(path)
    kodi.press('Back')
    return path


def progress(kodi, path, set_setting=None):
    """The bar shows while the service syncs; ``set_setting(id, value)`` (e.g. ServiceWorld.set_setting) turns on
    ``show_progress`` and ``instant_push`` first; a watched change then starts the automatic sync."""
    if set_setting is not None:
        set_setting('show_progress', True)
        set_setting('instant_push', True)
        time.sleep(1)
    movies = kodi.call('VideoLibrary.GetMovies', {'properties': ['playcount']}).get('movies', [])
    if not movies:
        raise RuntimeError('the progress bar needs a movie in the library')
    movie = movies[0]
    kodi.call('VideoLibrary.SetMovieDetails', {'movieid': movie['movieid'], 'playcount': movie['playcount'] + 1})
    if not _wait_bar(kodi):
        raise RuntimeError('the background progress bar did not appear')
    time.sleep(0.5)             # Kodi fades the bar in
    kodi.screenshot(path)
    _wait_bar(kodi, shown=False)
    return path


def status(kodi, path):
    kodi.run_script(ADDON_ID, ['action=status'])
    kodi.wait_window(TEXT_VIEWER)
    time.sleep(0.5)
    kodi.screenshot(path)
    kodi.press('Back')
    return path


def take(kodi, folder, set_setting=None):
    os.makedirs(folder, exist_ok=True)
    return {
        'settings': settings(kodi, os.path.join(folder, 'settings.png')),
        'progress': progress(kodi, os.path.join(folder, 'progress.png'), set_setting),
        'status': status(kodi, os.path.join(folder, 'status.png')),
    }
