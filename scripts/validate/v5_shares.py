"""What one V5 cycle left (scripts/validate/v5_cycle.sh): shares of the plated Na.

Read by scripts/validate/trapping and trapping_convergence from a run's
navox_cycles.csv (its first cycle).
"""
import csv

OMEGA_F = 23.78e-6 / 96485.33212  # Omega_Na / F [m^3/C], MODEL.md §4
AREA = (16e-6) ** 2               # inputs/cycling_pellet.yaml's x-y area at any voxel size [m^2]


def shares(run_dir):
    """The first cycle of run_dir as shares of the Na it plated: trapped (no Na path to
    the SE), left (all Na at the cycle's end), ce (first-cycle Coulombic efficiency) and
    balance (|Na left - Omega/F (in - out) A| / plated)."""
    with open(f"{run_dir}/navox_cycles.csv") as f:
        row = next(csv.DictReader(f))
    q_in, q_out = float(row["charge_in [C/m^2]"]), float(row["charge_out [C/m^2]"])
    plated = OMEGA_F * q_in * AREA
    left = float(row["na_volume [m^3]"])
    return dict(ce=float(row["ce"]), trapped=float(row["trapped_na_volume [m^3]"]) / plated, left=left / plated,
                balance=abs(left - OMEGA_F * (q_in - q_out) * AREA) / plated)
