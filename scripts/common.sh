# Shared by the scripts in this folder: paths, and how to call mpirun here.
NAVOX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAVOX_BUILD=${NAVOX_BUILD:-$NAVOX_ROOT/build}

# mpirun as root (containers, CI) needs OpenMPI's consent; more ranks than
# cores needs oversubscription. Both are harmless elsewhere. A rank waiting for a
# message yields its core only when the node is oversubscribed: OpenMPI turns
# mpi_yield_when_idle on by itself then, and with ranks <= cores it stays off. Forced on,
# every poll became a system call: MUMPS polls while it factors and solves, and the
# creep flow's runs took 1.5x as long (docs/performance.md, "Waiting ranks"). The tests
# keep it on (tests/CMakeLists.txt): ctest -j runs several MPI tests on the same cores.
if [ "$(id -u)" = 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=${OMPI_MCA_rmaps_base_oversubscribe:-1}
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
