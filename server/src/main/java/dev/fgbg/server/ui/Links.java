package dev.fgbg.server.ui;

import dev.fgbg.core.dataset.Dataset;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URLs of the UI's pages and images, built in one place so every link encodes alike. */
final class Links {
  private Links() {}

  /** A path with query parameters given as name, value, name, value, …. */
  static String of(String path, Object... nameValues) {
    StringBuilder b = new StringBuilder(path);
    for (int i = 0; i < nameValues.length; i += 2) {
      b.append(i == 0 ? '?' : '&').append(nameValues[i]).append('=')
          .append(URLEncoder.encode(String.valueOf(nameValues[i + 1]), StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  /** The sample page of {@code index}. */
  static String sample(Dataset d, long seed, long index) {
    return of("/sample", "dataset", d.name(), "seed", Params.shown(seed), "index", index);
  }

  /** The grid of the samples whose {@code filter} factor is {@code value}. */
  static String grid(Dataset d, long seed, String filter, Object value) {
    return of("/grid", "dataset", d.name(), "seed", Params.shown(seed), filter, value);
  }

  /** The parameters of a sample's images, after {@code /img/FILE?}. */
  static String imageQuery(Dataset d, long seed) {
    return of("", "dataset", d.name(), "fingerprint", d.fingerprint(), "seed",
        Params.shown(seed)).substring(1);
  }

  /** The URL of one file of a sample. */
  static String image(SampleOutputs.Output o, Dataset d, long seed, long index) {
    return "/img/" + o.file() + "?" + imageQuery(d, seed) + "&index=" + index;
  }
}
