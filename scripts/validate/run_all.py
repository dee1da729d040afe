"""Runs the validation groups and writes the report (called by scripts/validate/all):

    run_all.py OUT DOC IMG BUILD

Each group is one command as a user would type it from the repository root; its
output goes to OUT/<group>.log, and its "validate: CASE | TARGET | RESULT[ | VERDICT]"
lines (or the rows of the table scripts/validate/table made of them) become rows
of the report. A row's verdict is its own fourth column where
the script that printed it judged the target (met / NOT met), otherwise the
group's: the tests behind those rows assert their targets, so a group that exits
0 has met them ("pass") and one that does not has not ("FAIL"). Environment: NP
(ranks), ONLY (group names to run), REPORT_ONLY=1 (write the report again from the
last run's OUT/groups.json and logs, running nothing).
"""
import datetime
import glob
import json
import os
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from run_table import read_table  # noqa: E402  (scripts/run_table.py)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name, command ({np}: ranks, {b}: the build folder, {out}: this run's folder), what it checks
GROUPS = [
    ("V1", "mpirun -n {np} {b}/tests/parallel_flat_cell --gtest_filter=FlatCell.PlatesStripsAndMatchesTheAnalyticVoltage",
     "1 mAh/cm^2 plated on a flat Na|NBH cell: thickness and charge balance (also the voltage against the analytic cell)"),
    ("V2-V4 V6 V7 V9", "OUT={out}/voids KEEP=1 QUICK=1 scripts/validate/voids",
     "Sand onset of voids on stripping (flat Na|NBH), stack pressure, foil vs pellet CCD, CCD step time"),
    ("V5", "OUT={out}/trapping KEEP=1 scripts/validate/trapping",
     "trapped Na after one 1 mAh/cm^2 cycle into generated Al, Cu and Ti pellets under 5 MPa"),
    ("V5 refinement", "OUT={out}/trapping_convergence KEEP=1 scripts/validate/trapping_convergence",
     "V5's trapped share at voxels of 1, 0.5 and 0.25 um: the Al, Cu and Ti pellets of the deck's seed and a second Cu and Ti pellet"),
    ("V8", "mpirun -n {np} {b}/tests/verification_nucleation_v8 && COLUMNS=16 scripts/validate/nucleation_convergence",
     "nucleation overpotential on bare and Au-coated Al, and its convergence at three voxel sizes"),
    ("mechanics", "scripts/validate/mechanics",
     "elasticity (patch, bilayer, manufactured solution, contact), Na creep law, void closure, voltage under pressure, "
     "Na creep flow (cube in compression, slot and channel flux, extrusion through a pore, the Na it carries in a run)"),
    ("partitions", "OUT={out}/partitions KEEP=1 scripts/validate/partitions 64",
     "the 64^3 plating bench deck (collector lifts) on 1 rank, on 2 ranks split along x, y and z and on 4 along x and y: every field and column"),
    ("pfhub7", "NP={np} scripts/validate/pfhub7", "PFHub benchmark 7a: manufactured Allen-Cahn solution, order in space and time"),
    ("pfhub8", "NP=1 scripts/validate/pfhub8", "PFHub benchmark 8a: nucleation of a seed below and above the critical radius"),
    ("coupled_mms", "NP={np} scripts/validate/coupled_mms",
     "manufactured solution of the coupled ionic potential and Na phase field"),
]

# What MODEL.md asks for that navox does not model yet: listed, not hidden.
NOT_YET = [
    ("The collector pushed back by the force balance (not by whole layers); every deck's Na moved by the creep flow",
     "MODEL.md §3.2, §3.4",
     "with mechanics.creep_flow: on the flow carries the walled-in plated Na face by face to the fronts it reaches "
     "(the share it carries under the bearing pressure; the rest lifts the collector by a layer), but a front it "
     "overfills, gaps closing under the stack pressure and the collector's moves follow the settling's rules, and the "
     "option is off by default for its cost (docs/model.md, Mechanics)"),
]


