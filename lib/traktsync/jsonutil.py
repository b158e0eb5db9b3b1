"""One JSON module for the whole add-on.

simplejson is only worth it with its C speedups: the pure-Python build that a
platform-independent Kodi module add-on ships parsed a 4 MB library listing
seven times slower than the standard library.
"""
try:
    import simplejson as _simplejson
    from simplejson import _speedups  # noqa: F401  (presence check only)
    json = _simplejson
except ImportError:
    import json  # noqa: F811

loads = json.loads
dumps = json.dumps
JSONDecodeError = getattr(json, 'JSONDecodeError', ValueError)
