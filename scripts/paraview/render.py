"""Renders a navox run directory with ParaView (pvpython; run it through
scripts/paraview/render, which starts a virtual display where there is none).

    render RUN_DIR [--format vtk|xdmf] [--out DIR] [--size WxH] [--steps all|last|N,N,...]

Reads RUN_DIR/navox.pvd (VTK, the default when present) or RUN_DIR/navox.xmf
(HDF5/XDMF) and writes into DIR (default RUN_DIR/render):

  render_NNNNNN.png   one frame per output step (NNNNNN = the step's index in
                      the collection), three panels side by side:
                      1. the cell: the current collector (grey, translucent), the
                         Na deposit as cells with xi >= 0.5 coloured by na_state
                         (active gold, trapped red, floating magenta), voids
                         (blue, runs with vacancies) and the Na|SE outline;
                      2. the electrolyte potential phi on the x-z slice through the
                         middle of the cell (NaN outside the SE: the colour range is
                         the electrolyte's own);
                      3. the interface current density on the SE cells that carry
                         it (positive = stripping), over the collector's outline.
  navox.pvsm          the same pipeline as a ParaView state: File > Load State
                      (it points at RUN_DIR's collection by absolute path).

Lengths are shown in micrometres (the files hold metres). The label array gets a
categorical colour map named by the materials the files carry, so a user opening
the state can colour by label and read material names. Thresholded cells are used
throughout, never a xi = 0.5 contour: a one-voxel deposit has no interior
point data to contour. One line per file written goes to stdout.
"""
import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

from paraview import simple as pv

NA_STATE_COLOURS = {1: (0.95, 0.75, 0.10), 2: (0.85, 0.10, 0.10), 3: (0.80, 0.20, 0.80)}
NA_STATE_NAMES = {1: "active Na", 2: "trapped Na", 3: "floating Na"}


def fail(msg):
    print(f"render: {msg}", file=sys.stderr)
    sys.exit(1)


def materials_of(run_dir, fmt):
    """{label: material name} from the collection's first step file."""
    if fmt == "xdmf":
        text = open(os.path.join(run_dir, "navox.xmf")).read()
        m = re.search(r'<Information Name="materials" Value="([^"]*)"', text)
        legend = m.group(1) if m else ""
    else:
        pvd = ET.parse(os.path.join(run_dir, "navox.pvd")).getroot()
        first = pvd.find("./Collection/DataSet").get("file")
        legend = ""
        for arr in ET.parse(os.path.join(run_dir, first)).getroot().iter("DataArray"):
            if arr.get("Name") == "materials":
                legend = "".join(chr(int(c)) for c in arr.text.split() if int(c) != 0)
    out = {}
    for item in legend.split(";"):
        if "=" in item:
            k, v = item.split("=", 1)
            out[int(k)] = v
    return out


def open_run(run_dir, fmt):
    if fmt == "vtk":
        return pv.PVDReader(FileName=os.path.join(run_dir, "navox.pvd"))
    return pv.Xdmf3ReaderS(FileName=[os.path.join(run_dir, "navox.xmf")])


def time_values(reader):
    """The reader's times as a list: ParaView gives one time as a bare float (and no
    time as an empty value: [])."""
    tv = reader.TimestepValues
    if isinstance(tv, (int, float)):
        return [float(tv)]
    return list(tv) if tv else []


def cell_arrays(source):
    return set(source.CellData.keys())


def threshold(source, array, lower, upper):
    t = pv.Threshold(Input=source)
    t.Scalars = ["CELLS", array]
    t.LowerThreshold = lower
    t.UpperThreshold = upper
    t.ThresholdMethod = "Between"
    return t


def categorical(name, labels):
    """A categorical lookup table for an integer array: annotations and colours."""
    lut = pv.GetColorTransferFunction(name)
    lut.InterpretValuesAsCategories = 1
    ann, colours = [], []
    palette = [(0.55, 0.75, 0.90), (0.60, 0.60, 0.60), (0.85, 0.55, 0.30), (0.45, 0.70, 0.45),
               (0.75, 0.60, 0.85), (0.95, 0.85, 0.40), (0.50, 0.50, 0.80), (0.80, 0.40, 0.50)]
    for i, (value, text) in enumerate(sorted(labels.items())):
        ann += [str(value), text]
        colours += list(palette[i % len(palette)] if name == "label" else NA_STATE_COLOURS.get(value, (0.5, 0.5, 0.5)))
    lut.Annotations = ann
    lut.IndexedColors = colours
    return lut


