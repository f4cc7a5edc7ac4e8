/**
 * The web UI ({@code fgbg serve --ui-port N}): a read-only dataset browser on the JDK's HTTP
 * server, beside the gRPC port and under its access rules (TLS files, bearer tokens, loopback
 * unless told otherwise). Everything it shows comes from the objects the gRPC service uses: the
 * {@code DatasetRegistry}, the renderer (on a lane of the server's fair scheduler, charged to
 * its memory budget), {@code StatsCalculator}, {@code EpochPermutation}/{@code EpochPlan}, the
 * ServerStats counters and the Prometheus registry. Pages are static HTML, CSS and JavaScript
 * from resources; their data comes from JSON under {@code /api} and images under {@code /img}.
 */
package dev.fgbg.server.ui;
