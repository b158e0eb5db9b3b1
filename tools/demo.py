"""`make demo`: a real two-way sync between real Kodi and the local trakt emulator.

1. Builds the add-on zip and installs it, with its module add-ons, into a fresh
   Kodi home; Kodi (Debian's, under Xvfb) scans a demo library of NFO-described
   files, some of it watched.
2. Starts the trakt emulator on 127.0.0.1 as the demo account (its state is kept
   in build/demo/trakt-account.json), with plays and collection entries of its own.
3. Authorizes the add-on through trakt's device flow (the emulator approves the
   code at once, as a user typing it at trakt.tv would) and runs "Sync now" from
   the add-on menu, inside Kodi.
4. Prints what moved in each direction, read from both sides, and the add-on's
   own summary; saves screenshots of the library and of the status screen.
5. Plays a library movie (a short generated clip) and skips to near its end:
   the add-on scrobbles it, and trakt shows one play for it.

Exits non-zero on any failure. Everything stays in build/demo/ for a look.
"""
import json
import os
import shutil
import sys
import time

from tools import build, catalog, kodi_harness, media_tree
from tools.kodi_harness import OK_DIALOG, TEXT_VIEWER
from tools.trakt_emulator import Emulator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_DIR = os.path.join(ROOT, 'build', 'demo')
ADDON_ID = 'service.traktsync'
SYNC_DONE = r'\[service\.traktsync\] sync (ok|error|cancelled) in'
SCROBBLED_MOVIE = 10      # an unwatched library movie whose file is a playable clip
SCROBBLE_STOP = r'\[service\.traktsync\] scrobble stop of .*'


def say(text=''):
    print(text, flush=True)


def demo_catalogs():
    """What trakt knows (16 movies, 3 shows) and the Kodi library (12 movies, 3 shows); a few already watched."""
    known = catalog.make_catalog(movies=16, shows=3, seasons=2, episodes_per_season=6)
    library = json.loads(json.dumps({'movies': known['movies'][:12], 'shows': known['shows']}))
    for index, movie in enumerate(library['movies'][:3]):
        movie.update(playcount=1, lastplayed='2026-10-0{} 00:00:00'.format(index + 1))
    for season in library['shows'][0]['seasons'][:1]:
        for episode in season['episodes']:
            episode.update(playcount=1, lastplayed='2026-11-0{} 00:00:00'.format(min(episode['number'], 9)))
    return known, library


def seed_account(emu, known):
    """The demo account's own history and collection, some of it not in Kodi yet."""
    movies = known['movies']
    emu.add_play('movie', movies[2]['ids']['trakt'], '2026-10-03T20:15:00.000Z')     # watched on both sides
    emu.add_play('movie', movies[5]['ids']['trakt'], '2026-09-12T21:00:00.000Z')     # watched on trakt only
    emu.add_play('movie', movies[7]['ids']['trakt'], '2026-08-30T19:45:00.000Z')
    second_show = known['shows'][1]
    for episode in second_show['seasons'][0]['episodes'][:4]:
        emu.add_play('episode', episode['ids']['trakt'], '2026-11-1{}T21:00:00.000Z'.format(episode['number']))
    for movie in movies[12:]:                                                        # collected, not in Kodi
        emu.collect('movie', movie['ids']['trakt'], '2025-12-24T18:00:00.000Z')


def kodi_watched(kodi):
    movies = kodi.call('VideoLibrary.GetMovies', {'properties': ['title', 'playcount']}).get('movies', [])
    episodes = kodi.call('VideoLibrary.GetEpisodes', {'properties': ['showtitle', 'season', 'episode',
                                                                     'playcount']}).get('episodes', [])
    watched = {m['title']: m['playcount'] for m in movies if m['playcount']}
    watched.update({'{} S{:02d}E{:02d}'.format(e['showtitle'], e['season'], e['episode']): e['playcount']
                    for e in episodes if e['playcount']})
    return watched


