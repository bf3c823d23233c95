/**
 * Weighted ridge regression with an unpenalised intercept, in closed form — the local surrogate model of
 * LIME (Ribeiro, Singh & Guestrin 2016, "Why should I trust you?", Eq. 2; the reference implementation
 * fits `sklearn.linear_model.Ridge(alpha=1, fit_intercept=True)` with `sample_weight`).
 *
 * Minimises Σᵢ wᵢ (yᵢ − b − xᵢ·β)² + α‖β‖². With weighted means x̄, ȳ the solution is
 * β = (Xcᵀ W Xc + α I)⁻¹ Xcᵀ W yc and b = ȳ − x̄·β, solved by Cholesky (the matrix is symmetric positive
 * definite for α > 0).
 */

export interface RidgeFit {
  /** One coefficient per feature. */
  coef: Float64Array;
  intercept: number;
  /** Weighted coefficient of determination R² of the fit on the training samples (1 when y is constant). */
  r2: number;
}

/**
 * @param x row-major `n × m` design matrix (n samples, m features)
 * @param y `n` targets
 * @param w `n` non-negative sample weights (not all zero)
 * @param alpha ridge penalty ≥ 0 (α = 0 needs XcᵀWXc to be positive definite)
 * @throws {RangeError} for mismatched sizes, negative/zero-sum weights, or a singular system
 */
export function weightedRidge(x: ArrayLike<number>, n: number, m: number, y: ArrayLike<number>, w: ArrayLike<number>, alpha = 1): RidgeFit {
  if (x.length !== n * m || y.length !== n || w.length !== n) throw new RangeError('weightedRidge: size mismatch');
  if (!(alpha >= 0)) throw new RangeError('weightedRidge: alpha must be ≥ 0');
  let sw = 0;
  for (let i = 0; i < n; i++) {
    if (!(w[i]! >= 0)) throw new RangeError('weightedRidge: weights must be ≥ 0');
    sw += w[i]!;
  }
  if (!(sw > 0)) throw new RangeError('weightedRidge: weights sum to zero');
  const xm = new Float64Array(m);
  let ym = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]! / sw;
    ym += wi * y[i]!;
    for (let j = 0; j < m; j++) xm[j]! += wi * x[i * m + j]!;
  }
  const a = new Float64Array(m * m);
  const rhs = new Float64Array(m);
  const xc = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    if (wi === 0) continue;
    for (let j = 0; j < m; j++) xc[j] = x[i * m + j]! - xm[j]!;
    const yc = y[i]! - ym;
    for (let j = 0; j < m; j++) {
      const v = wi * xc[j]!;
      rhs[j]! += v * yc;
      for (let k = 0; k <= j; k++) a[j * m + k]! += v * xc[k]!;
    }
  }
  for (let j = 0; j < m; j++) {
    a[j * m + j]! += alpha;
    for (let k = 0; k < j; k++) a[k * m + j] = a[j * m + k]!;
  }
  const coef = choleskySolve(a, rhs, m);
  const intercept = ym - xm.reduce((s, v, j) => s + v * coef[j]!, 0);
  let ssRes = 0, ssTot = 0;
  for (let i = 0; i < n; i++) {
    let p = intercept;
    for (let j = 0; j < m; j++) p += x[i * m + j]! * coef[j]!;
    ssRes += w[i]! * (y[i]! - p) ** 2;
    ssTot += w[i]! * (y[i]! - ym) ** 2;
  }
  return { coef, intercept, r2: ssTot > 0 ? 1 - ssRes / ssTot : 1 };
}

/**
 * Solves A z = b for symmetric positive definite A (row-major m × m) by Cholesky A = L Lᵀ.
 * @throws {RangeError} when A is not positive definite
 */
export function choleskySolve(a: ArrayLike<number>, b: ArrayLike<number>, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j]!;
      for (let k = 0; k < j; k++) s -= l[i * m + k]! * l[j * m + k]!;
      if (i === j) {
        if (!(s > 0)) throw new RangeError('choleskySolve: matrix is not positive definite');
        l[i * m + i] = Math.sqrt(s);
      } else {
        l[i * m + j] = s / l[j * m + j]!;
      }
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * m + k]! * z[k]!;
    z[i] = s / l[i * m + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < m; k++) s -= l[k * m + i]! * z[k]!;
    z[i] = s / l[i * m + i]!;
  }
  return z;
}
