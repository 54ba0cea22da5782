package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * What the RPO watch keeps between its ticks (a small object in the plan's bucket,
 * {@code PREFIX/rpo-watch/state.json}): the last measurement and the open breaches.
 *
 * @param last the last tick's measurement; null before the first tick
 * @param open the kinds in breach, with their start and the level told
 */
public record RpoWatchState(RpoSnapshot last, List<RpoBreach> open) {
  public static final RpoWatchState EMPTY = new RpoWatchState(null, List.of());

  public RpoWatchState {
    open = open == null ? List.of() : List.copyOf(open);
  }
}
