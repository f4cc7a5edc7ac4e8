package dev.fgbg.core.dataset;

import dev.fgbg.core.FgbgException;
import dev.fgbg.core.Nearest;
import dev.fgbg.core.Quoted;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The datasets a server holds, by name; immutable once built. */
public final class DatasetRegistry {
  private final Map<String, Dataset> byName;

  public DatasetRegistry(Collection<Dataset> datasets) {
    Map<String, Dataset> m = new LinkedHashMap<>();
    for (Dataset d : datasets) {
      if (m.put(d.name(), d) != null) {
        throw FgbgException.invalidConfig("dataset name '" + d.name() + "' is used twice"
            + (d.name().equals("folder") ? " (a folder dataset without a name is called "
                + "'folder': give each its own name)" : ""));
      }
    }
    this.byName = Collections.unmodifiableMap(m);
  }

  /**
   * The dataset called {@code name}; NOT_FOUND naming the nearest names (a typo) and the known
   * ones otherwise.
   */
  public Dataset get(String name) {
    if (name == null || name.isEmpty()) {
      throw FgbgException.invalidArgument("dataset name is empty; known datasets: "
          + byName.keySet());
    }
    Dataset d = byName.get(name);
    if (d == null) {
      List<String> meant = Nearest.of(name, byName.keySet());
      throw FgbgException.notFound("unknown dataset " + Quoted.of(name) + (meant.isEmpty() ? ""
          : meant.stream().map(Quoted::of).collect(Collectors.joining(" or ",
              " (did you mean ", "?)"))) + "; known datasets: " + byName.keySet());
    }
    return d;
  }

  public Collection<Dataset> all() {
    return byName.values();
  }
}
