package dev.fgbg.server.ui;

import dev.fgbg.common.Sha256;
import dev.fgbg.server.transport.ClientIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The UI's static files (style sheet, one script per page, icon), read from the jar once, and
 * the HTML shell every page shares: the header with the navigation, then either the page's
 * script or, for a refused request, the message. No inline script or style, so the content
 * security policy can allow this origin's files only.
 */
final class Resources {
  private static final String ROOT = "/dev/fgbg/server/ui/";
  static final List<String> STATIC = List.of("app.css", "common.js", "datasets.js", "grid.js",
      "sample.js", "stats.js", "live.js", "login.js", "favicon.svg");

  /** What a refusal's page calls its status. */
  private static final Map<Integer, String> REASONS = Map.of(400, "Bad request", 401,
      "Not signed in", 403, "Forbidden", 404, "Not found", 405, "Method not allowed", 409,
      "Conflict", 500, "Internal error", 503, "Busy or stopping");

  private final Map<String, byte[]> files = new HashMap<>();
  private final Map<String, String> etags = new HashMap<>();
  private final String shell;

  Resources() {
    for (String name : STATIC) {
      byte[] bytes = read("static/" + name);
      files.put(name, bytes);
      etags.put(name, "\"" + HexFormat.of().formatHex(Sha256.newDigest().digest(bytes))
          .substring(0, 16) + "\"");
    }
    shell = new String(read("shell.html"), StandardCharsets.UTF_8);
  }

  private static byte[] read(String name) {
    try (InputStream in = Resources.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the web UI's " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code /static/NAME}: revalidated by ETag, so a new jar's files are seen at once. */
  Reply file(Request r, String name) {
    byte[] bytes = files.get(name);
    if (bytes == null) {
      throw HttpFailure.notFound("no file " + r.path());
    }
    String etag = etags.get(name);
    String type = name.endsWith(".css") ? "text/css; charset=utf-8"
        : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "image/svg+xml";
    boolean same = etag.equals(r.headers().getFirst("If-None-Match"));
    return Reply.bytes(same ? 304 : 200, type, same ? new byte[0] : bytes).header("ETag", etag)
        .header("Cache-Control", "no-cache");
  }

  /**
   * A page: the shell with {@code page}'s script, shown once its data came. {@code dataset}
   * (null: none) is the page's dataset, which its Grid and Stats links keep.
   */
  Reply page(int status, String page, String title, String dataset) {
    return page(status, page, title, dataset, null);
  }

  /**
   * The same for {@code client} ({@link Request#client}): one signed in with a token is named
   * in the header, beside a button that signs out (common.js calls {@code /api/logout}).
   */
  Reply page(int status, String page, String title, String dataset, String client) {
    String token = ClientIdentity.ofToken("");
    String who = client == null || !client.startsWith(token) ? ""
        : "signed in as <b id=\"who-name\">" + escape(client.substring(token.length()))
            + "</b><button type=\"button\" class=\"quiet\" id=\"sign-out\">Sign out</button>";
    // The placeholder is in the HTML, so it shows before the script and its API call answer
    // (a grid page renders every sample first); the script's first content replaces it.
    return shell(status, page, title, "<p class=\"loading\" id=\"loading\" role=\"status\">"
        + "Loading…</p>", "<script type=\"module\" src=\"/static/" + page + ".js\"></script>",
        "", dataset, who);
  }

  /**
   * A refused request as a page of the UI (header and navigation as every page has), no script:
   * what went wrong ("Not found", "Bad request") with its status, the message naming the
   * parameter or path, and links back to {@code back}'s page and to the datasets. The links
   * back and the Grid and Stats links keep {@code dataset} (null: none), the refused page's.
   */
  Reply failure(HttpFailure f, Back back, String dataset) {
    String name = REASONS.getOrDefault(f.status(), "Error");
    StringBuilder links = new StringBuilder("<p class=\"back\">");
    if (back != null) {
      // A path that keeps a query of its own (Back#again) keeps it rather than the dataset only.
      String href = back.path().contains("?") ? back.path() : back.path() + query(dataset);
      links.append("<a href=\"").append(escape(href))
          .append("\">Back to ")
          .append(escape(back.name())).append("</a> · ");
    }
    links.append("<a href=\"/\">All datasets</a></p>");
    String main = "<section class=\"failure\" aria-labelledby=\"failure-title\">"
        + "<h1 id=\"failure-title\">" + name + " <span class=\"status\">" + f.status()
        + "</span></h1><p class=\"message\">" + escape(f.getMessage()) + "</p>" + links
        + "</section>";
    // Shown at once, no script to wait for: marked in the HTML as a script marks a failure
    // (body[data-state], what tests and `fgbg bench ui` wait for).
    return shell(f.status(), "error", name + " (" + f.status() + ")", main, "",
        " data-state=\"failed\"", dataset, "");
  }

  /** A page to go back to from a refusal: its path and its name in a link. */
  record Back(String path, String name) {
    /** How Query names a refused parameter: "parameter 'bg' must be …". */
    private static final Pattern NAMED = Pattern.compile("parameter '([^']*)'");

    /**
     * This page again, for a refusal of this page: with the refused query {@code raw} less the
     * parameter the refusal names, so that the form shows what was typed but the part to fix.
     * A refusal naming no parameter keeps only the dataset, as other pages' refusals do.
     */
    Back again(String raw, HttpFailure f) {
      Matcher named = NAMED.matcher(f.getMessage());
      if (raw == null || !named.find()) {
        return this;
      }
      StringJoiner kept = new StringJoiner("&");
      try {
        for (String pair : raw.split("&")) {
          String name = URLDecoder.decode(pair.split("=", 2)[0], StandardCharsets.UTF_8);
          if (!pair.isEmpty() && !name.equals(named.group(1))) {
            kept.add(pair);
          }
        }
      } catch (IllegalArgumentException e) {
        return this; // a query that cannot be read: the refusal says so; the link keeps none
      }
      return new Back(kept.length() == 0 ? path : path + "?" + kept, name);
    }
  }

  private Reply shell(int status, String page, String title, String main, String script,
      String state, String dataset, String who) {
    // The dataset and who first: a title could hold their placeholders, they cannot.
    return Reply.html(status, shell.replace("{{dataset}}", query(dataset)).replace("{{who}}", who)
        .replace("{{title}}", escape(title))
        .replace("{{page}}", page).replace("{{state}}", state).replace("{{main}}", main)
        .replace("{{script}}", script))
        .header("Cache-Control", "no-store");
  }

  /** {@code ?dataset=NAME} for a link's href, encoded and escaped ("" for null). */
  private static String query(String dataset) {
    return dataset == null ? ""
        : escape("?dataset=" + URLEncoder.encode(dataset, StandardCharsets.UTF_8));
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