def trakt_state(emu, known):
    titles = {('movie', m['ids']['trakt']): m['title'] for m in known['movies']}
    for show, season, episode in catalog.iter_episodes(known):
        titles[('episode', episode['ids']['trakt'])] = '{} S{:02d}E{:02d}'.format(show['title'], season,
                                                                                  episode['number'])
    plays = {}
    for play in emu.plays():
        title = titles[(play['type'], play['trakt_id'])]
        plays[title] = plays.get(title, 0) + 1
    collected = {titles[(c['type'], c['trakt_id'])] for c in emu.collection()}
    return plays, collected


def print_changes(label, before, after):
    changed = sorted(k for k in after if after[k] != before.get(k, 0))
    say('{} ({}):'.format(label, len(changed)))
    for title in changed:
        say('  {:<44} plays {} -> {}'.format(title, before.get(title, 0), after[title]))
    if not changed:
        say('  (nothing)')


def close_dialog(kodi, window_id, timeout=60):
    kodi.wait_window(window_id, timeout=timeout)
    time.sleep(0.5)
    kodi.press('Select') if window_id == OK_DIALOG else kodi.press('Back')


def scrobble(kodi, emu, movie):
    """Play the movie, skip to 85 % and let it end: the add-on scrobbles it; trakt gets one play."""
    say('\nScrobbling: playing "{}" and skipping to near its end...'.format(movie['title']))
    movie_id = [m['movieid'] for m in kodi.call('VideoLibrary.GetMovies', {'properties': ['uniqueid']})['movies']
                if m['uniqueid'].get('imdb') == movie['ids']['imdb']][0]
    mark = kodi.notifications.mark()
    kodi.call('Player.Open', {'item': {'movieid': movie_id}})
    kodi.wait_notification('Player.OnAVStart', timeout=30, since=mark)
    kodi.call('Player.Seek', {'playerid': 1, 'value': {'percentage': 85}})
    kodi.wait_notification('Player.OnStop', timeout=60, since=mark)
    say('  ' + kodi.wait_log(SCROBBLE_STOP, timeout=30).split('] ', 1)[1])
    plays = emu.play_count('movie', movie['ids']['trakt'])
    say('  trakt now has {} play(s) of it'.format(plays))
    return plays == 1


