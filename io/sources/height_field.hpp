#pragma once
/// A smooth random surface on the x-y plane of the voxel grid, for rough
/// interfaces and contact patches.
///
/// The field is a sum of Fourier modes periodic over the cell (wave vectors
/// k = 2 pi (m_x / L_x, m_y / L_y), integer m, up to the Nyquist limit of the
/// voxels), each with the amplitude of a Gaussian correlation
/// C(r) = exp(-r^2 / l^2), i.e. spectrum S(k) ~ exp(-k^2 l^2 / 4), and a
/// phase hashed from (seed, stream, m_x, m_y):
///     f(x, y) = sum_m exp(-|k_m|^2 l^2 / 8) cos(k_m . (x, y) + phi_m).
/// It is sampled at the voxel-column centres and normalised to zero mean and unit
/// RMS over them, so a surface with RMS height s is s f exactly (before voxels).
/// Every rank evaluates the whole nx x ny map (two dimensions only: small next
/// to a rank's 3-D block), so the map does not depend on the partition.
#include <cstdint>
#include <vector>

namespace navox::io {

/// Zero-mean, unit-RMS field at the column centres, x fastest (size nx * ny).
/// `correlation_length` [m] sets the lateral size of the bumps; spacing hx, hy [m].
/// Throws navox::Error if the cell admits no mode (a single column).
std::vector<double> smooth_height_field(std::int64_t nx, std::int64_t ny, double hx, double hy,
                                        double correlation_length, std::uint64_t seed, std::uint64_t stream);

} // namespace navox::io
