// Point-block Jacobi on packed symmetric float blocks (symmetric_block_jacobi.hpp). The
// callback calls PETSc and arithmetic only: nothing in it throws.
#include "solver/mechanics/symmetric_block_jacobi.hpp"

namespace navox {

bool invert_symmetric_3x3(const double m[9], float out[6]) {
  const double c00 = m[4] * m[8] - m[5] * m[7], c01 = m[5] * m[6] - m[3] * m[8], c02 = m[3] * m[7] - m[4] * m[6];
  const double det = m[0] * c00 + m[1] * c01 + m[2] * c02;
  if (!(det > 0)) return false;
  out[0] = float(c00 / det);
  out[1] = float(c01 / det);
  out[2] = float(c02 / det);
  out[3] = float((m[0] * m[8] - m[2] * m[6]) / det);
  out[4] = float((m[2] * m[3] - m[0] * m[5]) / det);
  out[5] = float((m[0] * m[4] - m[1] * m[3]) / det);
  return true;
}

PetscErrorCode unpack_symmetric_blocks(const DistinctSets& packed, std::vector<double>& unpacked,
                                       const PetscScalar** values) {
  PetscFunctionBeginUser;
  const std::size_t nodes = packed.nodes();
  try {
    unpacked.resize(9 * nodes);
  } catch (...) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_MEM, "the unpacked point blocks");
  }
  for (std::size_t node = 0; node < nodes; ++node) {
    const float* p = packed.of(node);
    double* out = &unpacked[9 * node];
    out[0] = p[0];
    out[1] = out[3] = p[1];
    out[2] = out[6] = p[2];
    out[4] = p[3];
    out[5] = out[7] = p[4];
    out[8] = p[5];
  }
  *values = unpacked.data();
  PetscFunctionReturn(0);
}

namespace {

PetscErrorCode apply(PC pc, Vec x, Vec y) {
  PetscFunctionBeginUser;
  void* context = nullptr;
  PetscCall(PCShellGetContext(pc, &context));
  const DistinctSets* blocks = static_cast<const DistinctSets*>(context);
  const float* sets = blocks->values.data();
  const std::uint32_t* index = blocks->index.data();
  PetscInt n = 0;
  PetscCall(VecGetLocalSize(x, &n));
  const PetscScalar* xv = nullptr;
  PetscScalar* yv = nullptr;
  PetscCall(VecGetArrayRead(x, &xv));
  PetscCall(VecGetArrayWrite(y, &yv));
  for (PetscInt node = 0; node < n / 3; ++node) {
    const float* b = sets + 6 * std::size_t(index[node]);
    const PetscScalar* xn = xv + 3 * node;
    PetscScalar* yn = yv + 3 * node;
    const double x0 = xn[0], x1 = xn[1], x2 = xn[2];
    yn[0] = double(b[0]) * x0 + double(b[1]) * x1 + double(b[2]) * x2;
    yn[1] = double(b[1]) * x0 + double(b[3]) * x1 + double(b[4]) * x2;
    yn[2] = double(b[2]) * x0 + double(b[4]) * x1 + double(b[5]) * x2;
  }
  PetscCall(VecRestoreArrayWrite(y, &yv));
  PetscCall(VecRestoreArrayRead(x, &xv));
  PetscFunctionReturn(0);
}

} // namespace

PetscErrorCode set_symmetric_block_jacobi(PC pc, const DistinctSets* inverse) {
  PetscFunctionBeginUser;
  PetscCall(PCSetType(pc, PCSHELL));
  PetscCall(PCShellSetContext(pc, const_cast<DistinctSets*>(inverse)));
  PetscCall(PCShellSetApply(pc, apply));
  PetscCall(PCShellSetName(pc, "point-block Jacobi, symmetric float blocks (navox)"));
  PetscFunctionReturn(0);
}

} // namespace navox
