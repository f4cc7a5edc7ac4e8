package dev.fgbg.core.synth;

/**
 * Conjugate gradients, preconditioned by symmetric successive over-relaxation (SSOR), for the
 * discrete Poisson system of a pixel region: unknown i has {@code diag[i]} image neighbours, of
 * which those inside the region are {@code nbr[4i..4i+3]} (−1 for none); row i of A is
 * diag·f_i − Σ f_neighbour. A is symmetric positive definite when the region touches at least
 * one pixel outside it. Every sum and sweep runs over the unknowns in index order on the calling
 * thread, so the solution is the same bytes on every run and machine.
 */
final class PoissonSolver {
  /** The largest |b − A f| accepted, in intensity units (of 255). */
  static final double TOLERANCE = 1e-3;
  static final int MAX_ITERATIONS = 10_000;
  /** Restarts from the solution when the recurrence's residual has drifted from the true one. */
  private static final int RESTARTS = 3;
  /** The relaxation factor of the preconditioner's sweeps. */
  private static final double OMEGA = 1.9;

  private final int[] nbr;
  private final int[] diag;
  private final int n;
  private final double[] r;
  private final double[] z;
  private final double[] p;
  private final double[] ap;

  PoissonSolver(int[] nbr, int[] diag) {
    this.nbr = nbr;
    this.diag = diag;
    this.n = diag.length;
    this.r = new double[n];
    this.z = new double[n];
    this.p = new double[n];
    this.ap = new double[n];
  }

  /** How a solve ended: iterations run and the largest true residual left. */
  record Outcome(int iterations, double residual) {}

  /** Solves A f = b, starting from and overwriting {@code f}. */
  Outcome solve(double[] b, double[] f) {
    int iterations = 0;
    double residual = residual(b, f);
    for (int restart = 0; restart <= RESTARTS && residual > TOLERANCE
        && iterations < MAX_ITERATIONS; restart++) {
      precondition(r, z);
      System.arraycopy(z, 0, p, 0, n);
      double rz = dot(r, z);
      while (iterations < MAX_ITERATIONS && maxAbs(r) > TOLERANCE) {
        multiply(p, ap);
        double alpha = rz / dot(p, ap);
        for (int i = 0; i < n; i++) {
          f[i] += alpha * p[i];
          r[i] -= alpha * ap[i];
        }
        precondition(r, z);
        double next = dot(r, z);
        double beta = next / rz;
        rz = next;
        for (int i = 0; i < n; i++) {
          p[i] = z[i] + beta * p[i];
        }
        iterations++;
      }
      residual = residual(b, f);
    }
    return new Outcome(iterations, residual);
  }

  /**
   * out = M⁻¹ v for the SSOR preconditioner M = (D − ωL) D⁻¹ (D − ωU) / (ω(2 − ω)),
   * where −L and −U are A's neighbours before and after each unknown: a forward sweep, then a
   * backward.
   */
  private void precondition(double[] v, double[] out) {
    double scale = OMEGA * (2 - OMEGA);
    for (int i = 0; i < n; i++) {
      double s = scale * v[i];
      for (int k = 4 * i; k < 4 * i + 4; k++) {
        int j = nbr[k];
        if (j >= 0 && j < i) {
          s += OMEGA * out[j];
        }
      }
      out[i] = s / diag[i];
    }
    for (int i = n - 1; i >= 0; i--) {
      double s = diag[i] * out[i];
      for (int k = 4 * i; k < 4 * i + 4; k++) {
        int j = nbr[k];
        if (j > i) {
          s += OMEGA * out[j];
        }
      }
      out[i] = s / diag[i];
    }
  }

  /** r = b − A f; returns max |r|. */
  private double residual(double[] b, double[] f) {
    multiply(f, r);
    for (int i = 0; i < n; i++) {
      r[i] = b[i] - r[i];
    }
    return maxAbs(r);
  }

  private void multiply(double[] v, double[] out) {
    for (int i = 0; i < n; i++) {
      double s = diag[i] * v[i];
      for (int k = 4 * i; k < 4 * i + 4; k++) {
        if (nbr[k] >= 0) {
          s -= v[nbr[k]];
        }
      }
      out[i] = s;
    }
  }

  private double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private double maxAbs(double[] a) {
    double m = 0;
    for (int i = 0; i < n; i++) {
      m = Math.max(m, Math.abs(a[i]));
    }
    return m;
  }
}
