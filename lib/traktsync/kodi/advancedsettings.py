"""What the sync needs of Kodi's advancedsettings.xml: whether the video library is shared.

A ``<videodatabase>`` of ``<type>mysql</type>`` (MySQL or MariaDB) is how several Kodi boxes share one library;
then another box may send the same viewings at the same moment (docs/design.md, "Several writers").
"""
import xml.etree.ElementTree as ElementTree

from traktsync import logger

# Kodi reads advancedsettings.xml of the master profile only.
ADVANCEDSETTINGS = 'special://masterprofile/advancedsettings.xml'


def video_database_is_shared(text):
    """Whether advancedsettings.xml ``text`` puts the video library into a MySQL/MariaDB server."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return False   # Kodi ignores an unreadable file too: the library is its local SQLite one
    kind = root.findtext('videodatabase/type')
    return (kind or '').strip().lower() == 'mysql'


def read_video_database_is_shared(path):
    """``video_database_is_shared`` of the file at ``path``; False when there is no such file."""
    try:
        with open(path, 'rb') as handle:
            text = handle.read()
    except (IOError, OSError):
        return False
    shared = video_database_is_shared(text)
    logger.debug('video library shared with other Kodi boxes (MySQL/MariaDB): {}', 'yes' if shared else 'no')
    return shared


def in_kodi_path():
    """The file's path on disk inside Kodi; None outside Kodi."""
    try:
        from kodi_six import xbmcvfs
    except ImportError:
        return None
    return xbmcvfs.translatePath(ADVANCEDSETTINGS)
