"""Is the library read trustworthy, and which items are left out by the user's path rules.

Health guards the (destructive) collection clean-up: when a video source root cannot be listed -- a NAS that is
off, a USB disk that is unplugged -- Kodi still lists the items on it, but a user who removes a share on purpose
and then cleans the library would otherwise look exactly like one whose NAS is asleep. So the clean-up is only
allowed when every video source root answers. A root that answers but is empty while the library has items under
it is treated as unreachable too: that is what an unmounted mount point looks like.
"""
from collections import namedtuple

from traktsync.kodi.jsonrpc import JsonRpcError

Source = namedtuple('Source', 'label path reachable problem')
Source.__doc__ = """A video source: ``reachable`` False comes with a ``problem`` a user can read."""

_WRAPPERS = ('stack://',)


def probe(rpc, roots):
    """Probe each video source root ``(label, path)`` with a one-entry ``Files.GetDirectory`` (one batch for all
    of them). Returns ``[Source]``; ``assess`` refines them with the library's files."""
    probes = rpc.batch([('Files.GetDirectory', {'directory': path, 'media': 'files',
                                                'limits': {'start': 0, 'end': 1}}) for _label, path in roots])
    sources = []
    for (label, path), answer in zip(roots, probes):
        if isinstance(answer, JsonRpcError):
            sources.append(Source(label, path, False, 'cannot be listed ({})'.format(answer.message)))
        else:
            total = ((answer or {}).get('limits') or {}).get('total')
            empty = total == 0 or (total is None and not (answer or {}).get('files'))
            sources.append(Source(label, path, True, 'empty' if empty else None))
    return sources


def assess(sources, files, items_read):
    """``(complete, reason, sources)``: refine the probes with the library's files and say whether the read
    can be trusted. ``files`` are the library items' paths, ``items_read`` how many items the library has."""
    checked = []
    problems = []
    for source in sources:
        if source.reachable and source.problem == 'empty':
            has_items = any(path_under(f, source.path) for f in files)
            if has_items:
                source = source._replace(reachable=False, problem='empty although the library has items in it '
                                                                  '(not mounted?)')
            else:
                source = source._replace(problem=None)
        if not source.reachable:
            problems.append('video source "{}" ({}) {}'.format(source.label, source.path, source.problem))
        checked.append(source)
    if not items_read:
        problems.insert(0, 'the Kodi library has no movies and no episodes')
    if problems:
        return False, '; '.join(problems), checked
    return True, None, checked


def _plain(path):
    for wrapper in _WRAPPERS:
        if path[:len(wrapper)].lower() == wrapper:
            # stack://a.mkv , b.mkv -- the first part says where the item lives.
            return path[len(wrapper):].split(' , ')[0]
    return path


def path_under(path, prefix):
    """True when ``path`` lies under ``prefix``. URL schemes compare without case (``SMB://`` is ``smb://``),
    file system paths exactly."""
    path = _plain(path or '')
    if not prefix:
        return False
    if '://' in prefix:
        scheme, rest = prefix.split('://', 1)
        head = path[:len(scheme) + 3]
        return head.lower() == scheme.lower() + '://' and path[len(scheme) + 3:].startswith(rest)
    return path.startswith(prefix)


def exclusion_of(path, prefixes):
    """The first of ``prefixes`` that ``path`` lies under, else ``None``."""
    for prefix in prefixes:
        if path_under(path, prefix):
            return prefix
    return None
