"""Task submission with fresh keys, and the all-to-all exchange of pieces between tasks.

Every task the Dask engine submits gets a key made of its stage, a random run token and
its indices. Keys are never derived from the data or reused between runs or rounds: the
scheduler identifies a task by its key alone, and a key that is still held from earlier
(a persisted collection, a live future) is answered with the *old* result, even when
the new task is different (dask/distributed#1860, dask/dask#9888). An iterative
algorithm that reuses keys can therefore silently read the previous round's data.

Every task is pure, so Dask may run it again: a task whose worker dies is rescheduled
(up to ``distributed.scheduler.allowed-failures`` times), one that raises is retried
``RETRIES`` times, and data sent from the client travels inside a task rather than by
``client.scatter``, so a part lost with its worker is made again instead of cancelling
the run. A run that still fails raises one ``EngineError`` saying what failed.

Only the ``Client`` passed in is used; this module imports Dask only to recognise its
errors.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from dedupe.errors import EngineError

if TYPE_CHECKING:
    from distributed import Client, Future

RETRIES = 2
"""Times a task that raised is run again before the run fails."""


class Tasks:
    """Submit tasks under one run token: ``dedupe-<stage>-<token>-<index>...`` keys."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.token = uuid.uuid4().hex
        self._sent = 0

    def threads(self) -> int:
        """The worker threads of the cluster: the default number of parts."""
        counts = self.client.nthreads()  # type: ignore[no-untyped-call]
        return int(sum(counts.values()))

    def gather(self, futures: Sequence[Future[Any]]) -> list[Any]:
        """The results of ``futures``, in order, on the client; ``EngineError`` when lost."""
        try:
            return list(self.client.gather(futures))  # type: ignore[no-untyped-call]
        except Exception as error:
            if not _is_lost_work(error):
                raise  # an error of the input or of dedupe, raised by the task itself
            what = " ".join(f"{type(error).__name__}: {error}".split())
            raise EngineError(
                f"the Dask run failed after retrying its tasks ({what}); check that the "
                "workers have enough memory and the cluster is reachable"
            ) from error

    def scatter(self, items: Sequence[Any]) -> list[Future[Any]]:
        """Send ``items`` to the workers, each inside a task under a fresh key.

        Not ``client.scatter``: scattered data lives only on the worker that got it and
        is lost with it, while the scheduler keeps a task's arguments to run it again.
        """
        self._sent += 1
        stage = f"data{self._sent}"
        return [self.submit(stage, (index,), _same, item) for index, item in enumerate(items)]

    def submit(
        self, stage: str, index: Sequence[int], function: Callable[..., Any], *args: Any
    ) -> Future[Any]:
        """Run ``function(*args)`` on a worker; ``args`` may hold futures."""
        suffix = "-".join(str(number) for number in index)
        key = f"dedupe-{stage}-{self.token}-{suffix}"
        return self.client.submit(function, *args, key=key, pure=False, retries=RETRIES)

    def exchange(
        self,
        stage: str,
        parts: Sequence[Future[Any]],
        split: Callable[..., list[Any]],
        combine: Callable[..., Any],
        *,
        outputs: int,
        extra: tuple[Any, ...] = (),
    ) -> list[Future[Any]]:
        """All-to-all: ``split(part, outputs, *extra)`` cuts each part into ``outputs``
        pieces; output ``j`` is ``combine(*pieces j of every part)``.

        Pieces are taken out on the worker that holds the split, so only piece ``j``
        travels to the task that combines output ``j``.
        """
        pieces = []
        for source, part in enumerate(parts):
            cut = self.submit(f"{stage}-split", (source,), split, part, outputs, *extra)
            pieces.append(
                [
                    self.submit(f"{stage}-piece", (source, target), operator.getitem, cut, target)
                    for target in range(outputs)
                ]
            )
        return [
            self.submit(f"{stage}-combine", (target,), combine, *(row[target] for row in pieces))
            for target in range(outputs)
        ]


def _same(item: Any) -> Any:
    return item


def _is_lost_work(error: Exception) -> bool:
    """Whether ``error`` is Dask giving up (workers died, data lost), not a task's own error."""
    from concurrent.futures import CancelledError

    return isinstance(error, CancelledError) or type(error).__module__.startswith("distributed")
