"""Load and validate a bank's own customer base (CSV or Parquet) with the generator's columns.

Validation is by column, vectorised: a missing column, a value that is not a number / yes-no / tax
grade, a negative amount or a duplicate id is one ``ColumnError`` naming the column, the number of
bad rows and the first bad row, so a data steward can fix the extract. Either the whole table is
valid and returned typed, or ``PopulationError`` lists every problem; nothing is half-loaded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel

from tools.campaign.columns import GRADES, HISTORY_COLUMNS, NON_NEGATIVE, POPULATION_COLUMNS, Kind

TRUE = {"true", "1", "yes", "y", "是", "有", "t"}
FALSE = {"false", "0", "no", "n", "否", "无", "f", ""}


class ColumnError(BaseModel):
    column: str
    message: str
    rows: int = 0
    first_row: int | None = None


class PopulationError(ValueError):
    def __init__(self, errors: list[ColumnError]):
        super().__init__("; ".join(f"{e.column}: {e.message}" for e in errors))
        self.errors = errors


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (UTF-8) or Parquet file as a DataFrame; CSV cells are read as text and typed by ``validate``."""
    if not path.is_file():
        raise PopulationError([ColumnError(column="path", message=f"文件不存在：{path}")])
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise PopulationError([ColumnError(column="path", message=f"无法读取 {path.name}：{exc}")]) from None
    raise PopulationError([ColumnError(column="path", message=f"不支持的文件类型 {suffix}（可用 .csv / .parquet）")])


def _bad(column: str, message: str, mask: np.ndarray) -> ColumnError | None:
    count = int(mask.sum())
    if not count:
        return None
    return ColumnError(column=column, message=f"{message}（{count} 行，首行 {int(np.argmax(mask)) + 2}）",
                       rows=count, first_row=int(np.argmax(mask)) + 2)  # +2: header line, 1-based rows


def _typed(series: pd.Series, column: str, kind: Kind) -> tuple[pd.Series, ColumnError | None]:
    if kind in ("num", "int"):
        text = series.astype(str).str.strip() if series.dtype == object else series
        values = pd.to_numeric(text, errors="coerce")
        err = _bad(column, "不是数字", values.isna().to_numpy())
        if err is None and kind == "int":
            err = _bad(column, "不是整数", (values % 1 != 0).to_numpy())
        return (values.astype("int64") if kind == "int" and err is None else values.astype(float)), err
    if kind == "bool":
        if series.dtype == bool:
            return series, None
        text = series.astype(str).str.strip().str.lower()
        err = _bad(column, "应为 是/否（true/false、1/0）", ~text.isin(TRUE | FALSE).to_numpy())
        return text.isin(TRUE), err
    text = series.fillna("").astype(str).str.strip()
    if kind == "id":
        err = _bad(column, "为空", (text == "").to_numpy()) or _bad(column, "重复", text.duplicated().to_numpy())
        return text, err
    if kind == "grade":
        return text.str.upper(), _bad(column, f"应为 {'/'.join(GRADES)} 或空", ~text.str.upper().isin(
            set(GRADES) | {""}).to_numpy())
    return text, None


def validate(frame: pd.DataFrame, columns: dict[str, Kind] = POPULATION_COLUMNS) -> pd.DataFrame:
    """The table with typed columns (extra columns dropped), or ``PopulationError`` naming each column."""
    errors = [ColumnError(column=c, message="缺少该列") for c in columns if c not in frame.columns]
    if not len(frame):
        errors.append(ColumnError(column="rows", message="表中没有数据行"))
    if errors:
        raise PopulationError(errors)
    out = {}
    for column, kind in columns.items():
        out[column], err = _typed(frame[column].reset_index(drop=True), column, kind)
        if err is None and column in NON_NEGATIVE:
            err = _bad(column, "不能为负数", (out[column] < 0).to_numpy())
        if err is not None:
            errors.append(err)
    if errors:
        raise PopulationError(errors)
    return pd.DataFrame(out)


def load_population(path: Path) -> pd.DataFrame:
    return validate(read_table(path))


def load_history(path: Path, ent_ids: pd.Series | None = None) -> pd.DataFrame:
    """A campaign history with ``HISTORY_COLUMNS``; ids not in the base are an error on ``ent_id``."""
    frame = read_table(path)
    columns = dict(HISTORY_COLUMNS, ent_id="text")  # an enterprise appears in several campaigns
    table = validate(frame, columns)
    if ent_ids is not None:
        err = _bad("ent_id", "不在客户名单中", ~table["ent_id"].isin(ent_ids).to_numpy())
        if err is not None:
            raise PopulationError([err])
    return table
