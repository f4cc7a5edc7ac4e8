package dev.fgbg.server.ui;

import dev.fgbg.core.Quoted;
import dev.fgbg.core.dataset.Dataset;
import dev.fgbg.core.dataset.DatasetRegistry;
import dev.fgbg.core.render.RenderedBatch;
import java.util.Set;

/**
 * {@code /img/FILE?dataset=…&fingerprint=…&seed=…&index=…}: one file of one sample, encoded
 * on request from the sample cache. The URL names the dataset's fingerprint, so what it answers
 * never changes: the reply is cached by the browser for good (immutable), its ETag answers a
 * revalidation with 304 without rendering, and a URL of an older fingerprint is a 404.
 */
final class Images {
  static final Set<String> PARAMS = Set.of("dataset", "fingerprint", "seed", "index");
  static final String FOREVER = "private, max-age=31536000, immutable";

  private final DatasetRegistry registry;
  private final SampleCache cache;

  Images(DatasetRegistry registry, SampleCache cache) {
    this.registry = registry;
    this.cache = cache;
  }

  Reply serve(Request r, SampleOutputs.Output o) {
    Query q = r.query().allow(PARAMS);
    Dataset d = Params.dataset(q, registry);
    String fingerprint = q.required("fingerprint");
    if (!fingerprint.equals(d.fingerprint())) {
      throw HttpFailure.notFound("dataset " + Quoted.of(d.name()) + " has fingerprint "
          + d.fingerprint() + " now, not the one in this URL; reload the page");
    }
    if (!o.has().test(d)) {
      throw HttpFailure.notFound("dataset " + Quoted.of(d.name()) + " has no " + o.title()
          + " (depth source: " + d.depthSource() + ")");
    }
    long seed = Params.seed(q);
    long index = Params.index(q, d);
    String etag = "\"" + fingerprint.substring(0, Math.min(16, fingerprint.length())) + "-"
        + Params.shown(seed) + "-" + index + "-" + o.file() + "\"";
    if (etag.equals(r.headers().getFirst("If-None-Match"))) {
      return Reply.bytes(304, o.type(), new byte[0]).header("ETag", etag)
          .header("Cache-Control", FOREVER);
    }
    RenderedBatch one = cache.get(d, seed, index, SampleOutputs.needsDepth(o)).join();
    return Reply.bytes(200, o.type(), o.encoder().encode(d, one)).header("ETag", etag)
        .header("Cache-Control", FOREVER)
        .header("Content-Disposition", "inline; filename=\"" + fileName(d, index, o) + "\"");
  }

  /** {@code name-index-file}, with anything but letters, digits, '.', '-' and '_' as '_'. */
  static String fileName(Dataset d, long index, SampleOutputs.Output o) {
    return (d.name() + "-" + index + "-" + o.file()).replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
