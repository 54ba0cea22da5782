package io.drorch.activities.plan;

import java.nio.file.Path;
import java.util.List;

/** The plan file cannot be used. The message lists every problem found, one per line. */
public class PlanException extends RuntimeException {
  private final transient Path file;
  private final List<PlanProblem> problems;

  public PlanException(Path file, List<PlanProblem> problems) {
    super(format(file, problems));
    this.file = file;
    this.problems = List.copyOf(problems);
  }

  /** A problem with the file as a whole (not found, unreadable): the message is the problem. */
  public PlanException(Path file, PlanProblem fileProblem) {
    super(fileProblem.problem());
    this.file = file;
    this.problems = List.of(fileProblem);
  }

  /** The file that was read (may be null when the plan came from a string). */
  public Path file() {
    return file;
  }

  public List<PlanProblem> problems() {
    return problems;
  }

  private static String format(Path file, List<PlanProblem> problems) {
    String name = file == null ? "the plan" : file.toString();
    StringBuilder sb = new StringBuilder();
    sb.append(name).append(" has ").append(problems.size())
        .append(problems.size() == 1 ? " problem:" : " problems:");
    for (PlanProblem p : problems) {
      sb.append('\n').append("  ").append(p);
    }
    sb.append("\nFix ").append(problems.size() == 1 ? "it" : "them")
        .append(" and check again with `dr plan validate --plan ")
        .append(file == null ? "FILE" : file.toString()).append("`.");
    return sb.toString();
  }
}
