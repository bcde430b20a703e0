"""Measure slip rendering on a synthetic catalogue: seconds and KB per slip, wall time.

    .venv/bin/python scripts/measure_slips.py --matters 100 --jobs 2

Renders the four blank slips of N synthetic matters (site_tests/synthetic.py) with a
fresh cache, the way ``guides build`` does (one font subset, worker processes), and
prints one JSON line. The full build's figures come from site_tests/bench.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "site_tests"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    from synthetic import write_corpus

    from generator.outputs.slips import fonts as slipfonts
    from generator.outputs.slips import html as slip_html
    from generator.outputs.slips import pdf as slip_pdf
    from generator.cache import ArtifactCache, digest
    from generator.load.corpus import load_corpus

    with tempfile.TemporaryDirectory(prefix="slips-measure-") as tmp:
        work = Path(tmp)
        write_corpus(work / "matters", args.matters)
        corpus = load_corpus(work / "matters")
        cache_dir = work / "cache"
        started = time.perf_counter()
        fonts = slipfonts.build_fonts(cache_dir)
        fonts_s = time.perf_counter() - started
        style = slip_pdf.style_digest(fonts)
        jobs = []
        for matter in corpus.sorted_matters():
            data = matter.model_dump_json()
            for kind in slip_html.KINDS:
                key = digest("measure", style, kind, data)
                jobs.append(slip_pdf.SlipJob(key, matter=matter, fingerprint=corpus.fingerprint(matter.code), kind=kind, site_url=slip_html.DEFAULT_SITE_URL))
        started = time.perf_counter()
        seconds = slip_pdf.render_many(jobs, cache_dir, fonts, args.jobs)
        wall = time.perf_counter() - started
        cache = ArtifactCache(cache_dir)
        sizes = [cache.path("pdf", job.key, ".pdf").stat().st_size / 1e3 for job in jobs]
        print(json.dumps({
            "matters": args.matters,
            "slips": len(jobs),
            "jobs": args.jobs,
            "font_subset_s": round(fonts_s, 2),
            "render_wall_s": round(wall, 2),
            "wall_per_slip_s": round(wall / len(jobs), 4),
            # wall time inside a worker (inflated when the machine is shared) and CPU time
            "slip_median_s": round(statistics.median(w for w, _ in seconds), 4),
            "slip_median_cpu_s": round(statistics.median(c for _, c in seconds), 4),
            "slip_median_kb": round(statistics.median(sizes), 1),
            "slip_max_kb": round(max(sizes), 1),
        }))


if __name__ == "__main__":
    main()
