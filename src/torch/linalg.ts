// Linear algebra (torch.linalg and friends).
import { op, opMulti, Tensor } from './tensor.js';

export function matmul(a: Tensor, b: Tensor): Tensor {
  return op('aten::matmul', a, b);
}
export function bmm(a: Tensor, b: Tensor): Tensor {
  return op('aten::bmm', a, b);
}
/** beta·input + alpha·(m1 @ m2) */
export function addmm(input: Tensor, m1: Tensor, m2: Tensor, beta = 1, alpha = 1): Tensor {
  return op('aten::addmm', input, m1, m2, beta, alpha);
}
/** Einstein summation, e.g. einsum('bij,bjk->bik', a, b). */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  return op('aten::einsum', equation, operands);
}
export function outer(a: Tensor, b: Tensor): Tensor {
  return op('aten::outer', a, b);
}
/** A = U·diag(S)·Vh; reduced matrices unless fullMatrices. */
export function svd(a: Tensor, fullMatrices = false): { U: Tensor; S: Tensor; Vh: Tensor } {
  const [U, S, Vh] = opMulti('aten::linalg_svd', a, fullMatrices) as [Tensor, Tensor, Tensor];
  return { U, S, Vh };
}
export function qr(a: Tensor, mode: 'reduced' | 'complete' | 'r' = 'reduced'): { Q: Tensor; R: Tensor } {
  const [Q, R] = opMulti('aten::linalg_qr', a, mode) as [Tensor, Tensor];
  return { Q, R };
}
/** Eigen-decomposition of a symmetric matrix: ascending eigenvalues, eigenvectors in columns. */
export function eigh(a: Tensor, uplo: 'L' | 'U' = 'L'): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const [eigenvalues, eigenvectors] = opMulti('aten::linalg_eigh', a, uplo) as [Tensor, Tensor];
  return { eigenvalues, eigenvectors };
}
/** X with A·X = B. */
export function solve(a: Tensor, b: Tensor): Tensor {
  return op('aten::linalg_solve', a, b);
}
/** Least-squares solution X minimising |A·X − B| (gelsd driver: rank-deficient safe). */
export function lstsq(
  a: Tensor,
  b: Tensor,
  rcond?: number,
): { solution: Tensor; residuals: Tensor; rank: Tensor; singularValues: Tensor } {
  const [solution, residuals, rank, singularValues] = opMulti('aten::linalg_lstsq', a, b, rcond, 'gelsd') as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  return { solution, residuals, rank, singularValues };
}
export function pinv(a: Tensor, options: { atol?: number; rtol?: number; hermitian?: boolean } = {}): Tensor {
  return op('aten::linalg_pinv.atol_rtol_float', a, options.atol, options.rtol, options.hermitian ?? false);
}
export function det(a: Tensor): Tensor {
  return op('aten::linalg_det', a);
}
export function inv(a: Tensor): Tensor {
  return op('aten::linalg_inv', a);
}
/** Matrix norm ('fro' by default). */
export function matrixNorm(a: Tensor, ord: 'fro' | 'nuc' = 'fro'): Tensor {
  return op('aten::linalg_matrix_norm.str_ord', a, ord);
}
