/**
 * Load safety, free of any transport: one {@link dev.fgbg.core.load.MemoryBudget} for the bytes
 * the whole server renders ahead, a {@link dev.fgbg.core.load.RenderScheduler} that shares the
 * render workers fairly between requests, {@link dev.fgbg.core.load.Admission} (a concurrency
 * cap with a bounded queue) for heavy requests, and {@link dev.fgbg.core.load.StreamCaps} (open
 * streams, globally and per client). Nothing here blocks a thread to wait: waits are futures.
 */
package dev.fgbg.core.load;
