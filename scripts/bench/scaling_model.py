#!/usr/bin/env python3
"""Scaling model on paper for navox at 512^3 and 1024^3 voxels (docs/performance.md,
"Scaling model"), calibrated on the CSV of scripts/bench/suite.

    scripts/bench/scaling_model.py bench-out/suite-....csv [--alpha 2e-6] [--beta 10e9]

Per rank count P (a cubic-ish block decomposition, px >= py >= pz, as PETSc's DMDA
does for powers of two) and grid G^3 it prints the block, the halo bytes one ghost
exchange sends per rank (7-point stencil, 1 ghost layer, 8-byte doubles, the six faces
of an interior block; the ionic potential 1 value per voxel, the displacement 3), and
per step of the plating run the compute, halo and coarse-grid seconds per rank and
the predicted parallel efficiency of the ionic solve, of a full plating step, of an
elastic solve (hierarchy kept) and of the GMG Poisson floor (hierarchy kept): a solve
as fast per unknown as the floor has the least compute to hide its communication
behind, so E_floor is where a navox solve would land if it reached the floor.

Model (every number here an assumption unless it comes from the CSV):
  - compute per rank = s (seconds per step or solve per million unknowns, measured on
    1 rank at the suite's N with the fewest seconds per million unknowns and
    iteration) x unknowns per rank / 1e6 / E2, where E2 is the
    measured 1 -> 2 rank CPU-time efficiency of the same benchmark at the largest N
    (what filling a node's cores costs: shared memory bandwidth; capped at 1);
  - network: alpha = 2 us latency per message, beta = 10 GB/s per link, one link per
    rank; an exchange costs 6 alpha + bytes / beta;
  - a Krylov iteration with a multigrid V-cycle makes 5 exchanges per level (residual,
    two pre- and two post-smoothing applications) on L_local = log2(smallest block
    side) - 1 levels whose faces shrink 4x per level, and 2 allreduces (CG's dot
    products) of alpha log2(P) each;
  - the coarse grid (the levels below L_local, gathered to few ranks) costs
    L x alpha x log2(P) per iteration, L = log2(G) - 1 levels in all (latency bound);
  - a plating step adds the settling's sweeps outside the solve, each 4 fine-level
    exchanges and a reverse one, and the settling's reductions (allreduces and
    all-to-alls, alpha log2(P) each): per step at 128^3 on 2 ranks split across the
    front (along x or y: the front's searches reach the rim, as in the small blocks of
    many ranks), from -log_view (NaSweep's count and NaSettle's reductions over the 126
    settlings: 15.4 sweeps and ~700 reductions, docs/performance.md "Scaling model";
    --sweeps, --reductions; the default split, along z, keeps the front on one rank and
    made 222), both scaled with the grid's side (the surplus spreads into the pores a
    voxel per sweep, and the searches through full Na a distance per reduction);
  - iterations per step or solve: the CSV's, at that N on 1 rank.
Efficiency = E2 x t_compute / (t_compute + t_halo + t_coarse + t_dots), against one
rank's throughput. Load imbalance, the multigrid set-up, I/O and the growth of
iterations with N are not in it.
"""
import argparse
import csv
import math
import sys


def blocks(p):
    """px >= py >= pz with px py pz = p, as even as factors of 2 (and 3, 5, 7) allow."""
    f, q = [], p
    for d in (2, 3, 5, 7):
        while q % d == 0:
            f.append(d)
            q //= d
    if q > 1:
        f.append(q)
    dims = [1, 1, 1]
    for d in sorted(f, reverse=True):
        dims[dims.index(min(dims))] *= d
    return sorted(dims, reverse=True)


