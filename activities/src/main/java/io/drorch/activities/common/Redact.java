package io.drorch.activities.common;

import java.net.URI;

/**
 * URLs fit for logs and failure messages (which end up in Temporal history): a query or user info
 * may carry a token, so they are dropped.
 */
public final class Redact {
  private Redact() {}

  /** {@code scheme://host:port/path}: no user info, query or fragment. */
  public static String url(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI u = URI.create(url.trim());
      if (u.getScheme() == null || u.getHost() == null) {
        return "(unparsable URL)";
      }
      return origin(u) + (u.getRawPath() == null ? "" : u.getRawPath())
          + (u.getRawQuery() == null ? "" : "?…");
    } catch (IllegalArgumentException e) {
      return "(unparsable URL)";
    }
  }

  /**
   * {@code scheme://host:port/…}: for webhooks, whose path itself is often the secret (Slack,
   * Teams).
   */
  public static String origin(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI u = URI.create(url.trim());
      if (u.getScheme() == null || u.getHost() == null) {
        return "(unparsable URL)";
      }
      boolean more = (u.getRawPath() != null && u.getRawPath().length() > 1) || u.getRawQuery() != null;
      return origin(u) + (more ? "/…" : "");
    } catch (IllegalArgumentException e) {
      return "(unparsable URL)";
    }
  }

  private static String origin(URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
  }
}
