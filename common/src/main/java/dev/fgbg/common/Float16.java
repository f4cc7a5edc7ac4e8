package dev.fgbg.common;

/** IEEE 754 binary16 conversion (round to nearest, ties to even); Java 17 has none built in. */
public final class Float16 {
  private Float16() {}

  /**
   * The half-precision bits nearest to {@code f}. Branch-light (depth models' outputs go through
   * here, 50,176 values a map): float arithmetic does the rounding of subnormals, and an integer
   * add the rounding of normals.
   */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7fffffff;
    if (abs >= 0x47800000) {
      // 2^16 and beyond round to infinity; infinity stays; NaN keeps a quiet payload bit.
      return (short) (sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));
    }
    if (abs < 0x38800000) {
      // Below 2^-14 the half is subnormal (units of 2^-24): added to 0.5, whose float ulp is
      // 2^-24, the value is rounded to nearest even by the addition itself.
      float aligned = Float.intBitsToFloat(abs) + 0.5f;
      return (short) (sign | (Float.floatToRawIntBits(aligned) - 0x3f000000));
    }
    // Normal: rebias the exponent and round away the 13 low bits to nearest even (a tie goes up
    // only when the kept part is odd); a carry into the exponent is the right result.
    int rounded = abs - ((127 - 15) << 23) + 0xfff + ((abs >>> 13) & 1);
    return (short) (sign | (rounded >>> 13));
  }

  /** The float exactly equal to the half-precision {@code h}. */
  public static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float v = mant * 0x1.0p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }
}
