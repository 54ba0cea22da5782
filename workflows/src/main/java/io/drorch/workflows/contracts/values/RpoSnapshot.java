package io.drorch.workflows.contracts.values;

import java.time.Instant;
import java.util.List;

/** The ages of every watched kind, measured at {@code at}. */
public record RpoSnapshot(Instant at, List<RpoAge> ages) {}
