"""Reading PDFs by layout (pdfplumber) against pypdf's text layer alone, on the same files, same run.

    .venv/bin/python -m benchmarks.pdf_read [--repeat 2] [PDF ...]

Default files: tests/fixtures/pdf/*.pdf (the five sample documents and a commendation with tables,
printed by Chromium). Prints each reader's time per file and the ratio layout / pypdf.
"""

from __future__ import annotations

import argparse
import io
import logging
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pypdf_only(data: bytes) -> str:
    from pypdf import PdfReader

    from loaders.reading.pdf import tidy_pdf_text

    reader = PdfReader(io.BytesIO(data), strict=False)
    return tidy_pdf_text("\n\n".join(page.extract_text() or "" for page in reader.pages))


def _layout(data: bytes) -> str:
    from loaders.reading.pdf import read_pdf

    return read_pdf(Path("x.pdf"), data)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    files = args.pdfs or sorted((ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf"))
    datas = [f.read_bytes() for f in files]
    best = {}
    for name, fn in (("pypdf", _pypdf_only), ("layout", _layout)):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for d in datas:
                fn(d)
            times.append(time.perf_counter() - t0)
        best[name] = min(times)
    n = len(datas)
    print(f"{n} PDFs, best of {args.repeat}")
    print(f"pypdf text layer   {best['pypdf'] / n * 1000:8.0f} ms/file")
    print(f"layout (pdfplumber){best['layout'] / n * 1000:8.0f} ms/file")
    print(f"ratio layout/pypdf {best['layout'] / best['pypdf']:8.2f}")


if __name__ == "__main__":
    main()
