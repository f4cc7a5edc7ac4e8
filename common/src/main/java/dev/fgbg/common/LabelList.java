package dev.fgbg.common;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Label names listed in words, comma-separated: {@code 0, 1, Küche, 'cats, dogs'}. A label is
 * a folder's name and may hold the separator itself, so a name with a comma, surrounding
 * spaces or a leading quote (or an empty one) is quoted, {@code '} and {@code \} inside it
 * escaped with {@code \}: one label never reads as two, nor two as one.
 */
public final class LabelList {
  private LabelList() {}

  /** The names, in order, each as {@link #name} shows it, joined by ", ". */
  public static String of(List<String> names) {
    return names.stream().map(LabelList::name).collect(Collectors.joining(", "));
  }

  /** {@code name} as it is, or quoted when it would not read as one item of a list. */
  public static String name(String name) {
    boolean plain = !name.isEmpty() && name.indexOf(',') < 0 && name.strip().equals(name)
        && name.charAt(0) != '\'' && name.charAt(0) != '"';
    return plain ? name
        : "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
