package io.drorch.workflows.contracts.values;

import java.util.List;

/**
 * @param keptAs where the file it replaced was kept ({@code <to>.pre-<incident>}); null when there
 *     was none
 */
public record EnvironmentResult(String writtenTo, List<String> variableNames, String keptAs) {

  public EnvironmentResult(String writtenTo, List<String> variableNames) {
    this(writtenTo, variableNames, null);
  }
}
