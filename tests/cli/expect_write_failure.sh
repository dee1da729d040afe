#!/usr/bin/env bash
# A data write that fails on one rank only (that rank's files limited to a few KB, as a
# full disk or a quota would) must end the run on every rank within seconds with one
# clear line that carries the system's reason, not hang: before, the failing rank
# threw and waited in H5Fclose while the other was in the next collective write.
#   expect_write_failure.sh MPIEXEC NAVOX INPUT_DIR
set -u
source "$(dirname "$0")/checks.sh"
mpiexec=$1 navox=$2 data=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$data/small_cell.yaml" "$data/cell_6x5x12.raw" "$work"/
cat > "$work/limit.sh" <<'WRAP'
#!/usr/bin/env bash
# File-size limit on rank $LIMITED_RANK only; SIGXFSZ ignored, so write() fails with EFBIG.
if [ "${OMPI_COMM_WORLD_RANK:-0}" = "$LIMITED_RANK" ]; then trap '' XFSZ; ulimit -f 4; fi
exec "$@"
WRAP
chmod +x "$work/limit.sh"
cd "$work"
# Rank 0 (an MPI-IO aggregator: the failure surfaces in the data write, with errno)
# and rank 1 (not one: it surfaces inside HDF5, whose own close would then hang).
for limited in 0 1; do
  rm -rf small_cell_out
  # The TCP transport: OpenMPI's shared-memory segment would itself exceed the limit.
  LIMITED_RANK=$limited timeout 60 $mpiexec --mca btl self,tcp -x LIMITED_RANK -n 2 ./limit.sh "$navox" run small_cell.yaml \
    --set "output.formats=[hdf5]" >out 2>&1
  status=$?
  cat out
  expect_one_failure "$status" out "navox: error: rank $limited: HDF5: write /fields/" "rank $limited limited"
  if [ "$limited" = 0 ]; then grep -q "File too large" out || fail "no system reason (errno) in the message"; fi
done
echo "ok: exit $status, one message, on either rank"
