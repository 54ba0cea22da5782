package io.drorch.starter.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TerminalTest {
  private static final Pattern SGR = Pattern.compile("\u001b\\[[0-9;]*m");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void pipedOutputHasNoEscapeCodesAndOneLinePerUpdateOfWhatIsGoingOn() {
    Terminal t = new Terminal(out, false, Map.of("TERM", "xterm-256color"));
    t.line("started");
    t.progress("database download + pg_restore 1.0 MiB", "elapsed 1s");
    t.progress("database download + pg_restore 1.0 MiB", "elapsed 2s"); // only the clock moved
    t.progress("database download + pg_restore 2.0 MiB", "elapsed 3s");
    t.line(t.green("  database-restore DONE"));
    t.progress("database-swap waits for level 1 (alice)", "elapsed 4s");
    t.clearProgress();

    assertFalse(text().contains("\u001b"), text());
    assertFalse(text().contains("\r"), text());
    assertEquals(List.of("started",
        "database download + pg_restore 1.0 MiB · elapsed 1s",
        "database download + pg_restore 2.0 MiB · elapsed 3s",
        "  database-restore DONE",
        "database-swap waits for level 1 (alice) · elapsed 4s"), text().lines().toList());
    assertFalse(t.tty() || t.color());
  }

  @Test
  void onATerminalTheProgressLineIsRewrittenInPlaceAndClearedBeforeALine() {
    Terminal t = new Terminal(out, true, Map.of("TERM", "xterm", "COLUMNS", "40"));
    t.progress("files restore extract 1.0 MiB of 2.0 MiB (50 %)", "elapsed 1s");
    t.progress("files restore extract 2.0 MiB of 2.0 MiB (100 %)", "elapsed 2s");
    t.line("  files-restore DONE");

    String s = text();
    assertTrue(s.startsWith("\r\u001b[Kfiles restore extract 1.0 MiB"), s);
    assertTrue(s.contains("\r\u001b[Kfiles restore extract 2.0 MiB"), s);
    assertTrue(s.endsWith("\r\u001b[K  files-restore DONE" + System.lineSeparator()), s);
    for (String shown : s.split("\r\u001b\\[K")) {
      assertTrue(shown.strip().length() <= 40, "wider than COLUMNS: " + shown);
    }
    assertEquals("\u001b[32mDONE\u001b[0m", t.green("DONE"));
  }

  @Test
  void noColorTurnsColoursOffOnATerminalButKeepsTheLineInPlace() {
    Terminal t = new Terminal(out, true, Map.of("TERM", "xterm", "NO_COLOR", "1"));
    t.progress("running", "elapsed 1s");
    t.line(t.green("DONE") + " " + t.red("FAILED") + " " + t.bold("== step"));

    assertFalse(SGR.matcher(text()).find(), text());
    assertTrue(text().contains("DONE FAILED == step"), text());
    assertTrue(text().contains("\r\u001b[K"), text());
    assertTrue(t.tty());
    assertFalse(t.color());
  }

  @Test
  void anEmptyNoColorOrADumbTerminalFollowTheConventions() {
    assertTrue(new Terminal(out, true, Map.of("NO_COLOR", "")).color(), "NO_COLOR empty");
    Terminal dumb = new Terminal(out, true, Map.of("TERM", "dumb"));
    assertFalse(dumb.tty() || dumb.color());
  }
}
