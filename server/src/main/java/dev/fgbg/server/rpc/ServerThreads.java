package dev.fgbg.server.rpc;

import dev.fgbg.core.concurrent.NamedThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The threads a server runs its own calls and timers on, beside the render workers it shares:
 * made by the composition root and handed to {@link FgbgServer}, whose stop ends them, since they
 * serve its calls only.
 *
 * @param exports the export calls, one thread each while it runs
 * @param stats the Stats calls, one thread each while it runs
 * @param rings polls shared-memory slots still held by their clients
 * @param replies checks for GetSamples replies left unread and for refusals held back
 * @param reloads reads the token and TLS files for changes: its own thread, as a slow file
 *     system must not hold up the reply checks; it starts with the first watch
 */
public record ServerThreads(ExecutorService exports, ExecutorService stats,
    ScheduledExecutorService rings, ScheduledExecutorService replies,
    ScheduledExecutorService reloads) {

  /** Pools named as thread dumps and the stop line show them. */
  public static ServerThreads named() {
    return new ServerThreads(Executors.newCachedThreadPool(new NamedThreads("fgbg-export")),
        Executors.newCachedThreadPool(new NamedThreads("fgbg-stats")),
        Executors.newSingleThreadScheduledExecutor(new NamedThreads("fgbg-ring")),
        Executors.newSingleThreadScheduledExecutor(new NamedThreads("fgbg-replies")),
        Executors.newSingleThreadScheduledExecutor(new NamedThreads("fgbg-reload")));
  }
}
