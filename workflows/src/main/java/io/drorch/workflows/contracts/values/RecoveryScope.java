package io.drorch.workflows.contracts.values;

/** What a recovery brings back. */
public enum RecoveryScope { DATABASE, FILES, APPLICATION }
