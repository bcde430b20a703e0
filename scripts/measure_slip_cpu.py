"""CPU seconds per blank slip and PDF sizes, over the four kinds of the first 8 sample matters.

Run from the repository root: ``.venv/bin/python scripts/measure_slip_cpu.py [--repeat N]``.
Prints the first pass (a fresh worker) and the best of N passes (the machine is shared: the
least-disturbed pass is the closest to the real cost), the median and largest PDF, and whether a second pass gave the same bytes.
A measuring tool, not a test: speed figures belong to site_tests/bench.py.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.outputs.slips import html as slip_html  # noqa: E402
from generator.outputs.slips import pdf as slip_pdf  # noqa: E402
from generator.load.corpus import load_corpus  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--matters", type=int, default=8)
    parser.add_argument("--digest", action="store_true", help="print a hash of all the PDFs (compare runs)")
    args = parser.parse_args()
    corpus = load_corpus(Path("matters"))
    renderer = slip_pdf.renderer(Path(".cache/guides"))
    chosen = corpus.sorted_matters()[: args.matters]
    htmls = [slip_html.render_html(m, corpus.fingerprint(m.code), kind, "https://x/") for m in chosen for kind in slip_html.KINDS]
    renderer.render(htmls[0])  # fonts and first-use setup are per worker, not per slip
    passes, first = [], None
    for _ in range(args.repeat):
        started = time.process_time()
        pdfs = [renderer.render(html) for html in htmls]
        passes.append((time.process_time() - started) / len(htmls))
        first = first or pdfs
    if args.digest:
        print(hashlib.sha256(b"".join(pdfs)).hexdigest())
    sizes = sorted(len(pdf) for pdf in pdfs)
    print(
        f"{len(htmls)} slips: cpu per slip {passes[0]:.4f} s first pass, {min(passes):.4f} s best of {args.repeat}  "
        f"median {sizes[len(sizes) // 2] / 1e3:.1f} KB  max {sizes[-1] / 1e3:.1f} KB  "
        f"deterministic {'yes' if first == pdfs else 'NO'}"
    )


if __name__ == "__main__":
    main()
