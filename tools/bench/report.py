"""The benchmark's table: one printed row per run, each also appended to ``bench/results.json``."""
import json
import os
import platform
import subprocess
import time

HEADER = ('size scenario      lat | open |  wall (engine)  floor  xfloor | req  min | GET/POST by endpoint'
          '                          | rpc  kodi-w | RSS+MiB | ping max')
SHORT = {'GET /users/settings': 'us', 'GET last_activities': 'la', 'watched_movies': 'wm', 'watched_shows': 'ws',
         'collection_movies': 'cm', 'collection_shows': 'cs', 'POST history': 'Ph', 'POST collection': 'Pc',
         'POST history/remove': 'Phr', 'POST collection/remove': 'Pcr', 'GET history': 'hc',
         'GET ratings/movies': 'rm', 'GET ratings/episodes': 're', 'GET playback/movies': 'pm',
         'GET playback/episodes': 'pe'}


def _endpoints(by_endpoint):
    parts = ['{}{}'.format(SHORT.get(name, name), count) for name, count in sorted(by_endpoint.items())]
    return ' '.join(parts)


def line(row):
    ratio = row.get('wall_over_floor')
    return ('{:<4} {:<13} {:>4} | {:>4} | {:>5.1f} ({:>6.1f}) {:>6.1f} {:>6} | {:>4} {:>4} | {:<45} | {:>4} {:>6} | '
            '{:>7} | {:>6}').format(
        row['size'], row['scenario'], row['latency_ms'],
        '{:.1f}'.format(row['start_s']) if row.get('start_s') is not None else '-', row['wall_s'],
        row['engine_s'] or 0, row['floor_s'],
        '{:.2f}'.format(ratio) if ratio is not None else '-', row['requests'], row['requests_min'],
        _endpoints(row['requests_by_endpoint']), row.get('kodi_calls') or 0, row['kodi_writes'],
        row['rss_growth_mib'], '{} ms'.format(row['ping_max_ms']))


def machine():
    try:
        commit = subprocess.check_output(['git', 'rev-parse', '--short', 'HEAD'], stderr=subprocess.DEVNULL,
                                         cwd=os.path.dirname(os.path.abspath(__file__))).decode().strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    load = os.getloadavg() if hasattr(os, 'getloadavg') else None
    return {'cpus': os.cpu_count(), 'machine': platform.machine(), 'system': platform.platform(terse=True),
            'load_at_start': [round(value, 2) for value in load] if load else None, 'commit': commit}


def append(path, row):
    """Add ``row`` to the JSON list in ``path`` (created when missing)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rows = []
    if os.path.exists(path):
        with open(path) as handle:
            rows = json.load(handle)
    row = dict(row, at=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
    rows.append(row)
    with open(path + '.tmp', 'w') as handle:
        json.dump(rows, handle, indent=1, sort_keys=True)
        handle.write('\n')
    os.replace(path + '.tmp', path)