def scalar_bar(view, lut, title):
    bar = pv.GetScalarBar(lut, view)
    bar.Title = title
    bar.ComponentTitle = ""
    bar.Visibility = 1
    bar.TitleFontSize = 14
    bar.LabelFontSize = 12
    bar.TitleColor = [0, 0, 0]
    bar.LabelColor = [0, 0, 0]
    return bar


def solid(rep, colour):
    rep.ColorArrayName = ["CELLS", ""]
    rep.DiffuseColor = list(colour)
    rep.AmbientColor = list(colour)
    return rep


def make_view(size, title):
    view = pv.CreateView("RenderView")
    view.ViewSize = size
    view.OrientationAxesVisibility = 1
    view.Background = [1.0, 1.0, 1.0]
    try:  # ParaView >= 5.10 keeps the background in a palette unless told not to
        view.UseColorPaletteForBackground = 0
    except AttributeError:
        pass
    text = pv.Text(Text=title)
    rep = pv.Show(text, view)
    rep.Color = [0, 0, 0]
    rep.FontSize = 14
    rep.WindowLocation = "Upper Center"
    return view


def look_from_front_corner(view, bounds):
    """Views the cell from the front-left, a little above (z is the stacking axis, up)."""
    cx, cy, cz = [(bounds[2 * i] + bounds[2 * i + 1]) / 2 for i in range(3)]
    span = max(bounds[1] - bounds[0], bounds[3] - bounds[2], bounds[5] - bounds[4])
    view.CameraFocalPoint = [cx, cy, cz]
    view.CameraPosition = [cx - 1.6 * span, cy - 2.2 * span, cz + 1.3 * span]
    view.CameraViewUp = [0, 0, 1]
    view.ResetCamera()


def look_along_y(view, bounds):
    cx, cy, cz = [(bounds[2 * i] + bounds[2 * i + 1]) / 2 for i in range(3)]
    view.CameraFocalPoint = [cx, cy, cz]
    view.CameraPosition = [cx, cy - 3 * (bounds[3] - bounds[2] + 1), cz]
    view.CameraViewUp = [0, 0, 1]
    view.CameraParallelProjection = 1
    view.ResetCamera()


