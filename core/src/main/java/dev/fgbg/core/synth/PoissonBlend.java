package dev.fgbg.core.synth;

/**
 * Gradient-domain (Poisson) pasting: over the cut-out's mask pixels inside the image, the solution
 * f has the cut-out's gradients, Σ_q (f_p − f_q) = Σ_q (g_p − g_q) over the neighbours q
 * inside the mask, while neighbours outside it hold the canvas, f_q = canvas_q (the boundary
 * condition; at the image edge a pixel simply has fewer neighbours). Solved per channel by
 * {@link PoissonSolver} to {@link PoissonSolver#TOLERANCE}. Written is g + w·(f − g), rounded,
 * with w the {@link PoissonBand} weight: f itself on the mask's edge (the seam as smooth as
 * plain Poisson cloning), the cut-out's own colour beyond the band, where plain cloning would
 * have put the canvas's membrane (a flat object would vanish). Pixels outside the mask are
 * untouched.
 */
public final class PoissonBlend {
  /**
   * In the fingerprints of datasets that blend so: a change of its bytes gets a new one (none:
   * plain cloning; edge-band/1: the band at least 3 px; edge-band/2: at most a quarter in).
   */
  public static final String VERSION = "edge-band/2";
  private static final int[] DX = {-1, 1, 0, 0};
  private static final int[] DY = {0, 0, -1, 1};

  private PoissonBlend() {}

  /**
   * The solved region: image pixel index (y·width + x) of each unknown, its three channel values
   * f (unrounded, {@code values[3i + c]}), the weight w of its correction, and the worst
   * channel's outcome. No unknowns when the mask has no pixel in the image or no neighbour
   * outside it.
   */
  public record Solution(int[] pixels, double[] values, double[] weights, int iterations,
      double residual) {}

  /** Pastes {@code rgba} (fw×fh as placed, top-left at (x, y)) into the image at {@code off}. */
  public static Solution paint(byte[] img, int off, int width, int height, byte[] rgba, int fw,
      int fh, int x, int y, int threshold) {
    Solution s = solve(img, off, width, height, rgba, fw, fh, x, y, threshold);
    if (s.pixels().length == 0) {
      // Nothing to hold the boundary (the mask covers the image): paste it as it is.
      Compositor.paint(img, off, width, height, rgba, fw, fh, false, x, y);
      return s;
    }
    for (int i = 0; i < s.pixels().length; i++) {
      int p = s.pixels()[i];
      int d = off + p * 3;
      int g = ((p / width - y) * fw + p % width - x) * 4;
      for (int c = 0; c < 3; c++) {
        int own = rgba[g + c] & 0xff;
        double v = own + s.weights()[i] * (s.values()[3 * i + c] - own);
        img[d + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
      }
    }
    return s;
  }

  /** The solution {@link #paint} writes, without writing it. */
  public static Solution solve(byte[] img, int off, int width, int height, byte[] rgba, int fw,
      int fh, int x, int y, int threshold) {
    int[] index = new int[fw * fh];
    int n = 0;
    for (int fy = 0; fy < fh; fy++) {
      for (int fx = 0; fx < fw; fx++) {
        int ix = x + fx;
        int iy = y + fy;
        boolean in = ix >= 0 && iy >= 0 && ix < width && iy < height
            && (rgba[(fy * fw + fx) * 4 + 3] & 0xff) >= threshold;
        index[fy * fw + fx] = in ? n++ : -1;
      }
    }
    int[] pixels = new int[n];
    int[] diag = new int[n];
    int[] nbr = new int[4 * n];
    // b = Σ over inside neighbours (g_p − g_q) + Σ over outside neighbours canvas_q.
    double[] b = new double[3 * n];
    double[] edge = new double[3];
    long edges = 0;
    for (int fy = 0; fy < fh; fy++) {
      for (int fx = 0; fx < fw; fx++) {
        int i = index[fy * fw + fx];
        if (i < 0) {
          continue;
        }
        pixels[i] = (y + fy) * width + x + fx;
        int g = (fy * fw + fx) * 4;
        for (int k = 0; k < 4; k++) {
          int qx = fx + DX[k];
          int qy = fy + DY[k];
          int ix = x + qx;
          int iy = y + qy;
          nbr[4 * i + k] = -1;
          if (ix < 0 || iy < 0 || ix >= width || iy >= height) {
            continue;
          }
          diag[i]++;
          int j = qx >= 0 && qy >= 0 && qx < fw && qy < fh ? index[qy * fw + qx] : -1;
          if (j >= 0) {
            nbr[4 * i + k] = j;
            int h = (qy * fw + qx) * 4;
            for (int c = 0; c < 3; c++) {
              b[3 * i + c] += (rgba[g + c] & 0xff) - (rgba[h + c] & 0xff);
            }
          } else {
            int q = off + (iy * width + ix) * 3;
            for (int c = 0; c < 3; c++) {
              b[3 * i + c] += img[q + c] & 0xff;
              edge[c] += (img[q + c] & 0xff) - (rgba[g + c] & 0xff);
            }
            edges++;
          }
        }
      }
    }
    if (edges == 0) {
      return new Solution(new int[0], new double[0], new double[0], 0, 0);
    }
    PoissonSolver solver = new PoissonSolver(nbr, diag);
    double[] values = new double[3 * n];
    double[] bc = new double[n];
    double[] f = new double[n];
    int iterations = 0;
    double residual = 0;
    for (int c = 0; c < 3; c++) {
      // Start from the cut-out shifted by the mean step across its edge: close to the answer.
      double shift = edge[c] / edges;
      for (int i = 0; i < n; i++) {
        bc[i] = b[3 * i + c];
        int p = pixels[i];
        int fx = p % width - x;
        int fy = p / width - y;
        f[i] = (rgba[(fy * fw + fx) * 4 + c] & 0xff) + shift;
      }
      PoissonSolver.Outcome o = solver.solve(bc, f);
      iterations = Math.max(iterations, o.iterations());
      residual = Math.max(residual, o.residual());
      for (int i = 0; i < n; i++) {
        values[3 * i + c] = f[i];
      }
    }
    double[] weights = PoissonBand.weights(index, n, fw, fh, x, y, width, height);
    return new Solution(pixels, values, weights, iterations, residual);
  }
}
