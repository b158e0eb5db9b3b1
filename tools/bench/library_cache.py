"""A data set's library in Kodi: the media tree written and scanned by a real Kodi once, then reused.

Scanning is by far the slowest part of getting a big library into Kodi, and it is the same work every time. So
the first run of a data set writes its media tree under ``build/bench/<size>/media``, lets a plain Kodi (no
add-on) scan it with the local NFO scraper, and keeps the resulting video database next to it with the scan's
cost (``scan.json``). The scanning Kodi's home is on a memory file system when there is one (``/dev/shm``): the
scan commits every item to SQLite, and on a disk those syncs dominate (S: 15 ms per item on this project's 2-core
machine's disk, 2.5 ms in memory). The database it leaves is the same file either way. Later runs copy that
database into a fresh Kodi home: the library Kodi then holds is exactly the one a scan gave, which is what a user
has.

The cache is keyed by the data set's counts and ``FORMAT``; anything else changing (the generator's rules, the
media tree writer) must bump ``FORMAT``.
"""
import glob
import json
import os
import shutil
import tempfile
import time

from tools import catalog as catalogs
from tools import kodi_harness, media_tree

FORMAT = 1
SCAN_TIMEOUT = 6 * 3600
MEMORY_FS = '/dev/shm'


def _scratch_parent():
    return MEMORY_FS if os.path.isdir(MEMORY_FS) and os.access(MEMORY_FS, os.W_OK) else None


def cache_dir(build_dir, dataset):
    return os.path.join(build_dir, 'bench', dataset.size.name)


def _key(dataset):
    return dict(dataset.counts(), format=FORMAT, size=list(dataset.size))


def _write_tree(root, library):
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(os.path.join(root, 'movies'))
    os.makedirs(os.path.join(root, 'tv'))
    for movie in library['movies']:
        media_tree.write_movie(root, movie)
    written = set()
    for show, season_number, episode in catalogs.iter_episodes(library):
        if show['ids']['trakt'] not in written:
            media_tree.write_show(root, show)
            written.add(show['ids']['trakt'])
        media_tree.write_episode(root, show, season_number, episode)


def ensure(build_dir, dataset, module_addon_cache, say=print):
    """The cached ``(media_root, video_db, scan_info)`` of ``dataset``; writes and scans it first when needed."""
    folder = cache_dir(build_dir, dataset)
    media = os.path.join(folder, 'media')
    info_path = os.path.join(folder, 'scan.json')
    if os.path.exists(info_path):
        with open(info_path) as handle:
            info = json.load(handle)
        databases = glob.glob(os.path.join(folder, 'MyVideos*.db'))
        if info.get('key') == _key(dataset) and databases and os.path.isdir(media):
            return media, databases[0], info
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    say('{}: writing the media tree'.format(dataset.size.name))
    started = time.monotonic()
    _write_tree(media, dataset.library)
    written = time.monotonic() - started
    work = tempfile.mkdtemp(prefix='traktsync-bench-scan-', dir=_scratch_parent())
    kodi = kodi_harness.Kodi(work, module_addon_cache=module_addon_cache)
    try:
        kodi.start()
        say('{}: scanning {} items with a plain Kodi (once per data set)'.format(
            dataset.size.name, dataset.counts()['movies'] + dataset.counts()['episodes']))
        started = time.monotonic()
        kodi.scan_media(media, timeout=SCAN_TIMEOUT)
        scanned = time.monotonic() - started
        counts = {key: kodi.call(method, {'limits': {'start': 0, 'end': 1}})['limits']['total']
                  for key, method in (('movies', 'VideoLibrary.GetMovies'), ('shows', 'VideoLibrary.GetTVShows'),
                                      ('episodes', 'VideoLibrary.GetEpisodes'))}
        kodi.quit()
        database = kodi.video_db()
        shutil.copy(database, folder)
    finally:
        kodi.close()
    shutil.rmtree(work, ignore_errors=True)
    expected = dataset.counts()
    if any(counts[key] != expected[key] for key in counts):
        raise RuntimeError('the scan found {} where the data set has {}'.format(counts, expected))
    items = counts['movies'] + counts['episodes']
    info = {'key': _key(dataset), 'write_seconds': round(written, 1), 'scan_seconds': round(scanned, 1),
            'scan_home': 'memory' if _scratch_parent() else 'disk',
            'items': items, 'ms_per_item': round(scanned * 1000.0 / max(1, items), 2), 'counts': counts}
    with open(info_path, 'w') as handle:
        json.dump(info, handle, indent=1)
    say('{}: media tree {:.1f} s, scan {:.1f} s ({:.1f} ms per item)'.format(
        dataset.size.name, written, scanned, info['ms_per_item']))
    return media, os.path.join(folder, os.path.basename(database)), info
