package io.drorch.workflows.contracts.values;

/**
 * What a restore test of a file backup compared: every entry of the listing against the extracted
 * tree (size, SHA-256 and mode of files, directories, link targets; nothing extra on disk).
 */
public record FilesCompared(long entries, long files, long bytes, long problemCount) {}
