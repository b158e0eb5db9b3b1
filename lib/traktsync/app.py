"""Builds the sync's parts from a settings snapshot: the trakt client, the Kodi library, the engine.

Kodi-free, so the same wiring serves the add-on (in-Kodi JSON-RPC) and tools outside Kodi (TCP JSON-RPC).
"""
import time

from traktsync.engine import SyncEngine
from traktsync.kodi.library import KodiLibrary
from traktsync.store import JsonStore, TokenStore
from traktsync.trakt import TraktClient, load_app_credentials
from traktsync.trakt import errors as trakt_errors
from traktsync.trakt.backoff import shared_pacer
from traktsync.version import VERSION


def make_trakt_client(settings, store, sleep=None):
    """``sleep`` replaces ``time.sleep`` for the POST pacing and backoff waits, so a caller can end them early
    (Kodi quitting, the user cancelling) by raising from it."""
    credentials = load_app_credentials(settings.client_id, settings.client_secret)
    if credentials is None:
        raise trakt_errors.MissingClientId()
    api_url = settings.api_url or 'https://api.trakt.tv'
    return TraktClient(VERSION, TokenStore(store), credentials.client_id, credentials.client_secret,
                       api_url=api_url, pacer=shared_pacer(api_url),
                       oauth_url=settings.oauth_url or 'https://auth.trakt.tv',
                       batch_start=settings.batch_size_start,
                       batch_min=min(settings.batch_size_min, settings.batch_size_start),
                       batch_max=max(settings.batch_size_max, settings.batch_size_start),
                       sleep=sleep or time.sleep)


def make_engine(settings, profile_dir, rpc, progress=None, is_cancelled=None, sleep=None, still_owner=None,
                before_kodi_writes=None):
    """``still_owner``: the sync lock's ``still_held``, so a sync whose lock was taken over stops writing;
    ``before_kodi_writes(count)``: called before the watched states of the plan are written into Kodi."""
    store = JsonStore(profile_dir)
    return SyncEngine(KodiLibrary(rpc, settings), make_trakt_client(settings, store, sleep), store, settings,
                      progress=progress, is_cancelled=is_cancelled, still_owner=still_owner,
                      before_kodi_writes=before_kodi_writes)
