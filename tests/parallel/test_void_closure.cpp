// Creep closure of a void at the Na|SE interface (MODEL.md §3.4;
// tests/data/mechanics/void_at_interface.yaml), on 1, 2 and 4 ranks: an empty
// 2x2-voxel void in a Na layer under an Al collector, resting under a stack
// pressure. Each step the void loses the share 1 - exp(-k(p) dt) of its volume,
// k = 3/2 eps_dot(3p/(2n), T) (physics::PowerLawCreep::void_closure_rate), with p the
// bearing pressure of that step (the stack load over the SE area the Na and Al bear
// on). Checked: the void's volume in the output after every step against that
// product to 1e-4 (the faces the closing void reaches start to exchange a little
// charge with the double layer: ~1e-5 of a voxel); twice the pressure closes it faster (2^5 = 32 times the rate), and
// so does 313 K (2.2 times); at 5 and 10 MPa in millisecond steps as well; the Na
// volume changes only by Omega/F x the faradaic charge.
#include "io/output/hdf5_writer.hpp"
#include "physics/mechanics/power_law_creep.hpp"
#include "physics/sodium/sodium_metal.hpp"
#include "support/deck_run.hpp"

#include "support/validate_line.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

namespace {

struct Closure {
  std::vector<double> open;     ///< the void's open volume after each step [voxel volumes of the void]
  std::vector<double> expected; ///< exp(-sum k dt) up to that step
};

/// The deck at `pressure` and `temperature`; six steps of `dt` milliseconds when given.
Closure close_void(const std::string& pressure, double temperature, const std::string& dt = "") {
  const std::string kelvin = std::to_string(temperature) + " K";
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::string raw = navox::test::source_path("tests/data/mechanics/void_at_interface_4x4x10.raw");
  const auto run = navox::test::run_deck(
      "tests/data/mechanics/void_at_interface.yaml",
      "void_closure_" + pressure.substr(0, pressure.find(' ')) + "_" + std::to_string(int(temperature)) + "_np" + std::to_string(size),
      dt.empty() ? std::vector<std::string>{"conditions.stack_pressure=" + pressure, "conditions.temperature=" + kelvin,
                                            "microstructure.volume.path=" + raw}
                 : std::vector<std::string>{"conditions.stack_pressure=" + pressure, "conditions.temperature=" + kelvin,
                                            "microstructure.volume.path=" + raw, "time.dt=" + dt + " ms", "time.dt_max=" + dt + " ms",
                                            "protocol.steps[0].rest.duration=" + std::to_string(6 * std::stod(dt)) +
                                                " ms"});
  const navox::physics::PowerLawCreep creep; // the Na defaults of mechanics.creep
  navox::Box all;
  all.n = {4, 4, 10};
  Closure c;
  double sum = 0;
  for (std::size_t n = 0; n < run.reports.size(); ++n) {
    const auto& r = run.reports[n];
    if (n > 0) sum += creep.void_closure_rate(r["bearing_pressure"], temperature) * r["dt"];
    char file[64];
    std::snprintf(file, sizeof file, "/navox_%06ld.h5", long(r["step"]));
    const std::vector<double> xi = navox::io::read_hdf5_field(run.directory + file, "xi", all);
    double open = 0;
    for (int j = 1; j <= 2; ++j)
      for (int i = 1; i <= 2; ++i) open += 1 - xi[std::size_t(all.offset(i, j, 4))];
    c.open.push_back(open / 4);
    c.expected.push_back(std::exp(-sum));
    // Na moves, it is not made or lost: what changes is the faradaic charge's (the
    // double layer of the faces the closing void reaches exchanges a little).
    const double made = -navox::physics::SodiumMetal{}.thickness_per_charge() * r["faradaic_charge"] * 16e-12;
    EXPECT_NEAR(r["na_volume"] - run.reports[0]["na_volume"], made, 1e-9 * run.reports[0]["na_volume"]);
  }
  return c;
}

TEST(VoidClosure, AVoidAtTheInterfaceClosesAtTheCreepRate) {
  const Closure low = close_void("1 MPa", 298.15);
  const Closure high = close_void("2 MPa", 298.15);
  const Closure warm = close_void("1 MPa", 313.15);
  ASSERT_EQ(low.open.size(), 7u); // the start and six 1 s steps
  for (const Closure* c : {&low, &high, &warm})
    for (std::size_t n = 0; n < c->open.size(); ++n) EXPECT_NEAR(c->open[n], c->expected[n], 1e-4) << n;
  std::printf("open share of the void after 1..6 s:\n  1 MPa 298 K:");
  for (std::size_t n = 1; n < low.open.size(); ++n) std::printf(" %.4f", low.open[n]);
  std::printf("\n  2 MPa 298 K:");
  for (std::size_t n = 1; n < high.open.size(); ++n) std::printf(" %.4f", high.open[n]);
  std::printf("\n  1 MPa 313 K:");
  for (std::size_t n = 1; n < warm.open.size(); ++n) std::printf(" %.4f", warm.open[n]);
  std::printf("\n");
  // Above a few MPa a void closes within milliseconds: 5 and 10 MPa in 0.2 ms steps.
  const Closure five = close_void("5 MPa", 298.15, "0.2");
  const Closure ten = close_void("10 MPa", 298.15, "0.2");
  for (const Closure* c : {&five, &ten})
    for (std::size_t n = 0; n < c->open.size(); ++n) EXPECT_NEAR(c->open[n], c->expected[n], 1e-4) << n;
  EXPECT_LT(ten.open[1], five.open[1]);
  auto line = [](const char* what, const Closure& c, std::size_t n) {
    char target[64];
    std::snprintf(target, sizeof target, "exp(-sum k dt) = %.4f (1e-4)", c.expected[n]);
    navox::test::validate_line(what, target, "%.4f", c.open[n]);
  };
  line("void at a Na|NBH interface, open share after 6 s at 1 MPa, 298 K", low, 6);
  line("void at a Na|NBH interface, open share after 6 s at 2 MPa, 298 K", high, 6);
  line("void at a Na|NBH interface, open share after 6 s at 1 MPa, 313 K", warm, 6);
  line("void at a Na|NBH interface, open share after 0.4 ms at 5 MPa, 298 K", five, 2);
  line("void at a Na|NBH interface, open share after 0.4 ms at 10 MPa, 298 K", ten, 2);
  EXPECT_EQ(low.open[0], 1.0);
  EXPECT_LT(high.open[1], low.open[1]);
  EXPECT_LT(warm.open[1], low.open[1]);
  EXPECT_GT(low.open[6], 0.5); // 1 MPa: k = 0.0114 / s, most of it still open after 6 s
  EXPECT_LT(high.open[6], 0.2); // 2 MPa: 32 times the rate
}

} // namespace
