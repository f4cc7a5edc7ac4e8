package dev.fgbg.core.assets.builtin;

/**
 * The first surface a ray meets.
 *
 * @param t the ray parameter of the hit point (the depth, for camera rays)
 * @param surface what was hit
 * @param index the position of the box, sphere or cylinder in its scene list; -1 for the room,
 *     the ground and the sky
 * @param axis the axis the face's normal lies along, for the room, the ground and boxes; null
 *     for curved surfaces and the sky
 */
record Hit(double t, Surface surface, int index, Axis axis) {}
