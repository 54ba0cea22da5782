package io.drorch.worker;

import io.drorch.activities.postgres.DatabaseCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Where the worker's secrets come from. They stay in the worker process: never in workflow
 * inputs, results, memos or search attributes, which the Temporal Web UI shows to anyone.
 */
public record WorkerSecrets(DatabaseCredentials database, AwsCredentialsProvider aws) {

  /** Production: PGPASSWORD or ~/.pgpass, and the AWS default credential chain. */
  public static WorkerSecrets fromEnvironment() {
    return new WorkerSecrets(
        DatabaseCredentials.fromEnvironment(), DefaultCredentialsProvider.builder().build());
  }
}
