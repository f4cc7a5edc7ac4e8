package dev.fgbg.core.assets.builtin;

import dev.fgbg.core.assets.Foreground;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Procedural cut-outs of things that stand on a floor: people, dogs, cats, chairs, tables, plants,
 * lamps, bins, traffic cones and bicycles, each on a canvas whose bottom row is the ground.
 */
public final class BuiltinForegrounds {
  /** Foreground label names, by label code. */
  public static final List<String> LABELS = List.of("person", "dog", "cat", "chair", "table",
      "plant", "lamp", "bin", "cone", "bicycle");
  /** Real heights (metres) by label code, for depth-aware placement. */
  static final double[] REAL_HEIGHTS = {1.7, 0.6, 0.3, 0.9, 0.75, 0.9, 1.6, 0.9, 0.7, 1.0};
  /** Master height in pixels; samples are resampled from here. */
  static final int MASTER = 192;

  private static final int[] SKIN = {0xF1C27D, 0xE0AC69, 0xC68642, 0x8D5524, 0xFFDBAC, 0xA56B46};
  private static final int[] HAIR = {0x2C1B10, 0x4A3020, 0x8B5A2B, 0xD8B060, 0x1A1A1A, 0x9A9A9A};
  private static final int[] CLOTH = {0xC0392B, 0x2E86C1, 0x27AE60, 0xF1C40F, 0x8E44AD, 0x34495E,
      0xE67E22, 0xECF0F1, 0x16A085, 0x7F8C8D};
  private static final int[] FUR = {0x8B5A2B, 0xD2B48C, 0x2F2F2F, 0xF5F5F0, 0xA0522D, 0x777777};
  private static final int[] WOOD = {0xA0703C, 0x8B5A2B, 0xC08A50, 0x6E4A2A, 0xB58B5A, 0x505050};

  private BuiltinForegrounds() {}

  /** Draws foregrounds 0 to {@code count - 1}. */
  public static List<Foreground> create(int count) {
    Foreground[] out = new Foreground[count];
    IntStream.range(0, count).parallel().forEach(i -> out[i] = draw(i));
    return List.of(out);
  }

  private static Foreground draw(int index) {
    int kind = index % LABELS.size();
    WorldRandom r = new WorldRandom(5000 + index);
    Sprite s = switch (kind) {
      case 0 -> person(r);
      case 1 -> dog(r);
      case 2 -> cat(r);
      case 3 -> chair(r);
      case 4 -> table(r);
      case 5 -> plant(r);
      case 6 -> lamp(r);
      case 7 -> bin(r);
      case 8 -> cone(r);
      default -> bicycle(r);
    };
    String name = String.format("builtin_fg_%03d_%s", index, LABELS.get(kind));
    return new Foreground(name, kind, s.width(), s.height(), s.render(index),
        REAL_HEIGHTS[kind]);
  }

  private static int pick(WorldRandom r, int[] palette) {
    return palette[r.below(palette.length)];
  }

  private static Sprite person(WorldRandom r) {
    int h = MASTER;
    double build = r.range(0.85, 1.15);
    int w = (int) Math.round(h * 0.42 * build);
    Sprite s = new Sprite(w, h);
    double cx = w / 2.0;
    double headR = h * 0.065;
    double shoulderY = h * 0.2;
    double hipY = h * 0.52;
    double torsoW = h * 0.13 * build;
    int skin = pick(r, SKIN);
    int shirt = pick(r, CLOTH);
    int trousers = pick(r, new int[] {0x2C3E50, 0x1F2A44, 0x5D4037, 0x424242, 0x6D8299});
    double stride = r.range(0, h * 0.06);
    // legs and shoes
    s.capsule(cx - torsoW * 0.45, hipY, cx - torsoW * 0.45 - stride, h - 8, h * 0.035, trousers);
    s.capsule(cx + torsoW * 0.45, hipY, cx + torsoW * 0.45 + stride, h - 8, h * 0.035, trousers);
    s.ellipse(cx - torsoW * 0.45 - stride - 3, h - 5, h * 0.045, 5, 0x222222);
    s.ellipse(cx + torsoW * 0.45 + stride + 3, h - 5, h * 0.045, 5, 0x222222);
    // torso and arms
    double armSwing = r.range(-0.08, 0.08) * h;
    s.capsule(cx - torsoW - 2, shoulderY + 6, cx - torsoW - 6 + armSwing, hipY + h * 0.02,
        h * 0.028, shirt);
    s.capsule(cx + torsoW + 2, shoulderY + 6, cx + torsoW + 6 - armSwing, hipY + h * 0.02,
        h * 0.028, shirt);
    s.circle(cx - torsoW - 6 + armSwing, hipY + h * 0.04, h * 0.025, skin);
    s.circle(cx + torsoW + 6 - armSwing, hipY + h * 0.04, h * 0.025, skin);
    s.box(cx - torsoW, shoulderY, cx + torsoW, hipY + 4, h * 0.04, shirt);
    // neck, head, hair
    s.box(cx - h * 0.02, shoulderY - h * 0.04, cx + h * 0.02, shoulderY + 4, 2, skin);
    double headY = shoulderY - h * 0.04 - headR;
    s.circle(cx, headY, headR, skin);
    int hair = pick(r, HAIR);
    s.ellipse(cx, headY - headR * 0.45, headR * 1.05, headR * (r.chance(0.5) ? 0.65 : 0.8), hair);
    return s;
  }

