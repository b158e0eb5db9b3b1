"""Finding the item trakt refuses in a batch it answered 400/422 for (issue 11, item 8).

One bad item (a date trakt cannot read, an id it rejects) must not fail every sync: the batch is halved until each
refused item stands alone; the halves trakt takes are confirmed as usual, each refused item comes back with
trakt's reason. A 4xx means trakt did nothing with the request, so re-sending its halves cannot duplicate a play.
"""
from traktsync import logger
from traktsync.trakt import errors
from traktsync.trakt.batching import BatchResult

REFUSED_STATUSES = (400, 422)


def is_refusal(exc):
    return isinstance(exc, errors.RequestRejected) and exc.status in REFUSED_STATUSES


def isolate_refused(send, batch, refusal):
    """Yield ``(items, BatchResult)`` for every part of ``batch`` (refused by ``refusal``): parts trakt took, and
    single refused items (``BatchResult.refused``). ``send(items)`` posts a part: ``(answer, status, seconds)`` or
    raises; refusals of a part are split further, other errors propagate."""
    if len(batch) == 1:
        logger.warning('trakt refused an item ({}): {!r}', refusal.reason or refusal.message, batch[0])
        yield batch, BatchResult(batch, {}, refusal.status, refused=[(batch[0], refusal.reason or refusal.message)])
        return
    middle = len(batch) // 2
    for part in (batch[:middle], batch[middle:]):
        try:
            answer, status, seconds = send(part)
        except errors.RequestRejected as exc:
            if not is_refusal(exc):
                raise
            for result in isolate_refused(send, part, exc):
                yield result
            continue
        yield part, BatchResult(part, answer, status, seconds)
