"""The add-on's settings as one typed, immutable snapshot.

The field names are the setting ids of resources/settings.xml and the field
types tell the reader which Kodi getter to use. A snapshot is read once and
passed around; the service reads a new one in ``onSettingsChanged``.
"""
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Settings(object):
    username: str = ''
    # Sync
    sync_at_startup: bool = True
    startup_delay: int = 30
    sync_interval_hours: int = 12
    interval_unit_seconds: int = 3600   # hidden: how long one interval hour lasts, shortened by tests
    sync_after_scan: bool = True
    instant_push: bool = True
    wait_while_playing: bool = True
    show_progress: bool = False
    notifications: bool = True
    movies_to_trakt: bool = True
    movies_from_trakt: bool = True
    episodes_to_trakt: bool = True
    episodes_from_trakt: bool = True
    send_unwatched: bool = False
    take_unwatched: bool = False
    # Playback, resume points and ratings
    scrobble: bool = True
    sync_resume: bool = True
    sync_ratings: bool = True
    ask_rating: bool = False
    # Collection
    collection_add: bool = True
    collection_metadata: bool = True
    clean_collection: bool = False
    clean_threshold_percent: int = 10
    exclude_paths: str = ''
    exclude_plugin: bool = True
    exclude_http: bool = True
    exclude_pvr: bool = True
    # Advanced
    api_url: str = 'https://api.trakt.tv'
    oauth_url: str = 'https://auth.trakt.tv'
    client_id: str = ''
    client_secret: str = ''
    batch_size_start: int = 250
    batch_size_min: int = 25
    batch_size_max: int = 1000
    debug_logging: bool = False

    @classmethod
    def read(cls, get_bool, get_int, get_str):
        """Build a snapshot with one getter per type; a setting that cannot be read keeps its default."""
        getters = {bool: get_bool, int: get_int, str: get_str, 'bool': get_bool, 'int': get_int, 'str': get_str}
        values = {}
        for field in fields(cls):
            try:
                values[field.name] = getters[field.type](field.name)
            except (TypeError, ValueError, RuntimeError):
                continue
        return cls(**values)

    @property
    def excluded_path_prefixes(self):
        prefixes = [p.strip() for p in self.exclude_paths.split('|') if p.strip()]
        if self.exclude_plugin:
            prefixes.append('plugin://')
        if self.exclude_http:
            prefixes += ['http://', 'https://']
        if self.exclude_pvr:
            prefixes.append('pvr://')
        return tuple(prefixes)