  private static Sprite dog(WorldRandom r) {
    int h = MASTER;
    double len = r.range(1.2, 1.5);
    int w = (int) Math.round(h * len);
    Sprite s = new Sprite(w, h);
    int fur = pick(r, FUR);
    int dark = Colours.scale(fur, 0.6);
    double bodyY = h * 0.5;
    double bodyX0 = w * 0.15;
    double bodyX1 = w * 0.72;
    double legR = h * 0.05;
    s.capsule(bodyX0 - 2, bodyY - h * 0.05, bodyX0 - w * 0.12, bodyY - h * 0.32, h * 0.03,
        fur); // tail
    s.capsule(bodyX0 + legR * 2, bodyY, bodyX0 + legR * 2, h - legR, legR, dark);
    s.capsule(bodyX1 - legR * 2, bodyY, bodyX1 - legR * 2, h - legR, legR, dark);
    s.ellipse((bodyX0 + bodyX1) / 2, bodyY, (bodyX1 - bodyX0) / 2 + 6, h * 0.17, fur);
    s.capsule(bodyX0 + legR * 3.5, bodyY, bodyX0 + legR * 3.5, h - legR, legR, fur);
    s.capsule(bodyX1 - legR * 3.5, bodyY, bodyX1 - legR * 3.5, h - legR, legR, fur);
    double headX = w * 0.8;
    double headY = h * 0.26;
    s.capsule(bodyX1 - 6, bodyY - h * 0.05, headX - 6, headY + 6, h * 0.09, fur); // neck
    s.circle(headX, headY, h * 0.13, fur);
    s.ellipse(headX + h * 0.13, headY + h * 0.05, h * 0.09, h * 0.065, fur); // snout
    s.circle(headX + h * 0.21, headY + h * 0.03, h * 0.025, 0x111111); // nose
    s.ellipse(headX - h * 0.07, headY + h * 0.03, h * 0.05, h * 0.11, dark); // ear
    s.circle(headX + h * 0.04, headY - h * 0.03, h * 0.018, 0x111111); // eye
    return s;
  }

  private static Sprite cat(WorldRandom r) {
    int h = MASTER;
    int w = (int) Math.round(h * r.range(0.7, 0.85));
    Sprite s = new Sprite(w, h);
    int fur = pick(r, FUR);
    double cx = w * 0.45;
    s.capsule(cx + w * 0.2, h - 10, w - 12, h * 0.45, h * 0.035, fur); // tail
    s.ellipse(cx, h * 0.7, w * 0.3, h * 0.3, fur); // sitting body
    s.ellipse(cx - w * 0.12, h - 7, w * 0.09, 7, Colours.scale(fur, 0.85)); // paws
    s.ellipse(cx + w * 0.08, h - 7, w * 0.09, 7, Colours.scale(fur, 0.85));
    double headY = h * 0.28;
    double headR = h * 0.15;
    s.polygon(new double[] {cx - headR, cx - headR * 0.75, cx - headR * 0.2},
        new double[] {headY - headR * 0.3, headY - headR * 1.45, headY - headR * 0.8}, fur);
    s.polygon(new double[] {cx + headR * 0.2, cx + headR * 0.75, cx + headR},
        new double[] {headY - headR * 0.8, headY - headR * 1.45, headY - headR * 0.3}, fur);
    s.circle(cx, headY, headR, fur);
    int eye = r.chance(0.5) ? 0x5DAA3C : 0xD4A017;
    s.ellipse(cx - headR * 0.4, headY - headR * 0.1, headR * 0.14, headR * 0.2, eye);
    s.ellipse(cx + headR * 0.4, headY - headR * 0.1, headR * 0.14, headR * 0.2, eye);
    s.circle(cx, headY + headR * 0.3, headR * 0.1, 0xD08080);
    return s;
  }

