package io.drorch.workflows.contracts.plan;

/** The application's uploads directory (an absolute path on the worker's host). */
public record FilesTarget(String uploadsDir) {}
