package io.drorch.activities.app;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the variable NAMES of an env file ({@code KEY=VALUE} lines, as docker/systemd/dotenv write
 * them): blank lines and {@code #} comments are skipped, an {@code export } prefix is allowed, and
 * a quoted value may run over several lines. Values are never kept.
 */
public final class EnvFile {
  private static final Pattern ASSIGNMENT =
      Pattern.compile("^(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=(.*)$");

  private EnvFile() {}

  /** The names in file order, each once. */
  public static List<String> names(String text) {
    Set<String> names = new LinkedHashSet<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = ASSIGNMENT.matcher(line);
      if (!m.matches()) {
        continue;
      }
      names.add(m.group(1));
      String value = m.group(2).stripLeading();
      if (value.startsWith("\"") || value.startsWith("'")) {
        char quote = value.charAt(0);
        // a quoted value that does not close on its line continues on the next ones
        String rest = value.substring(1);
        while (!closes(rest, quote) && i + 1 < lines.length) {
          rest = lines[++i];
        }
      }
    }
    return new ArrayList<>(names);
  }

  private static boolean closes(String s, char quote) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quote == '"') {
        i++;
      } else if (c == quote) {
        return true;
      }
    }
    return false;
  }
}
