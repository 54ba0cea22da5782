package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * One tick of the RPO watch.
 *
 * @param state the state after the tick (measurement and open breaches)
 * @param events what was notified: {@code rpo-breach wal level 1}, {@code rpo-escalated wal level
 *     2}, {@code rpo-recovered wal}
 */
public record RpoWatchResult(RpoWatchState state, List<String> events) {}
