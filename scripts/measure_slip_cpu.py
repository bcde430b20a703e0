import time, sys
from pathlib import Path
sys.path.insert(0, '.')
from generator.corpus import load_corpus
from generator import slips
corpus = load_corpus(Path('matters'))
r = slips.renderer(Path('.cache/guides'))
ms = corpus.sorted_matters()[:8]
htmls = [slips.render_html(m, corpus.fingerprint(m.code), k, 'https://x/') for m in ms for k in slips.KINDS]
r.render(htmls[0])
t=time.process_time()
sizes=[len(r.render(h)) for h in htmls]
print("cpu per slip %.4f  median kb %.1f" % ((time.process_time()-t)/len(htmls), sorted(sizes)[len(sizes)//2]/1e3))
