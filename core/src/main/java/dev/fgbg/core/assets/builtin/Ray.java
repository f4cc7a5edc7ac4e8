package dev.fgbg.core.assets.builtin;

/** A ray from (ox, oy, oz) along (dx, dy, dz); the direction need not be unit length. */
record Ray(double ox, double oy, double oz, double dx, double dy, double dz) {}
