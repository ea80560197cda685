"""The Dask engine: the stage chain on a ``dask.distributed`` cluster.

``inputs`` describes tabular inputs without importing Dask; ``engine`` runs the chain,
``exchange`` submits its tasks, ``output`` writes the member table.
"""
