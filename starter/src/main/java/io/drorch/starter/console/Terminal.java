package io.drorch.starter.console;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * The command line's output: result lines, and one progress line that updates in place on a
 * terminal and is printed as plain lines when the output goes to a pipe or a file (a new line
 * only when what it says changes, or every {@link #PIPED_REPEAT_MS} while it does not). Colours
 * only on a terminal and never when {@code NO_COLOR} is set (https://no-color.org); no escape
 * code at all when piped. One thread writes to it.
 */
public final class Terminal {
  /** How often an unchanged progress line is repeated when piped (it shows the run is alive). */
  static final long PIPED_REPEAT_MS = 15_000;

  private static final String CLEAR_LINE = "\r\u001b[K";

  private final PrintStream out;
  private final boolean tty;
  private final boolean color;
  private final int width;
  private boolean progressShown;
  private String lastPipedContent;
  private long lastPipedAt;

  Terminal(PrintStream out, boolean tty, Map<String, String> env) {
    this.out = out;
    this.tty = tty && !"dumb".equals(env.get("TERM"));
    String noColor = env.get("NO_COLOR");
    this.color = this.tty && (noColor == null || noColor.isEmpty());
    int w = 100;
    try {
      w = Integer.parseInt(env.getOrDefault("COLUMNS", "100").trim());
    } catch (NumberFormatException ignored) {
      // keep the default
    }
    this.width = Math.max(20, w);
  }

  /** Standard output, as a terminal when the process has one (stdin and stdout are a TTY). */
  public static Terminal stdout() {
    return of(System.out);
  }

  /** {@code out} as a terminal when the process has one, with this process's environment. */
  public static Terminal of(PrintStream out) {
    return new Terminal(out, out == System.out && System.console() != null, System.getenv());
  }

  /** Never a terminal: plain lines (tests, log files). */
  public static Terminal plain(PrintStream out) {
    return new Terminal(out, false, Map.of());
  }

  public boolean tty() {
    return tty;
  }

  public boolean color() {
    return color;
  }

  /** A line of output; a progress line on screen is cleared first (the next update redraws it). */
  public void line(String text) {
    clearProgress();
    out.println(text);
    out.flush();
  }

  /** An empty line. */
  public void line() {
    line("");
  }

  /**
   * The progress line: {@code content} says what is going on, {@code times} the clock (elapsed,
   * time left), which alone does not make a new line when piped.
   */
  public void progress(String content, String times) {
    String text = times == null || times.isEmpty() ? content : content + " · " + times;
    if (tty) {
      String shown = text.length() >= width ? text.substring(0, width - 2) + "…" : text;
      out.print(CLEAR_LINE + shown);
      out.flush();
      progressShown = true;
      return;
    }
    long now = System.currentTimeMillis();
    if (!Objects.equals(content, lastPipedContent) || now - lastPipedAt >= PIPED_REPEAT_MS) {
      lastPipedContent = content;
      lastPipedAt = now;
      out.println(text);
      out.flush();
    }
  }

  /** Removes the progress line from the screen (a terminal) before the command ends. */
  public void clearProgress() {
    if (progressShown) {
      out.print(CLEAR_LINE);
      progressShown = false;
    }
  }

  public String bold(String s) {
    return sgr("1", s);
  }

  public String green(String s) {
    return sgr("32", s);
  }

  public String red(String s) {
    return sgr("31", s);
  }

  public String yellow(String s) {
    return sgr("33", s);
  }

  public String dim(String s) {
    return sgr("2", s);
  }

  private String sgr(String code, String s) {
    return color ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
  }
}
