package dev.fgbg.core.depth;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import dev.fgbg.core.FgbgException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * How fgbg opens an ONNX Runtime session: the options, in one place, that the benchmark's bare
 * Python session copies ({@code bench/python/bare_onnx.py}). All graph optimisations, sequential
 * execution, {@code threads} intra-op threads, memory patterns and the CPU arena on (ONNX
 * Runtime's defaults), and no spin-waiting: inference shares the cores with synthesis, gRPC and
 * the batcher's other threads, which a spinning pool would starve. A model may run in several
 * sessions that share the threads ({@link #open}). None of these options changes the model's
 * output bytes on CPU (checked on FastDepth for 1–8 threads, batch 1–16 and one or two
 * sessions; lower optimisation levels do change them, by up to 6e-7), so they are not part of
 * the model's id.
 */
public final class OnnxSessions {
  private static final Logger LOG = Logger.getLogger(OnnxSessions.class.getName());

  /** The options beyond the typed setters, as config entries (also given to the benchmark's). */
  public static final Map<String, String> CONFIG_ENTRIES =
      Map.of("session.intra_op.allow_spinning", "0");

  /** A model's sessions, where they run ("cpu" or "cuda") and each one's intra-op threads. */
  record Opened(List<OrtSession> sessions, String device, int threadsEach) {
    String inWords() {
      return (sessions.size() == 1 ? "1 session of " : sessions.size() + " sessions of ")
          + threadsEach + (threadsEach == 1 ? " thread" : " threads")
          + (sessions.size() == 1 ? "" : " each");
    }
  }

  private OnnxSessions() {}

  /**
   * Opens {@code sessions} sessions of the model ({@link OnnxDepthModel#AUTO_SESSIONS}: two with
   * two threads or more on CPU, one on CUDA), sharing {@code threads} intra-op threads; at most
   * one session per thread.
   */
  static Opened open(OrtEnvironment env, ModelConfig config, OnnxDepthModel.Device device,
      int threads, int sessions, String how) {
    boolean auto = sessions == OnnxDepthModel.AUTO_SESSIONS;
    int count = count(device, threads, sessions);
    if (!auto && count < sessions) {
      LOG.info("depth model " + config.name() + ": --depth-sessions " + sessions + " lowered to "
          + count + ": each session takes a thread of its own and the model has " + threads
          + " (--workers)");
    }
    Opened first = open(env, config, device, share(threads, count), how);
    if (auto && count > 1 && first.device().equals("cuda")) { // auto found CUDA: one, all threads
      closeAll(first.sessions());
      return open(env, config, OnnxDepthModel.Device.CUDA, threads, how);
    }
    List<OrtSession> all = new ArrayList<>(first.sessions());
    try {
      OnnxDepthModel.Device same = first.device().equals("cuda") ? OnnxDepthModel.Device.CUDA
          : OnnxDepthModel.Device.CPU;
      for (int i = 1; i < count; i++) {
        all.addAll(open(env, config, same, first.threadsEach(), how).sessions());
      }
    } catch (RuntimeException e) {
      closeAll(all);
      throw e;
    }
    return new Opened(List.copyOf(all), first.device(), first.threadsEach());
  }

  /**
   * How many sessions {@link #open} opens for these arguments, before an AUTO device that finds
   * CUDA lowers two to one (so at most this many).
   */
  static int count(OnnxDepthModel.Device device, int threads, int sessions) {
    boolean auto = sessions == OnnxDepthModel.AUTO_SESSIONS;
    // CUDA runs one session unless asked: the device, not the host's cores, is what it shares.
    return Math.max(1, Math.min(auto && device != OnnxDepthModel.Device.CUDA ? 2
        : Math.max(1, sessions), threads));
  }

  /**
   * Each session's share of {@code threads} among {@code count}: the same for every session (a
   * remainder is left to the renderers), so that a batch runs alike whichever session takes it
   * (a model whose output depended on its thread count would otherwise vary by session).
   */
  static int share(int threads, int count) {
    return Math.max(1, threads / count);
  }

  static void closeAll(List<OrtSession> sessions) {
    for (OrtSession s : sessions) {
      try {
        s.close();
      } catch (OrtException ignored) { // closing at shutdown
      }
    }
  }

  private static Opened open(OrtEnvironment env, ModelConfig config,
      OnnxDepthModel.Device device, int threads, String how) {
    Path w = config.weights();
    String used = "cpu";
    try (SessionOptions opts = new SessionOptions()) {
      opts.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      opts.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setIntraOpNumThreads(Math.max(1, threads));
      opts.setInterOpNumThreads(1);
      opts.setMemoryPatternOptimization(true);
      opts.setCPUArenaAllocator(true);
      // Every error reaches fgbg as an OrtException, which it words; ONNX Runtime's own console
      // line (ANSI-coloured, on the native stderr) would say it twice, unthrottled.
      opts.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
      for (Map.Entry<String, String> e : CONFIG_ENTRIES.entrySet()) {
        opts.addConfigEntry(e.getKey(), e.getValue());
      }
      if (device != OnnxDepthModel.Device.CPU) {
        try {
          opts.addCUDA(0);
          used = "cuda";
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
          if (device == OnnxDepthModel.Device.CUDA) {
            throw FgbgException.invalidConfig("--device cuda: the CUDA execution provider is not "
                + "available (" + e.getMessage() + "); build with -Pgpu on a machine with CUDA, "
                + "or use --device cpu");
          }
          // Plain words: ONNX Runtime's text ("ORT_EP_FAIL … CUDA shared provider") would read
          // as a fault on every start of a CPU-only machine; --device cuda's refusal keeps it.
          LOG.info("depth model " + config.name() + ": no CUDA on this machine; depth runs on "
              + "CPU");
        }
      }
      return new Opened(List.of(env.createSession(w.toString(), opts)), used, threads);
    } catch (OrtException e) {
      if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_PROTOBUF) {
        throw FgbgException.invalidConfig("depth model weights " + w + " is not an ONNX model "
            + "(it cannot be parsed: a truncated download, or a file of another format)" + how,
            e);
      }
      throw FgbgException.invalidConfig("depth model weights " + w + " are not a usable ONNX "
          + "model: " + firstLine(e.getMessage()) + how, e);
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
