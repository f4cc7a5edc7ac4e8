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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Four connections send many GetSamples and never read a reply, on a budget of exactly twelve
 * replies. Their unread replies together hold at most half of it (and a first reply of each
 * connection beyond), so another client's GetSamples is answered while they still hold theirs,
 * none of their calls ended: the unread-reply rule (a minute here) is a backstop, not what a
 * good client waits for. (With a quarter of the budget per connection they held all of it, and
 * the good client waited until they were ended.)
 */
class UnreadRepliesCapTest {
  private static final int CONNECTIONS = 4;
  private static final int CALLS = 16;

  @Test
  void aGoodClientIsServedWhileConnectionsThatNeverReadHoldTheirReplies() throws Exception {
    long reply = replyCharge();
    long budgetBytes = 12 * reply;
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(budgetBytes)
        .unreadReply(Duration.ofSeconds(60)).build();
    List<LoopbackClient> flood = new ArrayList<>();
    AtomicInteger ended = new AtomicInteger();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient good = new LoopbackClient(s.server().port())) {
      MemoryBudget budget = s.server().budget();
      AtomicInteger renders = new AtomicInteger();
      s.server().stats().onRender((method, nanos) -> renders.incrementAndGet());
      for (int c = 0; c < CONNECTIONS; c++) {
        LoopbackClient bad = new LoopbackClient(s.server().port(), 64 << 10);
        flood.add(bad);
        for (int i = 0; i < CALLS; i++) {
          UnreadRepliesTest.neverRead(bad, UnreadRepliesTest.twenty(100 * c + 20 * i),
              status -> ended.incrementAndGet());
        }
      }
      // The flood holds what it will: at least a reply per connection, and no more renders.
      int before = -1;
      for (int t = 0; t < 60 && (renders.get() < CONNECTIONS || renders.get() != before); t++) {
        before = renders.get();
        Thread.sleep(1000);
      }
      long held = budget.used();
      assertTrue(held >= CONNECTIONS * reply, "the flood holds " + held + " bytes");

      SampleBatch served = FgbgGrpc.newBlockingStub(good.channel())
          .withDeadlineAfter(10, TimeUnit.SECONDS).getSamples(UnreadRepliesTest.twenty(5000));
      assertEquals(20, served.getIndicesCount(), "the good client is served");
      assertEquals(0, ended.get(), "while the flood's calls all go on");
      assertTrue(budget.used() >= held, () -> "and hold their replies: " + budget.used()
          + " bytes of " + held);
      assertTrue(held <= budgetBytes / 2 + CONNECTIONS * reply, () -> "the unread replies hold "
          + held + " bytes of the budget's " + budgetBytes + ": more than half, and a reply of "
          + "each connection beyond");
      flood.forEach(LoopbackClient::release); // while the server that would end them is up
    } finally {
      for (LoopbackClient bad : flood) {
        bad.close();
      }
    }
  }

  /**
   * One connection never reads: its replies fill the cap and its next waits for room there,
   * out of the budget's queue. That is waiting for memory as much as a place in the queue is,
   * so the unread-reply rule ends its calls; before, it looked only at the budget's queue,
   * and the connection held half the budget for as long as it stayed connected, every other
   * connection's second reply waiting behind it.
   */
  @Test
  void aConnectionThatFillsTheCapAndNeverReadsIsEndedByTheUnreadReplyRule() throws Exception {
    long reply = replyCharge();
    LoadOptions load = LoadOptions.builder().memoryBudgetBytes(12 * reply)
        .unreadReply(Duration.ofSeconds(1)).build();
    List<Status> ended = new CopyOnWriteArrayList<>();
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .load(load).build());
        LoopbackClient bad = new LoopbackClient(s.server().port(), 64 << 10)) {
      for (int i = 0; i < CALLS; i++) {
        UnreadRepliesTest.neverRead(bad, UnreadRepliesTest.twenty(20 * i), ended::add);
      }
      // The calls holding the cap and the one waiting for room are ended; the rest then hold
      // no more than the cap, with nothing waiting: they stay until someone needs the room.
      assertTrue(UnreadRepliesTest.poll(() -> ended.size() > 6, Duration.ofSeconds(20)),
          () -> ended.size() + " of the " + CALLS + " calls ended");
      assertTrue(ended.stream().allMatch(st -> st.getCode() == Status.Code.CANCELLED
          || String.valueOf(st.getDescription()).contains("not read within 1 s")), () ->
          "ended for not reading: " + ended);
      bad.release();
    }
  }

  /** The bytes a reply of twenty samples is charged, as a server's budget counts them. */
  private static long replyCharge() throws Exception {
    try (TestServer s = TestServer.netty(TestDatasets.registry(), TestServer.options(2)
        .build());
        LoopbackClient c = new LoopbackClient(s.server().port())) {
      FgbgGrpc.newBlockingStub(c.channel()).withDeadlineAfter(30, TimeUnit.SECONDS)
          .getSamples(UnreadRepliesTest.twenty(0));
      return s.server().budget().peak();
    }
  }
}
