package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * The leases found under {@code PREFIX/leases/}.
 *
 * @param unreadableKeys lease objects whose complete body is not a lease: what they protect is
 *     unknown, so a sweep that sees one deletes nothing
 */
public record LeaseSet(List<BackupLease> leases, List<String> unreadableKeys) {}
