"""List columns of the messages table (``recipients``, ``tests``, ``attachments``...) flattened
without a Python loop per message.

>>> import pandas as pd
>>> m = pd.DataFrame({"tests": [["SPF_FAIL", "HTML_MESSAGE"], [], None]})
>>> flat = flatten(m["tests"])
>>> list(zip(flat["row"], flat["value"]))
[(0, 'SPF_FAIL'), (0, 'HTML_MESSAGE')]
>>> att = pd.DataFrame({"attachments": [[{"name": "a.pdf", "sha1": "ab"}], []]})
>>> flatten(att["attachments"])[["row", "name", "sha1"]].values.tolist()
[[0, 'a.pdf', 'ab']]
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def flatten(column: pd.Series) -> pd.DataFrame:
    """One row per list element: ``row`` (the position of the message in ``column``) and the
    element as ``value``, or, for a list of structs, one column per struct field."""
    array = _as_arrow(column)
    if len(array) == 0 or not pa.types.is_list(array.type) and not pa.types.is_large_list(array.type):
        return pd.DataFrame({"row": pd.Series([], dtype="int64"), "value": pd.Series([], dtype="object")})
    parents = pc.list_parent_indices(array).to_numpy(zero_copy_only=False).astype("int64")
    values = pc.list_flatten(array)
    out = pd.DataFrame({"row": parents})
    if pa.types.is_struct(values.type):
        for index in range(values.type.num_fields):
            name = values.type.field(index).name
            out[name] = values.field(index).to_pandas(types_mapper=pd.ArrowDtype).to_numpy(dtype=object) \
                if len(values) else pd.Series([], dtype="object")
    else:
        out["value"] = values.to_pandas().to_numpy(dtype=object) if len(values) else []
    return out


def _as_arrow(column: pd.Series) -> pa.Array:
    array = getattr(column, "array", None)
    if isinstance(array, pd.arrays.ArrowExtensionArray):
        data = array.__arrow_array__()
        return data.combine_chunks() if isinstance(data, pa.ChunkedArray) else data
    values = [list(v) if v is not None and not (isinstance(v, float) and v != v) else None for v in column]
    return pa.array(values)
