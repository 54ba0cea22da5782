/**
 * The wire contract: every type Temporal serialises into history — workflow and activity inputs,
 * results, manifests, decisions, signal/update/query payloads, and the plan itself. Running
 * workflows outlive deployments (a recovery can wait days for a CEO), so these records change
 * only compatibly: add nullable fields at the end, never rename or remove one, never change a
 * field's meaning. Nothing here imports from the rest of the code base; package names do not
 * reach the wire (Jackson writes records as plain JSON objects).
 *
 * <ul>
 *   <li>{@code commands}: what starts or steers work — workflow inputs, activity inputs, the
 *       payloads of signals and updates (decisions, escalations, step updates).</li>
 *   <li>{@code queries}: what queries answer (the recovery's status, its pending decisions).</li>
 *   <li>{@code values}: results and stored facts — manifests, catalogs, reports, outcomes.</li>
 *   <li>{@code plan}: the Disaster Recovery Plan as data (no secrets).</li>
 * </ul>
 */
package io.drorch.workflows.contracts;
