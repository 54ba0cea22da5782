package io.drorch.workflows.contracts.plan;

import java.util.List;

/**
 * The Disaster Recovery Plan as data: loaded and validated once from {@code dr-plan.yaml}
 * (see {@code io.drorch.starter.plan.PlanLoader}) and passed to workflows as input. Holds no secrets.
 */
public record DrPlan(
    String application,
    Objectives objectives,
    DatabaseTarget database,
    FilesTarget files,
    StorageTarget storage,
    ScheduleSettings schedules,
    List<EscalationLevel> escalation,
    NotificationSettings notifications,
    ApplicationTarget deployment,
    RecoverySettings recovery) {

  public DrPlan withDatabase(DatabaseTarget d) {
    return new DrPlan(application, objectives, d, files, storage, schedules, escalation,
        notifications, deployment, recovery);
  }

  public DrPlan withEscalation(List<EscalationLevel> levels) {
    return new DrPlan(application, objectives, database, files, storage, schedules, levels,
        notifications, deployment, recovery);
  }

  /**
   * The plan's contact list (its {@code contacts:} section), or null when it has none. Carried in
   * {@link NotificationSettings#contacts()}; see there why.
   */
  public Contacts contacts() {
    return notifications == null ? null : notifications.contacts();
  }

  public DrPlan withRecovery(RecoverySettings r) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        notifications, deployment, r);
  }
}
