package dev.fgbg.server.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fgbg.core.TestDatasets;
import dev.fgbg.core.load.MemoryBudget;
import dev.fgbg.server.LoopbackClient;
import dev.fgbg.server.TestServer;
import dev.fgbg.v1.FgbgGrpc;
import dev.fgbg.v1.SampleBatch;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Many connections send GetSamples and never read a reply (a flood, or stopped processes),
 * their first replies alone more than the memory budget holds (beyond the cap on all replies,
 * each connection may always have one), so that the budget stays full and
 * calls queue for it. A newcomer's GetSamples is still answered promptly: the flood's replies go
 * unread past the limit while it waits, so the flood's calls are ended (their streams reset, the
 * calls still queued told why) and their bytes come back though the flood stays connected; the
 * newcomer, which waited behind at most one reply per flood connection, is served from them.
 */
class UnreadRepliesEndedTest {
  private static final long BUDGET = 64L << 20;
  private static final int CONNECTIONS = 14;
  private static final int CALLS = 3;
  private static final long LIMIT_MS = 1500;

  @Test
  void aNewcomerIsServedWhileConnectionsThatNeverReadFillTheBudget() throws Exception {
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(BUDGET)
        .unreadReply(Duration.ofMillis(LIMIT_MS)).build();
    List<LoopbackClient> flood = new ArrayList<>();
    Map<Status.Code, Integer> ended = new ConcurrentHashMap<>();
    Map<String, Integer> said = new ConcurrentHashMap<>();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient good = new LoopbackClient(s.server().port())) {
      MemoryBudget budget = s.server().budget();
      for (int c = 0; c < CONNECTIONS; c++) {
        LoopbackClient bad = new LoopbackClient(s.server().port(), 64 << 10);
        flood.add(bad);
        for (int i = 0; i < CALLS; i++) {
          UnreadRepliesTest.neverRead(bad, UnreadRepliesTest.twenty(100 * c + 20 * i),
              status -> {
            ended.merge(status.getCode(), 1, Integer::sum);
            if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
              said.merge(status.getDescription(), 1, Integer::sum);
            }
          });
        }
      }
      assertTrue(UnreadRepliesTest.poll(() -> budget.waiting() > 0, Duration.ofSeconds(60)),
          () -> "the flood fills the budget and calls queue for it: " + budget.used()
              + " bytes held");

      long start = System.nanoTime();
      SampleBatch reply = FgbgGrpc.newBlockingStub(good.channel())
          .withDeadlineAfter(60, TimeUnit.SECONDS).getSamples(UnreadRepliesTest.twenty(5000));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(20, reply.getIndicesCount());
      assertTrue(waited < LIMIT_MS + 15_000, "the newcomer waited " + waited + " ms");

      // Those still queued hear why; those in the transport are reset, and their bytes come
      // back while the flood's connections stay open (their client never hears of it: a reset
      // waits behind the messages it has not read).
      assertTrue(UnreadRepliesTest.poll(() -> ended.getOrDefault(
          Status.Code.RESOURCE_EXHAUSTED, 0) > 0, Duration.ofSeconds(30)),
          () -> "flood calls ended: " + ended);
      assertTrue(said.keySet().stream().allMatch(m -> m.startsWith(
          "GetSamples reply not read within 1.5 s while other calls waited for the server's "
              + "memory: the server ended this connection's ")), () -> "why: " + said);
      // Connections are ended only while someone waits for memory: one whose replies reached
      // the transport after the newcomer (the last to wait) was served would keep them, as on
      // one core, where the flood's replies come slowly. So the test waits for the whole
      // budget: every connection that does not read is ended, and the test gets the budget once
      // the flood holds none of it, its connections still open.
      CompletableFuture<Void> whole = budget.acquire(BUDGET);
      try {
        whole.get(30, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        whole.cancel(false);
        throw new AssertionError("the flood's calls were ended, yet " + budget.used()
            + " bytes are held", e);
      }
      budget.release(BUDGET);
      flood.forEach(LoopbackClient::release); // while the server that would end them is up
    } finally {
      for (LoopbackClient bad : flood) {
        bad.close();
      }
    }
  }
}
