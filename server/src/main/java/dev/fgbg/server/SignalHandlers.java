package dev.fgbg.server;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.function.ObjIntConsumer;

/**
 * Handlers of the process's signals in place of the JVM's, through {@code sun.misc.Signal}
 * (module jdk.unsupported, exported to everyone). Reached by reflection, as {@code MappedBuffers}
 * reaches {@code Unsafe}: a direct use is a compiler warning that no annotation silences.
 */
final class SignalHandlers {
  private SignalHandlers() {}

  /**
   * Calls {@code handler} with the signal's name ({@code "TERM"}) and number each time signal
   * {@code name} arrives, on a thread the JVM starts for it. Returns false where it cannot (the
   * JVM keeps the signal for itself, e.g. under -Xrs): the JVM's own handling stays. A signal the
   * process was started ignoring (nohup's SIGHUP, a background job's SIGINT) stays ignored.
   */
  static boolean handle(String name, ObjIntConsumer<String> handler) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> type = Class.forName("sun.misc.SignalHandler");
      Object sig = signal.getConstructor(String.class).newInstance(name);
      int number = (Integer) signal.getMethod("getNumber").invoke(sig);
      InvocationHandler calls = (proxy, method, args) -> switch (method.getName()) {
        case "handle" -> {
          handler.accept(name, number);
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> "fgbg's SIG" + name + " handler";
      };
      Object proxy = Proxy.newProxyInstance(SignalHandlers.class.getClassLoader(),
          new Class<?>[] {type}, calls);
      signal.getMethod("handle", signal, type).invoke(null, sig, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no such signal here, or one the JVM uses (IllegalArgumentException inside the
      // InvocationTargetException): the JVM's handling is what there is
      return false;
    }
  }
}
