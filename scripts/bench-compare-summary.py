#!/usr/bin/env python3
"""Summarises the raw outputs of scripts/bench-compare.sh: per figure the median and range of
each side and the ratio after / before (for rates, above 1 is better; for latencies, below 1)."""
import collections, glob, re, statistics, sys
OUT = sys.argv[1] if len(sys.argv) > 1 else '/tmp/lotse-bench-compare'
def files(b, s): return sorted(glob.glob(f'{OUT}/{b}-{s}-*.txt'))
def figs(b, text):
    f = {}
    if b == 'bulk':
        for db in ('sqlite', 'postgres'):
            m = re.search(db + r': PUT \d+ offers \(\d+ MB\) in [\d.]+s = (\d+) offers/s; feed \d+ items in \d+ pages in [\d.]+s = (\d+) items/s', text)
            if m: f[f'node {db} PUT offers/s'] = float(m[1]); f[f'node {db} feed items/s'] = float(m[2])
    elif b in ('harvest', 'harvestpg'):
        m = re.search(r'(sqlite|postgres): \d+ offers \(.*?\) in ([\d.]+) s = (\d+) offers/s', text)
        if m: f[f'hub harvest {m[1]} offers/s'] = float(m[3])
    elif b.startswith('search'):
        for m in re.finditer(r'Lotse (Q\d): p50 / p99 / p99.9 ([\d.]+) / ([\d.]+) / ([\d.]+) ms', text):
            f[f'{b} {m[1]} p50 ms'] = float(m[2]); f[f'{b} {m[1]} p99 ms'] = float(m[3])
    elif b == 'freshness':
        m = re.search(r'\| push to searchable \| \d+ \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|', text)
        if m: f['push to searchable p50 ms'] = float(m[1]); f['push to searchable p95 ms'] = float(m[2]); f['push to searchable p99 ms'] = float(m[3])
        m = re.search(r'\| searches meanwhile \| \d+ \| (\d+) \| (\d+) \| (\d+)', text)
        if m: f['searches during pushes p50 ms'] = float(m[1]); f['searches during pushes p99 ms'] = float(m[3])
    return f
higher = lambda k: '/s' in k
rows = []
for b in ['bulk', 'harvest', 'harvestpg', 'search100k', 'search1m', 'freshness']:
    vals = {s: collections.defaultdict(list) for s in ('base', 'new')}
    for s in ('base', 'new'):
        for p in files(b, s):
            for k, v in figs(b, open(p).read()).items(): vals[s][k].append(v)
    for k in vals['base']:
        bs, ns = vals['base'][k], vals['new'].get(k, [])
        if not ns: continue
        mb, mn = statistics.median(bs), statistics.median(ns)
        spread = lambda xs: f'{min(xs):g}–{max(xs):g}'
        ratio = mn / mb if mb else float('nan')
        rows.append((k, len(bs), mb, spread(bs), mn, spread(ns), ratio, 'higher is better' if higher(k) else 'lower is better'))
print('| figure | runs | before (median, range) | after (median, range) | after / before |')
print('|---|---|---|---|---|')
for k, n, mb, sb, mn, sn, r, h in rows:
    print(f'| {k} | {n} | {mb:g} ({sb}) | {mn:g} ({sn}) | {r:.2f} |')