def main():
    missing = kodi_harness.missing_parts()
    if missing:
        say('The demo needs real Kodi and Xvfb (missing: {}). On Debian: make demo installs them.'.format(missing))
        return 2
    shutil.rmtree(DEMO_DIR, ignore_errors=True)
    os.makedirs(DEMO_DIR)
    zip_path = build.build_zip(os.path.join(ROOT, 'dist'))
    say('Built {}'.format(os.path.relpath(zip_path, ROOT)))
    known, library = demo_catalogs()
    media_root = media_tree.write_tree(os.path.join(DEMO_DIR, 'media'), library)
    scrobbled = library['movies'][SCROBBLED_MOVIE]
    folder = media_tree.movie_folder(media_root, scrobbled)
    media_tree.write_clip(os.path.join(folder, os.path.basename(folder) + '.mkv'), seconds=30)

    emu = Emulator(catalog=known, state_path=os.path.join(DEMO_DIR, 'trakt-account.json'), device_interval=1,
                   client_id='demo-client-id', client_secret='demo-client-secret')
    emu.auto_approve = True
    kodi = kodi_harness.Kodi(DEMO_DIR, enable=[ADDON_ID],
                             module_addon_cache=os.path.join(ROOT, 'build', 'module-addons'))
    try:
        emu.start()
        seed_account(emu, known)
        say('trakt emulator (the demo account) on {}'.format(emu.url))
        kodi._prepare_home()
        build.unpack(zip_path, kodi.addons_dir)
        kodi.write_addon_settings(ADDON_ID, {
            'api_url': emu.url, 'oauth_url': emu.url, 'client_id': emu.client_id,
            'client_secret': emu.client_secret, 'sync_at_startup': False, 'collection_metadata': True})
        kodi.write_sources(media_root)
        kodi.start()
        say('Kodi {} running headless; {}'.format(
            kodi.call('Application.GetProperties', {'properties': ['version']})['version']['major'],
            kodi.wait_log(r'\[service\.traktsync\] service \S+ started', timeout=30).split('] ', 1)[1]))
        kodi.scan_media(media_root)

        say('\nAuthorizing with trakt (device flow)...')
        kodi_before, (trakt_before, collected_before) = kodi_watched(kodi), trakt_state(emu, known)
        kodi.run_script(ADDON_ID, ['action=authorize'])
        say('  ' + kodi.wait_log(r'\[service\.traktsync\] trakt authorization approved', 30).split('] ', 1)[1])
        say('\nSync now? Yes (inside Kodi)...')
        kodi.answer_yesno(True, timeout=60)                           # "signed in as ...; sync now?"
        kodi.wait_log_count(SYNC_DONE, 1, timeout=120)
        close_dialog(kodi, OK_DIALOG)
        kodi_after, (trakt_after, collected_after) = kodi_watched(kodi), trakt_state(emu, known)
        # The service's own syncs (after the scan, after Kodi's watched changes) may have run since, changing
        # nothing: the add-on keeps the last sync that changed something apart.
        with open(os.path.join(kodi.profile_dir(ADDON_ID), 'last-result-with-changes.json')) as handle:
            result = json.load(handle)

        say('\n== What moved ==')
        print_changes('trakt -> Kodi: watched in Kodi now', kodi_before, kodi_after)
        print_changes('Kodi -> trakt: plays on trakt now', trakt_before, trakt_after)
        say('Kodi -> trakt: added to the trakt collection: {} items'.format(
            len(collected_after - collected_before)))
        say('\nThe add-on says: {} in {} s, {} trakt requests, {} Kodi calls; applied {}'.format(
            result['status'], result['duration'], result['trakt_requests'], result['kodi_calls'],
            json.dumps(result['applied'], sort_keys=True)))

        kodi.run_script(ADDON_ID, ['action=sync'])
        kodi.wait_log_count(SYNC_DONE, 2, timeout=60)
        close_dialog(kodi, OK_DIALOG)
        with open(os.path.join(kodi.profile_dir(ADDON_ID), 'last-result.json')) as handle:
            again = json.load(handle)
        say('A second sync right after: {}, {} trakt request(s), applied {}'.format(
            again['status'], again['trakt_requests'], again['applied'] or 'nothing'))

        scrobble_ok = scrobble(kodi, emu, scrobbled)

        kodi.builtin('ActivateWindow(Videos,videodb://movies/titles/,return)')
        time.sleep(2)
        shots = [kodi.screenshot(os.path.join(DEMO_DIR, 'library-after-sync.png'))]
        kodi.run_script(ADDON_ID, ['action=status'])
        kodi.wait_window(TEXT_VIEWER, timeout=30)
        time.sleep(1)
        shots.append(kodi.screenshot(os.path.join(DEMO_DIR, 'status-screen.png')))
        close_dialog(kodi, TEXT_VIEWER)

        kodi.quit()
        errors = kodi.python_errors()
        if errors:
            say('Python errors in kodi.log:\n' + '\n'.join(errors))
            return 1
        if result['status'] != 'ok' or again['trakt_requests'] != 1 or not scrobble_ok:
            say('The sync did not end as expected.')
            return 1
        say('\nScreenshots: ' + ', '.join(os.path.relpath(p, ROOT) for p in shots))
        say('kodi.log: ' + os.path.relpath(kodi.log_path, ROOT))
        return 0
    finally:
        kodi.close()
        emu.stop()


if __name__ == '__main__':
    sys.exit(main())