def fail(msg):
    print(f"all: {msg}", file=sys.stderr)
    sys.exit(1)


def rows_of(log):
    """The result rows a group's log holds, each [case, target, result(, verdict)]."""
    rows, seen = [], set()
    for line in open(log, errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("validate: "):  # a test's own line
            cols = [c.strip() for c in line[len("validate: "):].split(" | ")]
        elif line.startswith("| ") and line.endswith(" |"):  # a row of scripts/validate/table
            cols = [c.strip() for c in line[2:-2].split(" | ")]
            if cols[:3] == ["case", "target", "result"]:
                continue
        else:
            continue
        cols = cols[:3] if len(cols) == 4 and not cols[3] else cols
        if tuple(cols) not in seen and len(cols) in (3, 4):
            seen.add(tuple(cols))
            rows.append(cols)
    return rows


def run_group(name, cmd, out):
    log = os.path.join(out, name.replace(" ", "_") + ".log")
    print(f"all: {name}: {cmd}", file=sys.stderr, flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with open(log, "w") as f:
        status = subprocess.run(["bash", "-c", cmd], cwd=ROOT, stdout=f, stderr=subprocess.STDOUT).returncode
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = rows_of(log)
    if status != 0:
        tail = open(log, errors="replace").read().splitlines()[-15:]
        print("\n".join(tail), file=sys.stderr)
        print(f"all: {name} FAILED (status {status}; {log})", file=sys.stderr)
    print(f"all: {name}: {'ok' if status == 0 else 'FAILED'} in {wall:.0f} s wall, {cpu:.0f} s CPU", file=sys.stderr)
    return dict(name=name, cmd=cmd, status=status, wall=wall, cpu=cpu, rows=rows, log=log)


def row_verdict(cols, status):
    """A row's own verdict (a fourth column), else its group's: the tests behind such
    rows assert their targets."""
    return cols[3] if len(cols) == 4 else ("pass" if status == 0 else "FAIL")


def group_verdict(r):
    """FAIL when the group's command failed; else pass, or how many of its rows'
    targets are not met (a finding the report shows, not a crash)."""
    if r["status"] != 0:
        return f"FAIL (status {r['status']})"
    unmet = [c[0].split(":")[0] for c in r["rows"] if c[3].lower().startswith("not met")]
    return "pass" if not unmet else f"{len(unmet)} target(s) not met ({', '.join(sorted(set(unmet)))})"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def plots(out, img):
    """The figures a reader of the report wants; returns [(file, caption)]."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("all: no matplotlib: the report has no plots (Debian package python3-matplotlib)", file=sys.stderr)
        return []
    made = []

    def figure(curves, xlabel, ylabel, title, name, caption, ylim=None):
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        for x, y, label in curves:
            ax.plot(x, y, label=label)
        if ylim:
            ax.set_ylim(*ylim)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.legend(fontsize=8, ncol=2 if len(curves) > 4 else 1)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        path = os.path.join(img, name)
        fig.savefig(path, dpi=120)
        plt.close(fig)
        made.append((path, caption))

    v6 = sorted((d for d in glob.glob(os.path.join(out, "voids", "v6_*")) if os.path.isdir(d)),
                key=lambda d: float(d.rsplit("_", 1)[1]))
    if v6:
        curves = []
        for d in v6:
            c = read_table(os.path.join(d, "navox.csv"))[0]
            curves.append(([x / 36000 for x in c["charge"]], [100 * (1 - v) for v in c["void_fraction"]],
                           f"{d.rsplit('_', 1)[1]} MPa"))
        figure(curves, "stripped capacity [mAh/cm$^2$]", "Na|SE contact left [%]",
               "V6: stripping a flat Na|NBH cell at 1 mA/cm$^2$", "validation_v6_contact.png",
               "V6: contact left against stripped capacity at each stack pressure")
    v5 = [os.path.join(out, "trapping", f"v5_{m}") for m in ("Al", "Cu", "Ti")]
    v5 = [d for d in v5 if os.path.exists(os.path.join(d, "navox.csv"))]
    if v5:
        curves = []
        for d in v5:
            c = read_table(os.path.join(d, "navox.csv"))[0]
            curves.append(([t / 3600 for t in c["t"]], [1e3 * v for v in c["V"]], d.rsplit("_", 1)[1] + " pellet"))
        figure(curves, "t [h] (plate 1 h, rest 1 min, strip)", "V [mV]",
               "V5: one 1 mAh/cm$^2$ cycle into porous collectors, 5 MPa", "validation_v5_cycle.png",
               "V5: voltage through the cycle (mV; the last steps of each strip, where the contact vanishes, are off "
               "the scale); the strip ends where the Na left is out of reach", ylim=(-10, 10))
    return made


def git_describe():
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main(out, doc, img, build):
    np_ = os.environ.get("NP", "2")
    only = os.environ.get("ONLY", "").split()
    b = os.path.relpath(build, ROOT) if build.startswith(ROOT) else build
    record = os.path.join(out, "groups.json")
    if os.environ.get("REPORT_ONLY"):  # the report again from the last run's record and logs
        if not os.path.exists(record):
            fail(f"REPORT_ONLY: no {record} (run scripts/validate/all first)")
        saved = json.load(open(record))
        np_, load, started, describe = saved["np"], saved["load"], saved["started"], saved["navox"]
        results = saved["groups"]
    else:
        load = os.getloadavg()[0]
        started = f"{datetime.datetime.utcnow():%Y-%m-%d %H:%M}"
        describe = git_describe()
        results = []
        for name, cmd, what in GROUPS:
            if only and name not in only and not any(o in name.split() for o in only):
                continue
            out_rel = os.path.relpath(out, ROOT) if out.startswith(ROOT) else out
            r = run_group(name, cmd.format(np=np_, b=b, out=out_rel), out)
            r["what"] = what
            results.append(r)
        json.dump(dict(np=np_, load=load, started=started, navox=describe, groups=results), open(record, "w"), indent=1)
    for r in results:
        r["rows"] = [c if len(c) == 4 else c + [row_verdict(c, r["status"])] for c in r["rows"]]
    figures = plots(out, img)

    lines = ["# Validation report", "",
             "Generated by `scripts/validate/all` — do not edit; rerun the command. "
             f"navox {describe}, {np_} MPI ranks, on `{os.uname().nodename}` ({os.cpu_count()} cores, "
             f"load {load:.1f} at the start), {started} UTC. Targets are MODEL.md §6's and the "
             "verification benchmarks' own; a test behind a row asserts its target, so its verdict is the test's.", "",
             "## Groups", "",
             table(["group", "what", "verdict", "wall [s]", "CPU [s]", "command"],
                   [[r["name"], r["what"], group_verdict(r),
                     f"{r['wall']:.0f}", f"{r['cpu']:.0f}", f"`{r['cmd']}`"] for r in results]),
             "", f"Total: {sum(r['wall'] for r in results) / 60:.1f} min wall.", "", "## Cases", ""]
    for r in results:
        rows = r["rows"]
        lines += [f"### {r['name']}", "", f"`{r['cmd']}`", ""]
        lines += [table(["case", "target", "result", "verdict"], rows) if rows else
                  f"(no result lines: the group {'printed none' if r['status'] == 0 else 'failed'}; see its log)", ""]
    lines += ["## Not covered yet", "", table(["case", "where", "why"], [list(n) for n in NOT_YET]), ""]
    if figures:
        lines += ["## Plots", ""]
        for path, caption in figures:
            lines += [f"![{caption}]({os.path.relpath(path, os.path.dirname(os.path.abspath(doc)))})", "",
                      f"*{caption}.*", ""]
    with open(doc, "w") as f:
        f.write("\n".join(lines))
    print(f"all: wrote {doc}", file=sys.stderr)
    return 0 if all(r["status"] == 0 for r in results) else 1


if __name__ == "__main__":
    if len(sys.argv) != 5:
        fail("usage: run_all.py OUT DOC IMG BUILD")
    sys.exit(main(*sys.argv[1:]))
