"""Peak memory of one upload at the limits: check, parse and validate a generated template file.

Run (each run is one process, so ``ru_maxrss`` is this upload's peak)::

    PYTHONPATH=src python benchmarks/bench_upload_memory.py xlsx 200000 135
    PYTHONPATH=src python benchmarks/bench_upload_memory.py csv 200000 50

Arguments: kind (csv | xlsx), data rows, length of a unique text note per row. The worst case the
default limits accept (100 MiB unpacked, 200 000 rows, all-unique notes) grew by about 250 MB;
the goal is under 300 MB. Prints one line: sizes, RSS growth, time, outcome.
"""

from __future__ import annotations

import io
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import xlsxwriter

COLUMNS = ["indicator_id", "region_code", "period", "value", "unit", "source", "note"]


def make(path: Path, kind: str, n: int, note: int) -> bytes:
    """Write ``n`` template rows to ``path``; return the file's bytes."""
    if kind == "csv":
        with path.open("w", encoding="utf-8") as f:
            f.write(",".join(COLUMNS) + "\n")
            for i in range(n):
                f.write(f"urbanization_rate,620100,{2000 + i % 25},{i % 97 + 1.5},%,公报{i},")
                f.write(f"{i}{'x' * note}\n")
    else:
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        ws = wb.add_worksheet("data")
        ws.write_row(0, 0, COLUMNS)
        for i in range(n):
            row = ["urbanization_rate", "620100", str(2000 + i % 25), i % 97 + 1.5, "%"]
            ws.write_row(i + 1, 0, [*row, f"公报{i}", f"{i}{'x' * note}"])
        wb.close()
    return path.read_bytes()


def main(kind: str, n: int, note: int) -> float:
    """Measure one upload; return the RSS growth in MB."""
    from lanxi.services import webdemo
    from lanxi.services.monitoring.common import load_reference
    from lanxi.services.monitoring.upload import UploadLimits, check_upload, read_upload
    from lanxi.services.monitoring.validate import validate_observations
    from lanxi.services.store import session

    with tempfile.TemporaryDirectory(prefix="lanxi-mem-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'ref.sqlite'}"
        webdemo.ensure_store(url)
        with session(url) as s:
            ref = load_reference(s)
        path = Path(tmp) / f"m.{kind}"
        data = make(path, kind, n, note)
        unpacked = (
            sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
            if kind == "xlsx"
            else len(data)
        )
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.perf_counter()
        try:
            check_upload(data, path.name, UploadLimits())
            frame, sheet = read_upload(path)
            validate_observations(frame, ref, file=path.name, sheet=sheet, any_year=True)
            outcome = "accepted"
        except Exception as exc:
            outcome = f"refused ({type(exc).__name__})"
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base
        print(
            f"{kind} rows={n} note={note} file={len(data) / 2**20:.1f} MiB "
            f"unpacked={unpacked / 2**20:.1f} MiB rss_growth={growth:.0f} MB "
            f"time={time.perf_counter() - t0:.1f} s {outcome}"
        )
        return growth


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
