package io.drorch.workflows.contracts.values;

/**
 * One check of {@code dr pitr setup|status}.
 *
 * @param name what was checked, e.g. {@code archive_mode}
 * @param ok whether it is as point-in-time recovery needs
 * @param found what was found (a setting's value, a command's last lines)
 * @param fix exactly what to change when not ok (null when ok)
 */
public record PitrCheck(String name, boolean ok, String found, String fix) {}
