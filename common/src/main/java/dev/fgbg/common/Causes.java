package dev.fgbg.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A throwable's cause chain: itself, its cause, that one's cause... The one walk of it, so that
 * each place asking "is there an X in there?" need not write its own loop. Throwable refuses
 * only itself as its own cause; a longer cycle (a library's initCause, a subclass's getCause)
 * would loop forever, so each throwable is visited once.
 */
public final class Causes {
  private Causes() {}

  /** {@code t} and its causes, outermost first, each once; empty for null. */
  public static List<Throwable> chain(Throwable t) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    List<Throwable> chain = new ArrayList<>();
    for (Throwable e = t; e != null && seen.add(e); e = e.getCause()) {
      chain.add(e);
    }
    return chain;
  }

  /** The outermost throwable of type {@code type} in {@code t}'s chain (t itself included). */
  public static <T> Optional<T> find(Throwable t, Class<T> type) {
    return chain(t).stream().filter(type::isInstance).map(type::cast).findFirst();
  }
}
