"""A navox CSV (navox.csv, navox_cycles.csv, navox_nuclei.csv) as columns, read alike
by scripts/plot and scripts/validate."""
import csv


def read_table(path):
    """({name: values}, rows): the unit stripped from each "name [unit]" header; rows
    with the wrong number of fields (a line cut short by a run that is still writing
    or was killed) left out; a column of numbers as floats, any other as texts."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return {}, 0
    names = [h.split(" [", 1)[0].strip() for h in rows[0]]
    body = [r for r in rows[1:] if len(r) == len(names)]
    cols = {}
    for i, name in enumerate(names):
        try:
            cols[name] = [float(r[i]) for r in body]
        except ValueError:
            cols[name] = [r[i] for r in body]
    return cols, len(body)
