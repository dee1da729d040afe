# Shared by the scripts in this folder: paths, and how to call mpirun here.
NAVOX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAVOX_BUILD=${NAVOX_BUILD:-$NAVOX_ROOT/build}

# mpirun as root (containers, CI) needs OpenMPI's consent; more ranks than
# cores needs oversubscription. Both are harmless elsewhere.
if [ "$(id -u)" = 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=${OMPI_MCA_rmaps_base_oversubscribe:-1}
export OMPI_MCA_mpi_yield_when_idle=${OMPI_MCA_mpi_yield_when_idle:-1}
export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}

# pvpython (ParaView's Python): the one on the PATH, else the copy scripts/install-deps
# unpacks into .deps/paraview (Debian's python3-paraview conflicts with libvtk9-dev);
# prints nothing when there is none that starts.
navox_pvpython() {
  local p
  for p in "$(command -v pvpython || true)" "$NAVOX_ROOT/.deps/paraview/usr/bin/pvpython"; do
    [ -n "$p" ] && [ -x "$p" ] && "$p" --no-mpi -c "import paraview" > /dev/null 2>&1 && { echo "$p"; return; }
  done
  return 0
}
