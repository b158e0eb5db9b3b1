"""The optional question for a rating once a film or episode was watched to its end ("Ask for a rating after
watching", off by default).

Asked from a thread of its own (a dialog blocks its thread; the service's thread must keep answering Kodi), and
only when no video plays: a playlist's next item may have started, and nothing pops up during playback. The answer
becomes Kodi's user rating; the sync that follows soon takes it to trakt (ratings_plan.py: a change in Kodi).
"""
import threading

from traktsync import logger
from traktsync.kodi.jsonrpc import JsonRpcError
from traktsync.model import MOVIE

RATINGS = tuple(range(10, 0, -1))   # the list offered, best first


def rating_of_choice(index):
    """The rating of the chosen list index; None when the user backed out."""
    return RATINGS[index] if 0 <= index < len(RATINGS) else None


class RatingQuestion(object):
    """``rpc``: JSON-RPC to Kodi; ``ui``: the Kodi adapter's dialogs; ``rated()``: called after a rating was set
    (the service then syncs soon)."""

    def __init__(self, rpc, ui, rated):
        self._rpc = rpc
        self._ui = ui
        self._rated = rated

    def ask_later(self, playing):
        """``playing``: the scrobbler's PlayingItem of the film or episode that was just watched to its end."""
        if playing.kodi_id is None:
            return
        threading.Thread(target=self.ask, args=(playing,), name='traktsync-rating-question').start()

    def ask(self, playing):
        if self._ui.is_playing_video():
            logger.info('a video plays again; no rating question for {}', playing.title)
            return
        rating = rating_of_choice(self._ui.select(self._ui.localize(30094, playing.title),
                                                  [str(value) for value in RATINGS]))
        if rating is None:
            logger.info('no rating given for {}', playing.title)
            return
        method, id_name = (('VideoLibrary.SetMovieDetails', 'movieid') if playing.kind == MOVIE
                           else ('VideoLibrary.SetEpisodeDetails', 'episodeid'))
        try:
            self._rpc.call(method, {id_name: playing.kodi_id, 'userrating': rating})
        except JsonRpcError as exc:
            logger.warning('Kodi did not take the rating of {}: {}', playing.title, exc)
            return
        logger.info('rated {} {} in Kodi; the next sync takes it to trakt', playing.title, rating)
        self._rated()
