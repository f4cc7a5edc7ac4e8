package dev.fgbg.core.assets;

/**
 * A bad file a forgiving load ({@code --on-bad-file skip}) left out: its name under the
 * dataset's folders ("bg/…", "fg/…") and why it could not be used. Not part of the fingerprint.
 */
public record SkippedFile(String name, String reason) {}
