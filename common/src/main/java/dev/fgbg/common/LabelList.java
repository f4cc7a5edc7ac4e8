package dev.fgbg.common;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Label names listed in words, comma-separated: {@code 0, 1, Küche, 'cats, dogs'}. A label is
 * a folder's name and may hold the separator itself, so a name with a comma, surrounding
 * spaces or a leading quote (or an empty one) is quoted, {@code '} and {@code \} inside it
 * escaped with {@code \}: one label never reads as two, nor two as one. {@link #names} reads
 * such a list back, so a name copied from one is understood where a list is taken.
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

  /**
   * The names of {@code list} written as {@link #of} writes them: items split at the commas
   * outside quotes and stripped, a quoted item unescaped. IllegalArgumentException saying what
   * is wrong for an empty item, a quote never closed, or text after a quoted name.
   */
  public static List<String> names(String list) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (true) {
      i = blanks(list, i);
      if (i < list.length() && list.charAt(i) == '\'') {
        StringBuilder b = new StringBuilder();
        int j = i + 1;
        for (; j < list.length() && list.charAt(j) != '\''; j++) {
          b.append(list.charAt(list.charAt(j) == '\\' && j + 1 < list.length() ? ++j : j));
        }
        if (j == list.length()) {
          throw new IllegalArgumentException("the quote at character " + (i + 1)
              + " is never closed (inside quotes, write \\' for ' and \\\\ for \\)");
        }
        i = blanks(list, j + 1);
        if (i < list.length() && list.charAt(i) != ',') {
          throw new IllegalArgumentException("character " + (i + 1) + " follows the quoted "
              + "name " + name(b.toString()) + " where a comma or the end was expected");
        }
        out.add(b.toString());
      } else {
        int end = list.indexOf(',', i) < 0 ? list.length() : list.indexOf(',', i);
        String item = list.substring(i, end).strip();
        if (item.isEmpty()) {
          throw new IllegalArgumentException("item " + (out.size() + 1) + " is empty");
        }
        out.add(item);
        i = end;
      }
      if (i >= list.length()) {
        return out;
      }
      i++; // the comma
    }
  }

  private static int blanks(String s, int from) {
    int i = from;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}