def measured(rows, name):
    """(N, s per Munknown, iterations, E2) of benchmark `name`. s and the iterations from
    the 1-rank run with the fewest seconds per million unknowns and iteration (on a
    shared machine the least disturbed one, and the least compute to hide communication
    behind); E2 from the largest N measured on 1 and 2 ranks (fixed costs weigh least)."""
    mine = [r for r in rows if r["benchmark"] == name and r["N"]]
    ones = [r for r in mine if r["ranks"] == "1"]
    if not ones:
        sys.exit(f"no 1-rank {name} rows in the CSV")
    one = min(ones, key=lambda r: float(r["seconds_per_Munknown"]) / float(r["iterations"] or 1))
    twos = [r for r in mine if r["ranks"] == "2" and r["efficiency_cpu"]]
    e2 = float(max(twos, key=lambda r: int(r["N"]))["efficiency_cpu"]) if twos else 1.0
    return int(one["N"]), float(one["seconds_per_Munknown"]), float(one["iterations"] or 1), min(e2, 1.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--alpha", type=float, default=2e-6, help="latency per message [s] (assumed)")
    ap.add_argument("--beta", type=float, default=10e9, help="bandwidth per link [B/s] (assumed)")
    ap.add_argument("--sweeps", type=float, default=15.4,
                    help="settling sweeps per plating step at 128^3 (scaled with the grid's side)")
    ap.add_argument("--reductions", type=float, default=700.0,
                    help="settling reductions per plating step at 128^3 (scaled with the grid's side)")
    ap.add_argument("--grids", type=int, nargs="+", default=[512, 1024])
    ap.add_argument("--ranks", type=int, nargs="+", default=[64, 128, 256, 512, 1024, 2048, 4096])
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.csv)))
    solves = {"ionic": measured(rows, "ionic_solve"), "step": measured(rows, "plating_step"),
              "elastic": measured(rows, "elasticity_reuse"), "floor": measured(rows, "gmg_poisson_reuse")}
    for k, (n, s, its, e2) in solves.items():
        print(f"# {k}: {s:.3g} s per 1e6 unknowns on 1 rank, {its:.1f} iterations (N={n}); E2 (CPU, largest N) {e2:.2f}")
    print(f"# network (assumed): latency {a.alpha * 1e6:.1f} us, bandwidth {a.beta / 1e9:.0f} GB/s per link")
    alpha, beta = a.alpha, a.beta

    def exchange(face_values, dof):  # one ghost exchange of one rank [s], bytes
        b = 8.0 * dof * face_values
        return 6 * alpha + b / beta, b

    def model(g, p, nx, ny, nz):
        """{solve: (efficiency, compute s, halo s, coarse + dot s)} per step or solve."""
        faces = 2 * (ny * nz + nx * nz + nx * ny)
        l_local = max(1, int(math.log2(min(nx, ny, nz))) - 1)
        lg, levels = math.log2(p), int(math.log2(g)) - 1
        out = {}
        for k, (_, s, its, e2) in solves.items():
            dof = 3 if k == "elastic" else 1
            comp = s * dof * nx * ny * nz / 1e6 / e2
            halo = sum(5 * exchange(faces / 4 ** lev, dof)[0] for lev in range(l_local)) * its
            coarse = (levels + 2) * alpha * lg * its  # coarse grid, and CG's 2 dot products
            if k == "step":
                halo += 5 * a.sweeps * g / 128 * exchange(faces, 1)[0]
                coarse += a.reductions * g / 128 * alpha * lg
            out[k] = (e2 * comp / (comp + halo + coarse), comp, halo, coarse)
        return out

    names = ("ionic", "step", "elastic", "floor")
    print(f"{'grid':>5} {'ranks':>5} {'block':>12} {'vox/rank':>9} {'halo_phi_KB':>11} {'halo_u_KB':>9} "
          f"{'step_comp_s':>11} {'step_halo_s':>11} {'coarse_s':>9} {'E_ionic':>7} {'E_step':>6} {'E_elastic':>9} "
          f"{'E_floor':>7}")
    for g in a.grids:
        for p in a.ranks:
            px, py, pz = blocks(p)
            nx, ny, nz = g / px, g / py, g / pz
            faces = 2 * (ny * nz + nx * nz + nx * ny)
            m = model(g, p, nx, ny, nz)
            _, comp, halo, coarse = m["step"]
            block = f"{nx:.0f}x{ny:.0f}x{nz:.0f}"
            print(f"{g:>5} {p:>5} {block:>12} {nx * ny * nz:>9.0f} {exchange(faces, 1)[1] / 1024:>11.0f} "
                  f"{exchange(faces, 3)[1] / 1024:>9.0f} {comp:>11.4f} {halo:>11.5f} {coarse:>9.5f} "
                  + " ".join(f"{m[k][0]:>{w}.2f}" for k, w in zip(names, (7, 6, 9, 7))))
    # Voxels per rank: the share of communication alone (E / E2), a cubic block of side
    # n per rank on the largest rank count, grid n * P^(1/3).
    p = max(a.ranks)
    print(f"\n# communication efficiency (E / E2) against the block per rank, {p} ranks")
    print(f"{'block':>6} {'vox/rank':>9} " + " ".join(f"{k:>8}" for k in names))
    for n in (16, 24, 32, 48, 64, 96, 128, 192, 256):
        g = n * round(p ** (1 / 3))
        m = model(g, p, n, n, n)
        print(f"{n:>4}^3 {n ** 3:>9} " + " ".join(f"{m[k][0] / solves[k][3]:>8.3f}" for k in names))

if __name__ == "__main__":
    main()