def main(argv):
    ap = argparse.ArgumentParser(prog="render", description=__doc__.split("\n\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--format", choices=["vtk", "xdmf"])
    ap.add_argument("--out")
    ap.add_argument("--size", default="1800x600")
    ap.add_argument("--steps", default="all")
    args = ap.parse_args(argv)
    run_dir = os.path.abspath(args.run_dir)
    fmt = args.format or ("vtk" if os.path.exists(os.path.join(run_dir, "navox.pvd")) else "xdmf")
    collection = os.path.join(run_dir, "navox.pvd" if fmt == "vtk" else "navox.xmf")
    if not os.path.exists(collection):
        fail(f"{collection}: no such file (a navox output directory has navox.pvd and/or navox.xmf)")
    m = re.fullmatch(r"(\d+)x(\d+)", args.size)
    if not m:
        fail(f"--size {args.size}: expected WxH, e.g. 1800x600")
    width, height = int(m.group(1)), int(m.group(2))
    out = os.path.abspath(args.out or os.path.join(run_dir, "render"))
    os.makedirs(out, exist_ok=True)

    reader = open_run(run_dir, fmt)
    reader.UpdatePipelineInformation()
    times = time_values(reader) or [0.0]  # a collection without times: one frame
    if args.steps == "last":
        frames = [len(times) - 1]
    elif args.steps == "all":
        frames = list(range(len(times)))
    else:
        try:
            frames = [int(s) for s in args.steps.split(",")]
        except ValueError:
            fail(f"--steps {args.steps}: expected all, last or step indices like 0,3,7")
        bad = [f for f in frames if not 0 <= f < len(times)]
        if bad:
            fail(f"--steps: the collection has {len(times)} steps (0..{len(times) - 1}), not {bad[0]}")
    reader.UpdatePipeline(times[0])
    arrays = cell_arrays(reader)
    for needed in ("label", "xi", "phi", "electrode_potential", "interface_current"):
        if needed not in arrays:
            fail(f"{collection}: no cell array '{needed}' (is this a navox run's output?)")

    # Metres in the files; micrometres on screen.
    cell = pv.Transform(Input=reader)
    cell.Transform = "Transform"
    cell.Transform.Scale = [1e6, 1e6, 1e6]
    cell.UpdatePipeline(times[0])
    bounds = cell.GetDataInformation().GetBounds()

    materials = materials_of(run_dir, fmt)
    if materials:
        categorical("label", materials)

    panel = [width // 3, height]
    # Panel 1: collector, Na by state, voids.
    v1 = make_view(panel, "collector, Na (xi >= 0.5) and voids [um]")
    outline = pv.Outline(Input=cell)
    pv.Show(outline, v1).DiffuseColor = [0.2, 0.2, 0.2]
    cc = threshold(cell, "electrode_potential", -1e30, 1e30)  # NaN outside the collector
    cc_rep = pv.Show(cc, v1)
    solid(cc_rep, [0.55, 0.55, 0.60])
    cc_rep.Opacity = 0.25
    na = threshold(cell, "xi", 0.5, 1e30)
    na_rep = pv.Show(na, v1)
    if "na_state" in arrays:
        pv.ColorBy(na_rep, ("CELLS", "na_state"))
        lut = categorical("na_state", NA_STATE_NAMES)
        scalar_bar(v1, lut, "na_state")
    else:
        solid(na_rep, list(NA_STATE_COLOURS[1]))
    if "void" in arrays:
        void = threshold(cell, "void", 0.5, 1e30)
        void_rep = pv.Show(void, v1)
        solid(void_rep, [0.15, 0.35, 0.95])
    look_from_front_corner(v1, bounds)

    # Panel 2: phi on the middle x-z slice.
    v2 = make_view(panel, "phi [V], x-z slice at mid y [um]")
    mid_y = (bounds[2] + bounds[3]) / 2
    sl = pv.Slice(Input=cell)
    sl.SliceType = "Plane"
    sl.SliceType.Origin = [0, mid_y, 0]
    sl.SliceType.Normal = [0, 1, 0]
    sl_rep = pv.Show(sl, v2)
    pv.ColorBy(sl_rep, ("CELLS", "phi"))
    phi_lut = pv.GetColorTransferFunction("phi")
    phi_lut.ApplyPreset("Viridis (matplotlib)", True)
    phi_lut.NanColor = [0.85, 0.85, 0.85]
    scalar_bar(v2, phi_lut, "phi [V]")
    na_slice = threshold(sl, "xi", 0.5, 1e30)
    na_slice_rep = pv.Show(na_slice, v2)
    solid(na_slice_rep, list(NA_STATE_COLOURS[1]))
    look_along_y(v2, bounds)

    # Panel 3: interface current density on the SE cells that carry it.
    v3 = make_view(panel, "interface current [A/m^2], + = stripping")
    pv.Show(pv.Outline(Input=cell), v3).DiffuseColor = [0.2, 0.2, 0.2]
    absj = pv.Calculator(Input=cell)
    absj.AttributeType = "Cell Data"
    absj.ResultArrayName = "abs_interface_current"
    absj.Function = "abs(interface_current)"
    carrying = threshold(absj, "abs_interface_current", 1e-12, 1e30)
    j_rep = pv.Show(carrying, v3)
    pv.ColorBy(j_rep, ("CELLS", "interface_current"))
    j_lut = pv.GetColorTransferFunction("interface_current")
    j_lut.ApplyPreset("Cool to Warm", True)
    scalar_bar(v3, j_lut, "interface_current [A/m^2]")
    look_from_front_corner(v3, bounds)

    layout = pv.CreateLayout("navox")
    layout.SplitHorizontal(0, 1.0 / 3)
    layout.AssignView(1, v1)
    layout.SplitHorizontal(2, 0.5)
    layout.AssignView(5, v2)
    layout.AssignView(6, v3)
    layout.SetSize(width, height)

    scene = pv.GetAnimationScene()
    scene.UpdateAnimationUsingDataTimeSteps()
    for f in frames:
        t = times[f]
        scene.AnimationTime = t
        for v in (v1, v2, v3):
            v.ViewTime = t
        sl_rep.RescaleTransferFunctionToDataRange(False, True)
        # A symmetric range for the signed current: zero is white.
        rng = carrying.CellData["interface_current"].GetRange() if carrying.CellData.GetArray("interface_current") else (0, 0)
        span = max(abs(rng[0]), abs(rng[1]), 1e-12)
        j_lut.RescaleTransferFunction(-span, span)
        png = os.path.join(out, f"render_{f:06d}.png")
        pv.SaveScreenshot(png, layout, ImageResolution=[width, height])
        print(png)
    state = os.path.join(out, "navox.pvsm")
    pv.SaveState(state)
    print(state)


if __name__ == "__main__":
    main(sys.argv[1:])
