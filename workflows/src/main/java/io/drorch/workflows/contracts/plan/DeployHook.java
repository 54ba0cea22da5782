package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.List;

/**
 * Deploys the latest version of the application: either a command run on the worker's host
 * (an argument list, never a shell string) or an HTTP call (e.g. a CI/CD webhook).
 *
 * @param command the command and its arguments, or null when {@code url} is used
 * @param url the URL to call, or null when {@code command} is used
 * @param method HTTP method for {@code url} (default POST)
 */
public record DeployHook(List<String> command, String url, String method, Duration timeout) {}
