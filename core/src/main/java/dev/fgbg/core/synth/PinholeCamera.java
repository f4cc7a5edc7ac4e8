package dev.fgbg.core.synth;

/**
 * A pinhole camera with square pixels, by its horizontal field of view: an upright object of
 * real height H standing at depth Z is f·H/Z pixels tall, with f = (width / 2) / tan(fov / 2).
 */
public record PinholeCamera(int width, double fovDegrees) {

  /** The focal length in pixels ({@link StrictMath}, so the same on every machine). */
  public double focal() {
    return (width / 2.0) / StrictMath.tan(StrictMath.toRadians(fovDegrees) / 2);
  }

  /** Pixel height of an object {@code realHeight} tall at {@code depth} (same units). */
  public double pixelHeight(double realHeight, double depth) {
    return focal() * realHeight / depth;
  }

  /** The depth at which an object {@code realHeight} tall is {@code pixels} tall. */
  public double depthFor(double realHeight, double pixels) {
    return focal() * realHeight / pixels;
  }
}