  private static Sprite chair(WorldRandom r) {
    int h = MASTER;
    int w = (int) Math.round(h * r.range(0.5, 0.65));
    Sprite s = new Sprite(w, h);
    int c = pick(r, WOOD);
    int seat = r.chance(0.5) ? c : pick(r, CLOTH);
    double seatY = h * r.range(0.5, 0.58);
    double leg = w * 0.06;
    s.box(4, 2, 4 + leg * 1.6, seatY, leg * 0.5, c); // back post
    s.box(4, h * 0.06, w * 0.55, h * 0.3, 6, seat); // backrest
    s.box(4, seatY, 4 + leg, h, 2, c);
    s.box(w - 4 - leg, seatY, w - 4, h, 2, c);
    s.box(w * 0.35, seatY, w * 0.35 + leg, h - 6, 2, Colours.scale(c, 0.7));
    s.box(2, seatY - h * 0.05, w - 2, seatY + h * 0.03, 4, seat);
    return s;
  }

  private static Sprite table(WorldRandom r) {
    int h = MASTER;
    int w = (int) Math.round(h * r.range(1.2, 1.55));
    Sprite s = new Sprite(w, h);
    int c = pick(r, WOOD);
    double topY = h * r.range(0.3, 0.42);
    double leg = w * 0.04;
    s.box(w * 0.08, topY, w * 0.08 + leg, h, 2, Colours.scale(c, 0.75));
    s.box(w * 0.92 - leg, topY, w * 0.92, h, 2, Colours.scale(c, 0.75));
    s.box(leg, topY, leg * 2, h, 2, c);
    s.box(w - leg * 2, topY, w - leg, h, 2, c);
    s.box(0, topY - h * 0.05, w, topY + h * 0.03, 3, c);
    // something on it: a vase with flowers, or a stack of books
    if (r.chance(0.5)) {
      double vx = w * r.range(0.3, 0.7);
      s.box(vx - h * 0.04, topY - h * 0.2, vx + h * 0.04, topY - h * 0.05, 6, pick(r, CLOTH));
      s.circle(vx - 8, 10 + h * 0.02, 9, 0xE74C3C);
      s.circle(vx + 8, 14 + h * 0.02, 9, 0xF1C40F);
      s.circle(vx, 6, 6, 0xFFFFFF);
      s.capsule(vx, topY - h * 0.2, vx - 8, 14, 1.5, 0x2E7D32);
      s.capsule(vx, topY - h * 0.2, vx + 8, 18, 1.5, 0x2E7D32);
    } else {
      double bx = w * r.range(0.2, 0.6);
      for (int k = 0; k < 3; k++) {
        double y1 = topY - h * 0.05 - k * h * 0.05;
        s.box(bx + k * 3, y1 - h * 0.05, bx + w * 0.25 - k * 4, y1, 2, pick(r, CLOTH));
      }
    }
    return s;
  }

  private static Sprite plant(WorldRandom r) {
    int h = MASTER;
    int w = (int) Math.round(h * r.range(0.6, 0.8));
    Sprite s = new Sprite(w, h);
    double cx = w / 2.0;
    double potTop = h * 0.68;
    int pot = r.chance(0.6) ? 0xC1663A : pick(r, CLOTH);
    int leaves = 9 + r.below(6);
    int[] greens = {0x2E7D32, 0x388E3C, 0x43A047, 0x1B5E20, 0x66BB6A};
    for (int i = 0; i < leaves; i++) {
      double ang = StrictMath.toRadians(r.range(-75, 75));
      double len = r.range(0.35, 0.62) * h;
      double ex = cx + StrictMath.sin(ang) * len * 0.75;
      double ey = potTop - StrictMath.cos(ang) * len;
      ex = Math.max(12, Math.min(w - 12, ex));
      ey = Math.max(12, ey);
      s.capsule(cx, potTop, ex, ey, 2, 0x2E5E20);
      s.ellipse(ex, ey, r.range(8, 14), r.range(12, 20), greens[r.below(greens.length)]);
    }
    s.polygon(new double[] {cx - w * 0.3, cx + w * 0.3, cx + w * 0.22, cx - w * 0.22},
        new double[] {potTop, potTop, h, h}, pot);
    s.box(cx - w * 0.33, potTop - 4, cx + w * 0.33, potTop + 8, 3, Colours.scale(pot, 0.85));
    return s;
  }

