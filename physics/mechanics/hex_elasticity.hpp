#pragma once
/**
 * Small-strain linear elasticity on one voxel: the trilinear (Q1) hexahedron
 * (MODEL.md §3.4, §7).
 *
 * The voxel [0,h_x]×[0,h_y]×[0,h_z] is the image of the reference cube
 * \f$\xi,\eta,\zeta\in[-1,1]\f$ under \f$x = h_x(1+\xi)/2\f$ (and alike for y, z), so
 * the Jacobian is diagonal, \f$\det J = h_xh_yh_z/8\f$. Node a = a_x + 2a_y + 4a_z
 * (a_x, a_y, a_z ∈ {0, 1}) sits at \f$(a_xh_x, a_yh_y, a_zh_z)\f$ and has
 * \f[ N_a = \tfrac18(1+s_x\xi)(1+s_y\eta)(1+s_z\zeta),\qquad s = 2a-1. \f]
 * Unknowns are ordered u_{a,c} at 3a + c (c = x, y, z). Strains and stresses in
 * Voigt order [xx, yy, zz, yz, xz, xy] with engineering shears γ = 2ε:
 * \f[ \varepsilon = B\,u_e,\qquad
 *     B_a = \begin{bmatrix} N_{a,x}&0&0\\ 0&N_{a,y}&0\\ 0&0&N_{a,z}\\
 *                           0&N_{a,z}&N_{a,y}\\ N_{a,z}&0&N_{a,x}\\ N_{a,y}&N_{a,x}&0\end{bmatrix}. \f]
 * Isotropic Hooke's law \f$\sigma = C\varepsilon\f$,
 * \f[ C = \begin{bmatrix} \lambda+2\mu&\lambda&\lambda&&&\\ \lambda&\lambda+2\mu&\lambda&&&\\
 *        \lambda&\lambda&\lambda+2\mu&&&\\ &&&\mu&&\\ &&&&\mu&\\ &&&&&\mu \end{bmatrix},\quad
 *     \lambda = \frac{E\nu}{(1+\nu)(1-2\nu)},\quad \mu = \frac{E}{2(1+\nu)}. \f]
 * Element stiffness and the equivalent nodal forces of a uniform eigenstress
 * \f$-p\,I\f$ (the pressure p in a voxel holding Na pushing on its neighbours:
 * total stress \f$\sigma = C\varepsilon - p\,m\f$, m = [1,1,1,0,0,0]):
 * \f[ K_e = \int_{V_e} B^TCB\,dV,\qquad f_e = p\int_{V_e} B^T m\,dV
 *     \;\Big(f_{a,c} = p\!\int_{V_e}\!\partial_c N_a\,dV = p\,s_c\,\frac{V_e}{4h_c}\Big), \f]
 * both by 2×2×2 Gauss quadrature (exact for K_e on a rectangular box, whose
 * integrand is at most quadratic in each coordinate).
 *
 * Symbols: u displacement [m]; ε strain [-]; σ stress [Pa]; E Young's modulus [Pa];
 * ν Poisson's ratio [-]; λ, μ Lamé constants [Pa]; h voxel size [m];
 * p pressure [Pa]; K_e [N/m]; f_e [N].
 * Source: T. J. R. Hughes, The Finite Element Method (Prentice-Hall 1987; Dover
 * 2000), ch. 2 (elastostatics: B and D matrices in Voigt form, initial stresses
 * as \f$\int B^T\sigma_0\,dV\f$) and ch. 3 (isoparametric hexahedra, Gauss quadrature).
 */
#include <array>

namespace navox::physics {

struct HexElasticity {
  using Stiffness = std::array<double, 24 * 24>; ///< row-major K_e [N/m]
  using StrainMatrix = std::array<double, 6 * 24>; ///< row-major B [1/m]
  using Constitutive = std::array<double, 6 * 6>; ///< row-major C [Pa]
  using Nodal = std::array<double, 24>;           ///< u_{a,c} [m] or f_{a,c} [N] at 3a + c

  /// Isotropic C in Voigt form (engineering shear strains).
  static Constitutive constitutive(double youngs_modulus, double poisson_ratio);
  /// B at the reference point (ξ, η, ζ) ∈ [−1, 1]^3 (0, 0, 0: the element centre).
  static StrainMatrix strain_matrix(const std::array<double, 3>& h, double xi, double eta, double zeta);
  /// N_a at (ξ, η, ζ).
  static std::array<double, 8> shape(double xi, double eta, double zeta);
  /// K_e by 2×2×2 Gauss quadrature.
  static Stiffness stiffness(const std::array<double, 3>& h, double youngs_modulus, double poisson_ratio);
  /// f_e of the eigenstress −p I (outward for p > 0).
  static Nodal eigenstress_forces(const std::array<double, 3>& h, double pressure);
  /// σ = C B u_e at (ξ, η, ζ).
  static std::array<double, 6> stress(const Constitutive& c, const StrainMatrix& b, const Nodal& u);

  /// tr(σ)/3 [Pa] (negative in compression).
  static double hydrostatic(const std::array<double, 6>& s) { return (s[0] + s[1] + s[2]) / 3.0; }
  /// σ_vM = sqrt(((σxx−σyy)² + (σyy−σzz)² + (σzz−σxx)²)/2 + 3(τyz² + τxz² + τxy²)) [Pa].
  static double von_mises(const std::array<double, 6>& s);

  /// The 2-point Gauss abscissae ±1/√3 (weights 1).
  static constexpr double kGauss = 0.57735026918962576451;
};

} // namespace navox::physics
