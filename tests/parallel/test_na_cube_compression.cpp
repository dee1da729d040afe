// A Na cube in uniaxial compression between frictionless platens (MODEL.md §3.4,
// §6 "Na cube compression"), simulated by the creep flow (solver/mechanics/creep_flow.hpp):
// a cube of Na voxels, free surfaces on four sides, the top platen moving down at
// ε̇ L. The flow is homogeneous, u = ε̇ (x/2, y/2, −z), and the platen force per
// area is the flow stress σ_f(ε̇, T) of the calibration (0.2 MPa at 1e-3 1/s, 298 K),
// the pressure σ_f/3 in every voxel. On 1, 2 and 4 ranks, split along x, y and z.
#include "mesh/grid.hpp"
#include "solver/mechanics/creep_flow.hpp"
#include "support/creep_box.hpp"
#include "support/partitions.hpp"
#include "support/validate_line.hpp"
#include "support/voxel_field.hpp"

#include <gtest/gtest.h>

#include <mpi.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace {

constexpr std::int64_t kN = 10;    // voxels along the cube's edge
constexpr std::int64_t kGap = 2;   // empty voxels either side of it
constexpr double kH = 1e-6;        // voxel size [m]

struct Compression {
  double stress = 0;          ///< platen force / cube cross-section [Pa]
  double pressure_min = 0, pressure_max = 0;
  double lateral_rate = 0;    ///< ∂u_x/∂x from the cell velocities across the cube [1/s]
  int newton = 0;             ///< Picard and Newton iterations
};

Compression compress(double rate, double temperature, std::array<int, 3> processors) {
  const navox::GridSpec spec = navox::test::cubic_voxels({kN + 2 * kGap, kN + 2 * kGap, kN}, kH, processors);
  navox::Grid grid(MPI_COMM_WORLD, spec, {});
  navox::CreepFlowSetup setup = navox::test::free_slip_box(temperature);
  setup.sides[5].velocity = -rate * double(kN) * kH; // the top platen moves down
  Vec cells = navox::test::voxel_field(grid, [&](auto i, auto j, auto) {
    const bool in = i >= kGap && i < kGap + kN && j >= kGap && j < kGap + kN;
    return double(in ? navox::CreepFlow::metal : navox::CreepFlow::empty);
  });
  navox::CreepFlow flow(grid, setup);
  const navox::CreepFlowResult r = flow.solve(cells);
  Compression c;
  c.newton = r.picard_iterations + r.newton_iterations;
  c.stress = flow.side_force(5) / (double(kN * kN) * kH * kH);
  Vec p, ux, uy, uz;
  DMCreateGlobalVector(grid.scalar_dm(), &p);
  VecDuplicate(p, &ux);
  VecDuplicate(p, &uy);
  VecDuplicate(p, &uz);
  flow.pressure(p);
  flow.cell_velocity(ux, uy, uz);
  const auto pn = navox::test::gather_natural(grid, p);
  const auto xn = navox::test::gather_natural(grid, ux);
  const std::int64_t nx = spec.dims[0];
  c.pressure_min = 1e300;
  c.pressure_max = -1e300;
  for (std::int64_t k = 0; k < kN; ++k)
    for (std::int64_t j = kGap; j < kGap + kN; ++j)
      for (std::int64_t i = kGap; i < kGap + kN; ++i) {
        const double v = pn[std::size_t((k * nx + j) * nx + i)];
        c.pressure_min = std::min(c.pressure_min, v);
        c.pressure_max = std::max(c.pressure_max, v);
      }
  // Across the cube along x, at its middle row j = kGap + kN/2, layer k = kN/2.
  const std::size_t lo = std::size_t(((kN / 2) * nx + kGap + kN / 2) * nx + kGap);
  c.lateral_rate = (xn[lo + kN - 1] - xn[lo]) / (double(kN - 1) * kH);
  for (Vec* v : {&p, &ux, &uy, &uz, &cells}) VecDestroy(v);
  return c;
}

std::vector<std::pair<std::string, std::array<int, 3>>> partitions() {
  std::vector<std::pair<std::string, std::array<int, 3>>> p = {{"default", {-1, -1, -1}}};
  const char* axis = "xyz";
  for (const auto& split : navox::test::axis_splits()) p.push_back({std::string("split along ") + *axis++, split});
  return p;
}

void expect_flow_stress(double rate, double temperature, const char* what) {
  navox::physics::PowerLawCreep law;
  const double target = law.flow_stress(rate, temperature);
  for (const auto& [name, processors] : partitions()) {
    SCOPED_TRACE(name);
    const Compression c = compress(rate, temperature, processors);
    EXPECT_NEAR(c.stress / target, 1.0, 1e-6);
    EXPECT_NEAR(c.pressure_min / (target / 3), 1.0, 1e-6);
    EXPECT_NEAR(c.pressure_max / (target / 3), 1.0, 1e-6);
    EXPECT_NEAR(c.lateral_rate / (rate / 2), 1.0, 1e-6);
    if (name == "default") {
      char t[64];
      std::snprintf(t, sizeof t, "%.4g MPa (5 %%)", target / 1e6);
      navox::test::validate_line(what, t, "%.4f MPa (%d iterations)", c.stress / 1e6, c.newton);
    }
  }
}

} // namespace

TEST(NaCubeCompression, FlowStressAtTheCalibrationRate) {
  expect_flow_stress(1e-3, 298.15, "Na cube in compression, 1e-3 1/s, 298 K");
}

TEST(NaCubeCompression, FlowStressTenTimesFaster) {
  expect_flow_stress(1e-2, 298.15, "Na cube in compression, 1e-2 1/s, 298 K");
}

TEST(NaCubeCompression, SofterAt313K) {
  navox::physics::PowerLawCreep law;
  const Compression warm = compress(1e-3, 313.15, {-1, -1, -1});
  EXPECT_LT(warm.stress, 0.9 * law.flow_stress(1e-3, 298.15));
  expect_flow_stress(1e-3, 313.15, "Na cube in compression, 1e-3 1/s, 313 K (below 0.2 MPa)");
}
