"""`make demo`: real Kodi with a demo library and the add-on installed from its zip.

Starts Debian's Kodi under Xvfb in a fresh home, installs the add-on from the
zip that `make zip` builds (with its dependency module add-ons), scans a demo
library of NFO-described files, shows that the add-on's service runs and prints
the library as the add-on sees it, then quits Kodi. Exits non-zero on any
failure. The demo's files stay in build/demo/ for a look afterwards.
"""
import os
import shutil
import sys
import time

from tools import build, catalog, kodi_harness, media_tree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_DIR = os.path.join(ROOT, 'build', 'demo')


def demo_catalog():
    """12 movies and 3 shows of 2 seasons x 6 episodes; a few already watched in Kodi."""
    demo = catalog.make_catalog(movies=12, shows=3, seasons=2, episodes_per_season=6)
    for movie in demo['movies'][:3]:
        movie.update(playcount=1, lastplayed='2026-10-0{} 21:30:00'.format(demo['movies'].index(movie) + 1))
    for _show, season, episode in catalog.iter_episodes({'shows': demo['shows'][:1]}):
        if season == 1:
            episode.update(playcount=1, lastplayed='2026-11-0{} 20:00:00'.format(min(episode['number'], 9)))
    return demo


def say(text):
    print(text, flush=True)


def print_library(kodi):
    movies = kodi.call('VideoLibrary.GetMovies', {'properties': ['title', 'year', 'uniqueid', 'playcount']})
    episodes = kodi.call('VideoLibrary.GetEpisodes', {'properties': ['showtitle', 'season', 'episode',
                                                                     'uniqueid', 'playcount']})
    say('\nThe Kodi library ({} movies, {} episodes):'.format(len(movies.get('movies', [])),
                                                            len(episodes.get('episodes', []))))
    for movie in movies.get('movies', []):
        say('  {:<38} {}  {:<28} {}'.format(movie['title'], movie['year'], ', '.join(
            '{}={}'.format(k, v) for k, v in sorted(movie['uniqueid'].items())),
            'watched' if movie['playcount'] else ''))
    shows = {}
    for episode in episodes.get('episodes', []):
        entry = shows.setdefault(episode['showtitle'], [0, 0])
        entry[0] += 1
        entry[1] += 1 if episode['playcount'] else 0
    for title, (total, watched) in sorted(shows.items()):
        say('  {:<38} {} episodes, {} watched'.format(title, total, watched))


def main():
    missing = kodi_harness.missing_parts()
    if missing:
        say('The demo needs real Kodi and Xvfb (missing: {}). On Debian: make demo installs them.'.format(missing))
        return 2
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    os.makedirs(DEMO_DIR)
    zip_path = build.build_zip(os.path.join(ROOT, 'dist'))
    say('Built {}'.format(os.path.relpath(zip_path, ROOT)))
    media_root = media_tree.write_tree(os.path.join(DEMO_DIR, 'media'), demo_catalog())

    kodi = kodi_harness.Kodi(DEMO_DIR, enable=['service.traktsync'],
                             module_addon_cache=os.path.join(ROOT, 'build', 'module-addons'))
    try:
        kodi._prepare_home()
        build.unpack(zip_path, kodi.addons_dir)
        started = time.monotonic()
        kodi.start()
        say('Kodi {} is running (JSON-RPC on 127.0.0.1:{}), started in {:.1f} s'.format(
            kodi.call('Application.GetProperties', {'properties': ['version']})['version']['major'],
            kodi.tcp_port, time.monotonic() - started))
        say('Service: ' + kodi.wait_log(r'\[service\.traktsync\] service \S+ started', timeout=30).split(': ', 1)[1])
        details = kodi.call('Addons.GetAddonDetails', {'addonid': 'service.traktsync',
                                                       'properties': ['name', 'version', 'enabled']})['addon']
        say('Add-on: {name} {version}, enabled: {enabled}'.format(**details))
        kodi.scan_media(media_root)
        print_library(kodi)
        kodi.screenshot(os.path.join(DEMO_DIR, 'kodi.png'))
        kodi.quit()
        stopped = kodi.wait_log(r'\[service\.traktsync\] service \S+ stopped', timeout=10)
        say('\nKodi quit; ' + stopped.split(': ', 1)[1])
        errors = kodi.python_errors()
        if errors:
            say('Python errors in kodi.log:\n' + '\n'.join(errors))
            return 1
        say('Screenshot and kodi.log: {}'.format(os.path.relpath(DEMO_DIR, ROOT)))
        return 0
    finally:
        kodi.close()


if __name__ == '__main__':
    sys.exit(main())
