package io.drorch.workflows.contracts.values;

/** @param previousKeptAs the old database's new name, or null when there was none to keep */
public record SwapDatabaseResult(String liveName, String previousKeptAs) {}
