"""What a ParaView user gets from a navox run, read with ParaView's own readers
(pvpython): check_outputs.py RUN_DIR NX NY NZ SE_LABEL CC_LABEL [STATE.pvsm]

Both collections (navox.pvd through the PVD reader, navox.xmf through XDMF3) must
hold every step of navox.steps at its time, the cell extents NX x NY x NZ with the
files' origin and spacing, the same arrays with the same values (NaN where they
say NaN), and values equal to the HDF5 datasets read with h5py. phi is finite
exactly on the SE voxels (label SE_LABEL), electrode_potential exactly on the
collector's (CC_LABEL); label and rank are integer arrays. A single step's .pvti
and .xmf opened alone carry their time; the VTK field data names the materials.
A state file, when given, loads. Prints "ok: ..." or "FAIL: ..." and exits 1.
"""
import os
import sys

import h5py
import numpy as np
from paraview import servermanager as sm
from paraview import simple as pv
from vtk.util.numpy_support import vtk_to_numpy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "paraview"))
from render import time_values  # noqa: E402  (the render script's reading of times)

TYPE_INT = ("label", "rank", "nuclei", "na_state", "void")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def fetch(reader, t):
    reader.UpdatePipeline(t)
    data = sm.Fetch(reader)
    if data.IsA("vtkMultiBlockDataSet"):  # the XDMF3 reader may wrap the grid
        it = data.NewIterator()
        it.InitTraversal()
        data = it.GetCurrentDataObject()
    return data


def arrays_of(data):
    cd = data.GetCellData()
    return {cd.GetArrayName(i): cd.GetArray(i) for i in range(cd.GetNumberOfArrays())}


def same(a, b):
    return a.shape == b.shape and np.array_equal(np.isnan(a), np.isnan(b)) and np.array_equal(a[~np.isnan(a)], b[~np.isnan(b)])


def main(run, nx, ny, nz, se, cc, state=None):
    steps = [line.split() for line in open(os.path.join(run, "navox.steps")) if line.strip()]
    times = [float(t) for _, t in steps]
    pvd = pv.PVDReader(FileName=os.path.join(run, "navox.pvd"))
    xmf = pv.Xdmf3ReaderS(FileName=[os.path.join(run, "navox.xmf")])
    for name, reader in (("navox.pvd", pvd), ("navox.xmf", xmf)):
        reader.UpdatePipelineInformation()
        tv = time_values(reader)
        if len(tv) != len(times) or any(abs(a - b) > 1e-12 * max(1.0, abs(b)) for a, b in zip(tv, times)):
            fail(f"{name}: times {tv}, navox.steps says {times}")
    n_arrays = None
    for (step, t) in steps:
        t = float(t)
        a, b = fetch(pvd, t), fetch(xmf, t)
        h5 = h5py.File(os.path.join(run, f"navox_{int(step):06d}.h5"), "r")
        for name, data in (("vtk", a), ("xdmf", b)):
            if data.GetNumberOfCells() != nx * ny * nz:
                fail(f"{name} step {step}: {data.GetNumberOfCells()} cells, want {nx * ny * nz}")
            bounds = data.GetBounds()
            origin, spacing = h5.attrs["origin"], h5.attrs["spacing"]
            want = [origin[0], origin[0] + nx * spacing[0], origin[1], origin[1] + ny * spacing[1],
                    origin[2], origin[2] + nz * spacing[2]]
            if not np.allclose(bounds, want, rtol=1e-12, atol=1e-18):
                fail(f"{name} step {step}: bounds {bounds}, want {want}")
        va, vb = arrays_of(a), arrays_of(b)
        fields = sorted(h5["fields"].keys())
        for name, arrays in (("vtk", va), ("xdmf", vb)):
            missing = [f for f in fields if f not in arrays]
            if missing:
                fail(f"{name} step {step}: no array {missing[0]} (HDF5 has {fields})")
        for f in fields:
            x, y = vtk_to_numpy(va[f]).astype(float), vtk_to_numpy(vb[f]).astype(float)
            ref = np.asarray(h5["fields"][f], dtype=float)
            ref = ref.reshape(-1, 3) if ref.ndim == 4 else ref.reshape(-1)
            if not same(x, ref):
                fail(f"vtk step {step}: {f} differs from the HDF5 dataset")
            if not same(y, ref):
                fail(f"xdmf step {step}: {f} differs from the HDF5 dataset")
            if f in TYPE_INT and not va[f].IsA("vtkIntArray"):
                fail(f"vtk step {step}: {f} is a {va[f].GetClassName()}, want integers")
        label = vtk_to_numpy(va["label"])
        phi = vtk_to_numpy(va["phi"])
        if not np.array_equal(np.isfinite(phi), label == se):
            fail(f"step {step}: phi finite on {np.isfinite(phi).sum()} voxels, SE voxels {np.sum(label == se)}")
        ep = vtk_to_numpy(va["electrode_potential"])
        if not np.array_equal(np.isfinite(ep), label == cc):
            fail(f"step {step}: electrode_potential finite off the collector")
        # A single step opened alone carries its time.
        one = pv.XMLPartitionedImageDataReader(FileName=[os.path.join(run, f"navox_{int(step):06d}.pvti")])
        fd = fetch(one, 0.0).GetFieldData()
        tv = fd.GetArray("TimeValue")
        if tv is None or tv.GetValue(0) != t:
            fail(f"navox_{int(step):06d}.pvti: TimeValue {None if tv is None else tv.GetValue(0)}, want {t}")
        mats = fd.GetAbstractArray("materials")
        want = h5.attrs["materials"]
        want = want.decode() if isinstance(want, bytes) else str(want)
        if mats is None or mats.GetValue(0) != want:
            fail(f"navox_{int(step):06d}.pvti: materials field data {None if mats is None else mats.GetValue(0)!r}, HDF5 {want!r}")
        single = pv.Xdmf3ReaderS(FileName=[os.path.join(run, f"navox_{int(step):06d}.xmf")])
        single.UpdatePipelineInformation()
        stv = time_values(single)
        if stv != [t]:
            fail(f"navox_{int(step):06d}.xmf: times {stv}, want [{t}]")
        n_arrays = len(fields)
    if state:
        pv.LoadState(state)
        if not pv.GetSources():
            fail(f"{state}: loaded no pipeline")
    print(f"ok: ParaView reads {len(steps)} steps, {n_arrays} arrays, the same in VTK, XDMF and HDF5"
          + (", and the render state" if state else ""))


if __name__ == "__main__":
    if len(sys.argv) not in (7, 8):
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1], *map(int, sys.argv[2:7]), *(sys.argv[7:]))
