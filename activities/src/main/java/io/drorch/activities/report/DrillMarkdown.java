package io.drorch.activities.report;

import io.drorch.workflows.contracts.values.DrillPart;
import io.drorch.workflows.contracts.values.DrillReport;
import io.drorch.workflows.contracts.values.NotificationRecord;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** The drill report as Markdown: verdict, RTO/RPO against the plan, what was restored where. */
public final class DrillMarkdown {
  private DrillMarkdown() {}

  public static String render(DrillReport r) {
    StringBuilder md = new StringBuilder();
    md.append("# DR drill ").append(r.drillId()).append(": ")
        .append(r.passed() ? "PASSED " + ReportMarkdown.MET : "FAILED " + ReportMarkdown.MISSED)
        .append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| **Application** | ").append(ReportMarkdown.cell(r.application())).append(" |\n");
    md.append("| **Scope** | ").append(String.join(", ", r.scope())).append(" |\n");
    md.append("| **Requested by** | ").append(ReportMarkdown.cell(r.requestedBy())).append(" |\n");
    md.append("| **Started** | ").append(ReportMarkdown.time(r.startedAt())).append(" |\n");
    md.append("| **Finished** | ").append(ReportMarkdown.time(r.finishedAt())).append(" |\n");
    md.append("| **Plan sha256** | ").append(r.planSha256() == null ? "—"
        : "`" + r.planSha256().substring(0, Math.min(12, r.planSha256().length())) + "…`")
        .append(" |\n");
    md.append("| **Live targets touched** | none: everything was restored into scratch targets"
        + " |\n\n");

    md.append("## Objectives\n\n| | objective | achieved | met |\n|---|---|---|---|\n");
    objective(md, "RTO (start → restored and verified)", r.rtoObjective(), r.rtoAchieved());
    Map<String, Duration> achieved = new TreeMap<>(r.rpoAchieved() == null ? Map.of()
        : r.rpoAchieved());
    achieved.forEach((k, d) -> objective(md, "RPO " + k + " (age of the data)",
        r.rpoObjective() == null ? null : r.rpoObjective().get(k), d));
    md.append('\n');

    md.append("## Restored into scratch\n\n| kind | backup | taken | scratch target | restored"
        + " and verified in | result |\n|---|---|---|---|---|---|\n");
    for (DrillPart p : r.parts()) {
      md.append("| ").append(p.kind().folder()).append(" | ")
          .append(p.backupId() == null ? "—" : "`" + p.backupId() + "`").append(" | ")
          .append(ReportMarkdown.time(p.backupTakenAt())).append(" | ")
          .append(p.scratch() == null ? "—" : "`" + p.scratch() + "`").append(" | ")
          .append(ReportMarkdown.duration(p.restoredAndVerifiedIn())).append(" | ")
          .append(p.passed() ? "verified " + ReportMarkdown.MET : "failed " + ReportMarkdown.MISSED)
          .append(" |\n");
    }
    md.append('\n');
    for (DrillPart p : r.parts()) {
      if (!p.details().isEmpty()) {
        md.append("- ").append(p.kind().folder()).append(": ")
            .append(ReportMarkdown.cell(String.join("; ", p.details()))).append('\n');
      }
    }
    md.append("\n## Problems\n\n");
    if (r.problems() == null || r.problems().isEmpty()) {
      md.append(ReportMarkdown.NONE).append("\n");
    } else {
      r.problems().forEach(p -> md.append("- ").append(ReportMarkdown.cell(p)).append('\n'));
    }
    md.append("\n## Scratch targets\n\n");
    md.append(r.scratchKeptUntil() == null ? "Removed after the drill.\n"
        : "Kept for inspection until " + ReportMarkdown.time(r.scratchKeptUntil())
            + "; `dr drill cleanup " + r.drillId() + "` removes them now.\n");
    md.append("\n## Notifications\n\n");
    if (r.notifications() == null || r.notifications().isEmpty()) {
      md.append(ReportMarkdown.NONE).append("\n");
    } else {
      for (NotificationRecord n : r.notifications()) {
        md.append("- ").append(n.event()).append(" → ")
            .append(n.level() == 0 ? "everyone" : "level " + n.level())
            .append(n.delivered() ? "" : " (NOT delivered: " + n.error() + ")").append('\n');
      }
    }
    return md.toString();
  }

  /** "drill-20261201T030000Z PASSED: RTO 47s (4h); RPO database 1m 17s (1h), files 2m (1d)". */
  public static String summary(DrillReport r) {
    return r.drillId() + " " + (r.passed() ? "PASSED" : "FAILED") + ": RTO "
        + ReportMarkdown.withObjective(r.rtoAchieved(), r.rtoObjective()) + "; RPO " + rpo(r);
  }

  /** "database 1m 17s (1h), files 2m (1d)". */
  public static String rpo(DrillReport r) {
    StringBuilder sb = new StringBuilder();
    if (r.rpoAchieved() != null) {
      new TreeMap<>(r.rpoAchieved()).forEach((kind, d) ->
          sb.append(sb.length() == 0 ? "" : ", ").append(kind).append(' ')
              .append(ReportMarkdown.withObjective(d,
                  r.rpoObjective() == null ? null : r.rpoObjective().get(kind))));
    }
    return sb.length() == 0 ? "—" : sb.toString();
  }

  private static void objective(StringBuilder md, String name, Duration target, Duration achieved) {
    String met = target == null || achieved == null ? "—"
        : achieved.compareTo(target) <= 0 ? ReportMarkdown.MET : ReportMarkdown.MISSED;
    md.append("| ").append(name).append(" | ").append(ReportMarkdown.duration(target))
        .append(" | ").append(ReportMarkdown.duration(achieved)).append(" | ").append(met)
        .append(" |\n");
  }
}
