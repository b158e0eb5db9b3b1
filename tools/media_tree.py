"""Writes a media tree of NFO-described fake video files for Kodi to scan.

Each movie and episode is a 1-byte ``.mkv`` next to an NFO that Kodi's
"Local information only" scraper (metadata.local) reads: title, year, ids and,
optionally, playcount / lastplayed / dateadded, so a test can define the
library's watched state before the scan. Kodi 20 keeps only the date of an
NFO's lastplayed (the time becomes 00:00:00): a test that needs the time
sets it through VideoLibrary.Set*Details after the scan.
"""
import os
import struct
from xml.sax.saxutils import escape

from tools.catalog import iter_episodes


def _uniqueids(ids, kinds, default):
    lines = []
    for kind in kinds:
        if ids.get(kind) is not None:
            lines.append('<uniqueid type="{}"{}>{}</uniqueid>'.format(
                kind, ' default="true"' if kind == default else '', escape(str(ids[kind]))))
    return ''.join(lines)


def _watched(item):
    parts = []
    for tag in ('playcount', 'lastplayed', 'dateadded'):
        if item.get(tag) is not None:
            parts.append('<{0}>{1}</{0}>'.format(tag, escape(str(item[tag]))))
    return ''.join(parts)


def _safe(name):
    return ''.join('_' if c in '/\\:*?"<>|' else c for c in name)


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)


def _fake_video(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as handle:
        handle.write(b'\0')


def movie_folder(root, movie):
    return os.path.join(root, 'movies', _safe('{} ({})'.format(movie['title'], movie['year'])))


def write_movie(root, movie, extra_nfo='', ids_kinds=('imdb', 'tmdb')):
    """Write one movie; ``movie`` is a catalog movie, optionally with playcount/lastplayed/dateadded."""
    folder = movie_folder(root, movie)
    base = os.path.join(folder, os.path.basename(folder))
    nfo = ('<?xml version="1.0" encoding="UTF-8"?><movie><title>{}</title><year>{}</year>'
           '<premiered>{}-01-01</premiered>{}{}{}</movie>').format(
        escape(movie['title']), movie['year'], movie['year'],
        _uniqueids(movie.get('ids', {}), ids_kinds, ids_kinds[0] if ids_kinds else None), _watched(movie), extra_nfo)
    _write(base + '.nfo', nfo)
    _fake_video(base + '.mkv')
    return base + '.mkv'


def show_folder(root, show):
    return os.path.join(root, 'tv', _safe(show['title']))


def write_show(root, show):
    folder = show_folder(root, show)
    nfo = ('<?xml version="1.0" encoding="UTF-8"?><tvshow><title>{}</title><year>{}</year>'
           '<premiered>{}-01-01</premiered>{}</tvshow>').format(
        escape(show['title']), show['year'], show['year'],
        _uniqueids(show['ids'], ('tvdb', 'tmdb', 'imdb'), 'tvdb'))
    _write(os.path.join(folder, 'tvshow.nfo'), nfo)
    return folder


def write_episode(root, show, season_number, episode):
    folder = os.path.join(show_folder(root, show), 'Season {}'.format(season_number))
    base = os.path.join(folder, _safe('{} S{:02d}E{:02d}'.format(show['title'], season_number, episode['number'])))
    nfo = ('<?xml version="1.0" encoding="UTF-8"?><episodedetails><title>{}</title><showtitle>{}</showtitle>'
           '<season>{}</season><episode>{}</episode><aired>{}-01-01</aired>{}{}</episodedetails>').format(
        escape(episode['title']), escape(show['title']), season_number, episode['number'], show['year'],
        _uniqueids(episode['ids'], ('tvdb', 'tmdb'), 'tvdb'), _watched(episode))
    _write(base + '.nfo', nfo)
    _fake_video(base + '.mkv')
    return base + '.mkv'


def write_tree(root, catalog):
    """Write every movie and episode of ``catalog`` under ``root``/movies and ``root``/tv."""
    os.makedirs(os.path.join(root, 'movies'), exist_ok=True)
    os.makedirs(os.path.join(root, 'tv'), exist_ok=True)
    for movie in catalog.get('movies', []):
        write_movie(root, movie, extra_nfo=movie.get('nfo_extra', ''))
    written = set()
    for show, season_number, episode in iter_episodes(catalog):
        if show['ids']['trakt'] not in written:
            write_show(root, show)
            written.add(show['ids']['trakt'])
        write_episode(root, show, season_number, episode)
    return root


def write_clip(path, seconds=60, width=64, height=48, fps=5):
    """A tiny real video Kodi can play, without ffmpeg: uncompressed YUV4MPEG2 (ffmpeg inside Kodi reads it)."""
    frame_size = width * height * 3 // 2
    with open(path, 'wb') as handle:
        handle.write('YUV4MPEG2 W{} H{} F{}:1 Ip A1:1 C420jpeg\n'.format(width, height, fps).encode('ascii'))
        for index in range(seconds * fps):
            shade = (index * 7) % 200 + 16
            handle.write(b'FRAME\n')
            handle.write(struct.pack('B', shade) * (width * height) + b'\x80' * (frame_size - width * height))
    return path
