#include "physics/mechanics/hex_elasticity.hpp"

#include <cmath>

namespace navox::physics {

HexElasticity::Constitutive HexElasticity::constitutive(double e, double nu) {
  const double lambda = e * nu / ((1 + nu) * (1 - 2 * nu));
  const double mu = e / (2 * (1 + nu));
  Constitutive c{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) c[i * 6 + j] = lambda;
    c[i * 6 + i] = lambda + 2 * mu;
    c[(i + 3) * 6 + (i + 3)] = mu;
  }
  return c;
}

std::array<double, 8> HexElasticity::shape(double xi, double eta, double zeta) {
  std::array<double, 8> n{};
  for (int a = 0; a < 8; ++a) {
    const double sx = (a & 1) ? 1 : -1, sy = (a & 2) ? 1 : -1, sz = (a & 4) ? 1 : -1;
    n[a] = 0.125 * (1 + sx * xi) * (1 + sy * eta) * (1 + sz * zeta);
  }
  return n;
}

HexElasticity::StrainMatrix HexElasticity::strain_matrix(const std::array<double, 3>& h, double xi, double eta,
                                                         double zeta) {
  StrainMatrix b{};
  for (int a = 0; a < 8; ++a) {
    const double sx = (a & 1) ? 1 : -1, sy = (a & 2) ? 1 : -1, sz = (a & 4) ? 1 : -1;
    // dN/dx = dN/dxi * 2/hx
    const double dx = 0.125 * sx * (1 + sy * eta) * (1 + sz * zeta) * 2.0 / h[0];
    const double dy = 0.125 * sy * (1 + sx * xi) * (1 + sz * zeta) * 2.0 / h[1];
    const double dz = 0.125 * sz * (1 + sx * xi) * (1 + sy * eta) * 2.0 / h[2];
    const int c = 3 * a;
    b[0 * 24 + c + 0] = dx;
    b[1 * 24 + c + 1] = dy;
    b[2 * 24 + c + 2] = dz;
    b[3 * 24 + c + 1] = dz;
    b[3 * 24 + c + 2] = dy;
    b[4 * 24 + c + 0] = dz;
    b[4 * 24 + c + 2] = dx;
    b[5 * 24 + c + 0] = dy;
    b[5 * 24 + c + 1] = dx;
  }
  return b;
}

HexElasticity::Stiffness HexElasticity::stiffness(const std::array<double, 3>& h, double e, double nu) {
  const Constitutive c = constitutive(e, nu);
  const double weight = h[0] * h[1] * h[2] / 8.0; // det J, unit Gauss weights
  Stiffness k{};
  for (int q = 0; q < 8; ++q) {
    const StrainMatrix b = strain_matrix(h, (q & 1) ? kGauss : -kGauss, (q & 2) ? kGauss : -kGauss,
                                         (q & 4) ? kGauss : -kGauss);
    std::array<double, 6 * 24> cb{}; // C B
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j) {
        const double cij = c[i * 6 + j];
        if (cij == 0) continue;
        for (int n = 0; n < 24; ++n) cb[i * 24 + n] += cij * b[j * 24 + n];
      }
    for (int m = 0; m < 24; ++m)
      for (int i = 0; i < 6; ++i) {
        const double bim = b[i * 24 + m] * weight;
        if (bim == 0) continue;
        for (int n = 0; n < 24; ++n) k[m * 24 + n] += bim * cb[i * 24 + n];
      }
  }
  return k;
}

HexElasticity::Nodal HexElasticity::eigenstress_forces(const std::array<double, 3>& h, double pressure) {
  const double volume = h[0] * h[1] * h[2];
  Nodal f{};
  for (int a = 0; a < 8; ++a)
    for (int c = 0; c < 3; ++c) {
      const double s = (a >> c) & 1 ? 1.0 : -1.0;
      f[3 * a + c] = pressure * s * volume / (4.0 * h[c]); // p s_c (face area)/4
    }
  return f;
}

std::array<double, 6> HexElasticity::stress(const Constitutive& c, const StrainMatrix& b, const Nodal& u) {
  std::array<double, 6> eps{}, s{};
  for (int i = 0; i < 6; ++i)
    for (int n = 0; n < 24; ++n) eps[i] += b[i * 24 + n] * u[n];
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j) s[i] += c[i * 6 + j] * eps[j];
  return s;
}

double HexElasticity::von_mises(const std::array<double, 6>& s) {
  const double d01 = s[0] - s[1], d12 = s[1] - s[2], d20 = s[2] - s[0];
  return std::sqrt(0.5 * (d01 * d01 + d12 * d12 + d20 * d20) + 3.0 * (s[3] * s[3] + s[4] * s[4] + s[5] * s[5]));
}

} // namespace navox::physics
