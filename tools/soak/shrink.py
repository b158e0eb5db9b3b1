"""Shrinking a failing life to the shortest event list that still fails the same way (delta debugging).

"The same way" is the kind of its first violation (``plays_extra``, ``kodi_unwatched``, ...): a shrink must not
wander off to another bug. Chunks of events are deleted (halves, quarters, ... single events) while the life still
fails; then each sync's fault and clean option are dropped when they are not needed, and the life's options are
turned off when they are not needed.
"""
from tools.soak.life import play


def signature(outcome):
    return outcome.violations[0].kind if outcome.violations else None


def shrink(life, budget=400):
    """``(shortest life, its outcome, replays used)``."""
    target = signature(play(life))
    if target is None:
        raise ValueError('the life does not fail')
    runs = [0]

    def fails(candidate):
        runs[0] += 1
        return signature(play(candidate)) == target

    events = list(life.events)
    chunk = max(1, len(events) // 2)
    while chunk >= 1 and runs[0] < budget:
        start = 0
        removed_any = False
        while start < len(events) and runs[0] < budget:
            candidate = events[:start] + events[start + chunk:]
            if candidate and fails(life.with_events(candidate)):
                events = candidate
                removed_any = True
            else:
                start += chunk
        if not removed_any:
            chunk //= 2
    # simpler syncs: no fault, no clean
    for index, event in enumerate(events):
        if runs[0] >= budget:
            break
        if event[0] != 'sync':
            continue
        for simpler in ({'clean': event[2].get('clean'), 'fault': None}, {'clean': False, 'fault': None}):
            if simpler == event[2]:
                continue
            candidate = events[:index] + [('sync', event[1], simpler)] + events[index + 1:]
            if fails(life.with_events(candidate)):
                events = candidate
                event = candidate[index]
    best = life.with_events(events)
    for name in ('two_boxes', 'send_unwatched', 'take_unwatched'):
        if best.config.get(name) and runs[0] < budget:
            config = dict(best.config)
            config[name] = False
            candidate = type(best)(best.seed, config, best.events)
            if fails(candidate):
                best = candidate
    return best, play(best), runs[0]
