package dev.fgbg.server.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class HandshakeFailuresTest {
  // A cause cycle would spin a Netty event loop forever: the timeout makes that a failure here.
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aTwoExceptionCauseCycleEnds() {
    SSLException outer = new SSLException("handshake");
    IllegalStateException inner = new IllegalStateException("wrapped");
    outer.initCause(inner);
    inner.initCause(outer);
    assertFalse(HandshakeFailures.leftMidway(outer));

    SSLException reset = new SSLException("handshake");
    IOException gone = new IOException("Connection reset by peer");
    reset.initCause(gone);
    gone.initCause(reset);
    assertTrue(HandshakeFailures.leftMidway(reset));
  }
}
