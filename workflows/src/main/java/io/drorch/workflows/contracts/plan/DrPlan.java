package io.drorch.workflows.contracts.plan;

import java.util.List;

/**
 * The Disaster Recovery Plan as data: loaded and validated from {@code dr-plan.yaml} by the
 * worker (see {@code io.drorch.activities.plan.PlanLoader}) in each workflow's first activity,
 * never taken from a workflow's input. Holds no secrets.
 *
 * @param drills DR tests and verify-by-restore (null: {@code PlanDefaults.drills})
 * @param postIncident the post-mortem's owners, due dates, reminders (null: the defaults)
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
    ApprovalSettings approvals,
    DrillSettings drills,
    PostIncidentSettings postIncident) {

  /** A plan without the drills and post-incident sections (their defaults apply). */
  public DrPlan(String application, Objectives objectives, DatabaseTarget database,
      FilesTarget files, StorageTarget storage, ScheduleSettings schedules,
      List<EscalationLevel> escalation, NotificationSettings notifications,
      ApplicationTarget deployment, RecoverySettings recovery, ApprovalSettings approvals) {
    this(application, objectives, database, files, storage, schedules, escalation, notifications,
        deployment, recovery, approvals, null, null);
  }

  public DrPlan withDatabase(DatabaseTarget d) {
    return new DrPlan(application, objectives, d, files, storage, schedules, escalation,
        notifications, deployment, recovery, approvals, drills, postIncident);
  }

  public DrPlan withEscalation(List<EscalationLevel> levels) {
    return new DrPlan(application, objectives, database, files, storage, schedules, levels,
        notifications, deployment, recovery, approvals, drills, postIncident);
  }

  public DrPlan withFiles(FilesTarget f) {
    return new DrPlan(application, objectives, database, f, storage, schedules, escalation,
        notifications, deployment, recovery, approvals, drills, postIncident);
  }

  public DrPlan withStorage(StorageTarget s) {
    return new DrPlan(application, objectives, database, files, s, schedules, escalation,
        notifications, deployment, recovery, approvals, drills, postIncident);
  }

  public DrPlan withDeployment(ApplicationTarget d) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        notifications, d, recovery, approvals, drills, postIncident);
  }

  public DrPlan withNotifications(NotificationSettings n) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        n, deployment, recovery, approvals, drills, postIncident);
  }

  public DrPlan withApprovals(ApprovalSettings a) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        notifications, deployment, recovery, a, drills, postIncident);
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
        notifications, deployment, r, approvals, drills, postIncident);
  }

  public DrPlan withDrills(DrillSettings d) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        notifications, deployment, recovery, approvals, d, postIncident);
  }

  public DrPlan withPostIncident(PostIncidentSettings p) {
    return new DrPlan(application, objectives, database, files, storage, schedules, escalation,
        notifications, deployment, recovery, approvals, drills, p);
  }

  public DrPlan withSchedules(ScheduleSettings s) {
    return new DrPlan(application, objectives, database, files, storage, s, escalation,
        notifications, deployment, recovery, approvals, drills, postIncident);
  }
}
