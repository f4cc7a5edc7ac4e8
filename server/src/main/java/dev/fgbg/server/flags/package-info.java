/** {@code fgbg serve}'s flags, grouped by concern and turned into the validated options. */
package dev.fgbg.server.flags;