  private static Sprite lamp(WorldRandom r) {
    int h = MASTER;
    int w = (int) Math.round(h * r.range(0.4, 0.5));
    Sprite s = new Sprite(w, h);
    double cx = w / 2.0;
    int metal = r.chance(0.5) ? 0x2F2F2F : 0xB8B8B8;
    int shade = pick(r, new int[] {0xF5E6C8, 0xFFFFFF, 0xE8C170, 0xB03A2E, 0x2E4053});
    s.ellipse(cx, h - 6, w * 0.3, 6, metal);
    s.capsule(cx, h - 8, cx, h * 0.25, 3, metal);
    s.polygon(new double[] {cx - w * 0.22, cx + w * 0.22, cx + w * 0.48, cx - w * 0.48},
        new double[] {2, 2, h * 0.3, h * 0.3}, shade);
    return s;
  }

  private static Sprite bin(WorldRandom r) {
    int h = MASTER;
    int w = (int) Math.round(h * r.range(0.5, 0.62));
    Sprite s = new Sprite(w, h);
    int c = pick(r, new int[] {0x1E8449, 0x2471A3, 0x7F8C8D, 0xB9770E, 0x212F3D});
    s.polygon(new double[] {4, w - 4, w - 10, 10}, new double[] {h * 0.08, h * 0.08, h, h}, c);
    for (int k = 1; k <= 3; k++) {
      double y = h * (0.08 + k * 0.22);
      s.box(8, y - 2, w - 8, y + 2, 1, Colours.scale(c, 0.75));
    }
    s.box(0, 0, w, h * 0.1, 5, Colours.scale(c, 0.85));
    s.box(w / 2.0 - 12, 0, w / 2.0 + 12, 6, 3, 0x333333);
    return s;
  }

  private static Sprite cone(WorldRandom r) {
    int h = MASTER;
    int w = (int) Math.round(h * r.range(0.55, 0.65));
    Sprite s = new Sprite(w, h);
    double cx = w / 2.0;
    s.box(0, h - 12, w, h, 3, 0x222222);
    s.polygon(new double[] {cx - 8, cx + 8, cx + w * 0.38, cx - w * 0.38},
        new double[] {4, 4, h - 10, h - 10}, 0xF05A1A);
    for (double t : new double[] {0.35, 0.62}) {
      double y0 = h * t;
      double y1 = y0 + h * 0.1;
      double half0 = 8 + (w * 0.38 - 8) * (y0 - 4) / (h - 14);
      double half1 = 8 + (w * 0.38 - 8) * (y1 - 4) / (h - 14);
      s.polygon(new double[] {cx - half0, cx + half0, cx + half1, cx - half1},
          new double[] {y0, y0, y1, y1}, 0xF4F4F4);
    }
    return s;
  }

  private static Sprite bicycle(WorldRandom r) {
    int h = MASTER;
    int w = (int) Math.round(h * r.range(1.45, 1.6));
    Sprite s = new Sprite(w, h);
    int frame = pick(r, CLOTH);
    double wheelR = h * 0.3;
    double y = h - wheelR - 3.5;
    double rear = wheelR + 4;
    double front = w - wheelR - 4;
    s.ring(rear, y, wheelR, 7, 0x1C1C1C);
    s.ring(front, y, wheelR, 7, 0x1C1C1C);
    s.circle(rear, y, 4, 0x888888);
    s.circle(front, y, 4, 0x888888);
    double crankX = rear + (front - rear) * 0.42;
    double seatX = rear + (front - rear) * 0.32;
    double seatY = h * 0.22;
    double headX = rear + (front - rear) * 0.82;
    double headY = h * 0.25;
    s.capsule(rear, y, crankX, y, 3.5, frame);
    s.capsule(rear, y, seatX, seatY + 10, 3.5, frame);
    s.capsule(crankX, y, seatX, seatY + 10, 4, frame);
    s.capsule(seatX + 4, seatY + 14, headX, headY + 14, 4, frame);
    s.capsule(crankX, y, headX, headY + 14, 4, frame);
    s.capsule(headX, headY + 6, front, y, 3.5, frame);
    s.ellipse(seatX, seatY + 4, 16, 5, 0x222222);
    s.capsule(headX - 6, headY - 6, headX + 12, headY - 4, 3, 0x333333);
    s.circle(crankX, y, 9, 0x555555);
    return s;
  }
}
