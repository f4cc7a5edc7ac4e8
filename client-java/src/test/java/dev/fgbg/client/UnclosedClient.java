package dev.fgbg.client;

import dev.fgbg.v1.StreamEpochRequest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A program that streams an epoch through a ring from {@code args[0]} and ends without closing
 * its client, which keeps the ring for a next stream: prints the rings this JVM has then
 * (ClientRingTest checks that they go with the JVM).
 */
public final class UnclosedClient {
  private UnclosedClient() {}

  public static void main(String[] args) throws IOException {
    FgbgClient c = FgbgClient.builder().target(args[0]).sharedMemory(true).build();
    BatchIterator it = c.streamEpoch(StreamEpochRequest.newBuilder().setDataset("builtin")
        .setBatchSize(40).setLimit(200).build());
    long samples = 0;
    while (it.hasNext()) {
      samples += it.next().indices().size();
    }
    System.out.println("samples " + samples);
    try (DirectoryStream<Path> s = Files.newDirectoryStream(ClientRing.DIRECTORY,
        "fgbg-ring-" + ProcessHandle.current().pid() + "-*")) {
      s.forEach(p -> System.out.println("ring " + p));
    }
  }
}
