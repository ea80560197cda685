"""Task submission with fresh keys, and the all-to-all exchange of pieces between tasks.

Every task the Dask engine submits gets a key made of its stage, a random run token and
its indices. Keys are never derived from the data or reused between runs or rounds: the
scheduler identifies a task by its key alone, and a key that is still held from earlier
(a persisted collection, a live future) is answered with the *old* result, even when
the new task is different (dask/distributed#1860, dask/dask#9888). An iterative
algorithm that reuses keys can therefore silently read the previous round's data.

Only the ``Client`` passed in is used; this module imports nothing from Dask.
"""

from __future__ import annotations

import operator
import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from distributed import Client, Future


class Tasks:
    """Submit tasks under one run token: ``dedupe-<stage>-<token>-<index>...`` keys."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.token = uuid.uuid4().hex

    def threads(self) -> int:
        """The worker threads of the cluster: the default number of parts."""
        counts = self.client.nthreads()  # type: ignore[no-untyped-call]
        return int(sum(counts.values()))

    def gather(self, futures: Sequence[Future[Any]]) -> list[Any]:
        """The results of ``futures``, in order, on the client."""
        return list(self.client.gather(futures))  # type: ignore[no-untyped-call]

    def scatter(self, items: Sequence[Any]) -> list[Future[Any]]:
        """Send ``items`` to the workers under fresh keys (never keyed by their content)."""
        return list(self.client.scatter(list(items), hash=False))  # type: ignore[no-untyped-call]

    def submit(
        self, stage: str, index: Sequence[int], function: Callable[..., Any], *args: Any
    ) -> Future[Any]:
        """Run ``function(*args)`` on a worker; ``args`` may hold futures."""
        suffix = "-".join(str(number) for number in index)
        key = f"dedupe-{stage}-{self.token}-{suffix}"
        return self.client.submit(function, *args, key=key, pure=False)

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
