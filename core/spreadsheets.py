"""A table of rows as a file to download: CSV (UTF-8 with a byte order mark, so Excel reads
accented names) and XLSX (bold header row, frozen, dates as dates). Each report says its columns;
this writes them, the same way for every report."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    is_date: bool = False


def headers(columns: Sequence[Column]) -> list[str]:
    return [column.header for column in columns]


def _text(value, date_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(date_format)
    return str(value)


def as_csv(
    columns: Sequence[Column], rows: Iterable[dict], *, date_format: str = "%Y-%m-%d"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(columns))
    for row in rows:
        writer.writerow([_text(row[column.key], date_format) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(columns: Sequence[Column], rows: Iterable[dict], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers(columns))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append([row[column.key] if row[column.key] != "" else None for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.is_date:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
