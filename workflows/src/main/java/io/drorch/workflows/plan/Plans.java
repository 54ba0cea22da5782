package io.drorch.workflows.plan;

import io.drorch.workflows.common.ActivityStubs;
import io.drorch.workflows.contracts.plan.LoadedPlan;
import io.temporal.workflow.Workflow;

/** Workflow-side: the first step of every workflow, loading the worker's plan. */
public final class Plans {
  private Plans() {}

  /** Runs {@link PlanActivities#load} (a quick activity) and logs which plan the run uses. */
  public static LoadedPlan load() {
    LoadedPlan loaded = ActivityStubs.quick(PlanActivities.class,
        "read the worker's plan (dr-plan.yaml): approvers, keys, commands, paths, hosts").load();
    Workflow.getLogger(Plans.class).info("running on the worker's plan {} (sha256 {})",
        loaded.source(), loaded.sha256());
    return loaded;
  }

  /** The first 12 hex digits: enough for people to compare, e.g. in summaries. */
  public static String shortHash(String sha256) {
    return sha256 == null ? "-" : sha256.substring(0, Math.min(12, sha256.length()));
  }
}
