package io.drorch.workflows.contracts.plan;

/**
 * Where the application's environment variables are restored from and to. Values never enter
 * workflow history: the worker copies the file; only variable names are reported.
 *
 * @param from {@code s3:KEY} (a key under the storage prefix) or an absolute file path
 * @param to the absolute path of the env file the application reads
 */
public record EnvironmentSource(String from, String to) {}
