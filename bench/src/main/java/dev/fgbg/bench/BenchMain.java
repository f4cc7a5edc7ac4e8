package dev.fgbg.bench;

import java.util.Arrays;
import org.openjdk.jmh.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./fgbg bench <synth|stream|export|depth|trainers|memory|ui>}, and
 * {@code ./fgbg bench jmh [JMH args]} which hands every argument to JMH untouched
 * (default: SynthBenchmark).
 */
@Command(name = "fgbg bench", mixinStandardHelpOptions = true,
    description = "Benchmarks; each prints 'samples/s: X' last. 'jmh [args]' runs JMH.",
    subcommands = {SynthBench.class, StreamBench.class, ExportBench.class,
        DepthBench.class, StartupBench.class, TrainersBench.class, MemoryBench.class,
        UiBench.class})
public final class BenchMain {
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      Main.main(rest.length == 0 ? new String[] {"SynthBenchmark"} : rest);
      return;
    }
    System.exit(new CommandLine(new BenchMain()).setCaseInsensitiveEnumValuesAllowed(true)
        .execute(args));
  }
}
