package io.drorch.activities.plan;

import io.drorch.workflows.approval.SshSignature;
import io.drorch.workflows.contracts.plan.AllowedSigner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads an OpenSSH {@code allowed_signers} file (the syntax {@code ssh-keygen -Y verify -f}
 * takes), one key per line:
 *
 * <pre>
 * # principals   [options]                  keytype      base64-key                 [comment]
 * alice          namespaces="dr-approval"   ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAA…  alice@laptop
 * bob,dana                                  ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAA…
 * </pre>
 *
 * Principals are approver names (comma-separated; no wildcard patterns). The one option read is
 * {@code namespaces="…"} (it must include {@code dr-approval}); certificate authorities and
 * validity options are refused rather than ignored. Keys: {@code ssh-ed25519}, or {@code ssh-rsa}
 * of at least 2048 bits.
 */
public final class AllowedSigners {
  static final Set<String> KEY_TYPES = Set.of("ssh-ed25519", "ssh-rsa");

  private AllowedSigners() {}

  /** The lines read, and what is wrong with the others ("line 3: …"). */
  public record Parsed(List<AllowedSigner> signers, List<String> problems, List<String> warnings) {}

  public static Parsed parse(String text) {
    List<AllowedSigner> signers = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "line " + (i + 1) + ": ";
      try {
        AllowedSigner s = line(line);
        if (!s.namespaces().isEmpty() && !s.namespaces().contains(SshSignature.NAMESPACE)) {
          warnings.add(where + "the key of " + String.join(",", s.principals())
              + " is limited to namespaces " + s.namespaces() + ", so it cannot sign decisions"
              + " (add " + SshSignature.NAMESPACE + ")");
        }
        signers.add(s);
      } catch (IllegalArgumentException e) {
        problems.add(where + e.getMessage());
      }
    }
    return new Parsed(List.copyOf(signers), List.copyOf(problems), List.copyOf(warnings));
  }

  /** The file's line for {@code s}, as {@link #parse} reads it. */
  public static String format(AllowedSigner s) {
    StringBuilder b = new StringBuilder(String.join(",", s.principals()));
    if (s.namespaces() != null && !s.namespaces().isEmpty()) {
      b.append(" namespaces=\"").append(String.join(",", s.namespaces())).append('"');
    }
    b.append(' ').append(s.keyType()).append(' ').append(s.key());
    if (s.comment() != null && !s.comment().isBlank()) {
      b.append(' ').append(s.comment());
    }
    return b.toString();
  }

  private static AllowedSigner line(String line) {
    Tokens t = new Tokens(line);
    String principals = t.next();
    if (principals == null) {
      throw new IllegalArgumentException("no principals");
    }
    List<String> names = Arrays.stream(principals.split(",")).map(String::strip).toList();
    for (String n : names) {
      if (n.isEmpty()) {
        throw new IllegalArgumentException("an empty principal in '" + principals + "'");
      }
      if (n.contains("*") || n.contains("?") || n.startsWith("!")) {
        throw new IllegalArgumentException("principal patterns (" + n + ") are not supported:"
            + " list the approvers' names");
      }
    }
    String next = t.next();
    List<String> namespaces = List.of();
    if (next != null && !looksLikeKeyType(next)) {
      namespaces = options(next);
      next = t.next();
    }
    if (next == null) {
      throw new IllegalArgumentException("no key type and key after the principals");
    }
    String type = next;
    if (!KEY_TYPES.contains(type)) {
      throw new IllegalArgumentException("key type " + type + " is not supported; use an"
          + " ssh-ed25519 key (or ssh-rsa)");
    }
    String key = t.next();
    if (key == null) {
      throw new IllegalArgumentException("no key after " + type);
    }
    String problem = SshSignature.keyProblem(type, key);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    String comment = t.rest();
    return new AllowedSigner(names, namespaces, type, key, comment.isEmpty() ? null : comment);
  }

  private static boolean looksLikeKeyType(String token) {
    return KEY_TYPES.contains(token) || token.startsWith("ecdsa-") || token.startsWith("sk-")
        || token.startsWith("ssh-");
  }

  /** {@code namespaces="a,b"} (the only option read); others are refused. */
  private static List<String> options(String text) {
    List<String> namespaces = new ArrayList<>();
    for (String option : splitOptions(text)) {
      int eq = option.indexOf('=');
      String name = (eq < 0 ? option : option.substring(0, eq)).toLowerCase(Locale.ROOT);
      String value = eq < 0 ? null : unquote(option.substring(eq + 1));
      switch (name) {
        case "namespaces" -> {
          if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("namespaces needs a value: namespaces=\""
                + SshSignature.NAMESPACE + "\"");
          }
          Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty())
              .forEach(namespaces::add);
        }
        case "cert-authority" -> throw new IllegalArgumentException("certificate authorities"
            + " are not supported: list each approver's own key");
        case "valid-after", "valid-before" -> throw new IllegalArgumentException("option "
            + name + " is not supported: remove the line of a key that must no longer sign");
        default -> throw new IllegalArgumentException("unknown option '" + name + "'");
      }
    }
    return List.copyOf(namespaces);
  }

  private static List<String> splitOptions(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : text.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("an option's quote is not closed: " + text);
    }
    out.add(cur.toString());
    return out;
  }

  private static String unquote(String v) {
    String s = v.strip();
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1) : s;
  }

  /** Whitespace-separated tokens; double quotes keep spaces inside one token. */
  private static final class Tokens {
    private final String line;
    private int at;

    Tokens(String line) {
      this.line = line;
    }

    String next() {
      while (at < line.length() && Character.isWhitespace(line.charAt(at))) {
        at++;
      }
      if (at >= line.length()) {
        return null;
      }
      int start = at;
      boolean quoted = false;
      while (at < line.length() && (quoted || !Character.isWhitespace(line.charAt(at)))) {
        if (line.charAt(at) == '"') {
          quoted = !quoted;
        }
        at++;
      }
      return line.substring(start, at);
    }

    String rest() {
      return at >= line.length() ? "" : line.substring(at).strip();
    }
  }
}
