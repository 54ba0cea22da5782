package io.drorch.activities.plan;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in the plan's string values, as in docker-compose:
 * the default applies when the variable is unset or empty; {@code $$} is a literal {@code $}.
 * Substitution happens before validation, so a substituted value is checked like a written one.
 */
final class EnvSubstitution {
  private static final Pattern REF =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}|\\$\\{[^}]*}?");

  private EnvSubstitution() {}

  /** The substituted text; problems (unset variable, malformed reference) go to {@code problems}. */
  static String apply(String text, Map<String, String> env, String path, List<PlanProblem> problems) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else if (m.group(1) == null) {
        problems.add(new PlanProblem(path, text,
            "malformed variable reference " + m.group()
                + "; write ${NAME} or ${NAME:-default} (NAME: letters, digits, _), or $$ for a literal $"));
        replacement = m.group();
      } else {
        String value = env.get(m.group(1));
        if (value == null || (value.isEmpty() && m.group(2) != null)) {
          if (m.group(2) != null) {
            value = m.group(3);
          } else {
            problems.add(new PlanProblem(path, text,
                "environment variable " + m.group(1) + " is not set; set it or give a default: ${"
                    + m.group(1) + ":-default}"));
            value = "";
          }
        }
        replacement = value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
