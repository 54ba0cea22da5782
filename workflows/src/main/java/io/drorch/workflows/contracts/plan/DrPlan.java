package io.drorch.workflows.contracts.plan;

import java.util.List;

/**
 * The Disaster Recovery Plan as data: loaded and validated from {@code dr-plan.yaml} by the
 * worker (see {@code io.drorch.activities.plan.PlanLoader}) in each workflow's first activity,
 * never taken from a workflow's input. Holds no secrets.
 *
 * @param approvals signatures, allowed signers and four-eyes rules (null: the defaults of
 *     {@code PlanDefaults.approvals})
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
    RecoverySettings recovery,
    ApprovalSettings approvals) {

  public DrPlan withDatabase(DatabaseTarget d) {
    return new DrPlan(application, objectives, d, files, storage, schedules, escalation,
        notifications, deployment, recovery, approvals);
  }

  public DrPlan withEscalation(List<EscalationLevel> levels) {
    return new DrPlan(application, objectives, database, files, storage, schedules, levels,
        notifications, deployment, recovery, approvals);
  }

  public DrPlan withFiles(FilesTarget f) {
    return new DrPlan(application, objectives, database, f, storage, schedules, escalation,
        notifications, deployment, recovery, approvals);
  }

  public DrPlan withStorage(StorageTarget s) {
    return new DrPlan(application, objectives, database, files, s, schedules, escalation,
        notifications, deployment, recovery, approvals);
  }

  public DrPlan withDeployment(ApplicationTarget d) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        notifications, d, recovery, approvals);
  }

  public DrPlan withNotifications(NotificationSettings n) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        n, deployment, recovery, approvals);
  }

  public DrPlan withApprovals(ApprovalSettings a) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        notifications, deployment, recovery, a);
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
        notifications, deployment, r, approvals);
  }
}
