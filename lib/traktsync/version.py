"""The add-on's version, read from addon.xml so that there is one place to bump it."""
import os
import re

_ADDON_XML = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'addon.xml')


def _read_version():
    try:
        with open(_ADDON_XML, 'rb') as handle:
            head = handle.read(4096).decode('utf-8', 'replace')
    except OSError:
        return '0.0.0'
    match = re.search(r'<addon\b[^>]*\bversion="([^"]+)"', head)
    return match.group(1) if match else '0.0.0'


VERSION = _read_version()
