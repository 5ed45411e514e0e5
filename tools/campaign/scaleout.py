"""The scale-out path of the batch scorer: the same per-batch function mapped by Dask.

``predict_batches`` scores Arrow record batches one at a time; here Dask maps it over the batches of
a table (a bag of batches, one task each) with any scheduler: ``threads`` or ``processes`` on one
machine, or a ``dask.distributed`` cluster's client for many (the model pickles with its booster).
Tested in local mode only (tests/unit/campaign); the in-process pipeline does not need it at 200k.
"""

from __future__ import annotations

import dask.bag as db
import numpy as np
import pyarrow as pa

from tools.campaign.propensity import PropensityModel, predict_batches


def _score_one(model: PropensityModel, batch: pa.RecordBatch) -> np.ndarray:
    return next(predict_batches(model, [batch])).to_numpy()


def score_on_dask(model: PropensityModel, table: pa.Table, rows_per_batch: int = 50_000,
                  scheduler: str = "threads") -> np.ndarray:
    """Calibrated scores of every row of ``table`` (``offer_features`` columns), in row order."""
    batches = table.to_batches(max_chunksize=rows_per_batch)
    if not batches:
        return np.zeros(0)
    bag = db.from_sequence(batches, npartitions=len(batches)).map(lambda b: _score_one(model, b))
    return np.concatenate(bag.compute(scheduler=scheduler))
