package io.drorch.starter.cli;

import io.drorch.local.SampleAppServer;
import io.drorch.local.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The docker-compose stack's other services, from the same image (not for operators). */
@Command(name = "sample", hidden = true, mixinStandardHelpOptions = true,
    description = "The sample application and the webhook receiver of the docker-compose stack.",
    subcommands = {SampleCommand.App.class, SampleCommand.Webhook.class})
class SampleCommand {

  @Command(name = "app", mixinStandardHelpOptions = true,
      description = "Serve the AI Docs Assistant: GET /health (its environment file, database and"
          + " uploads), POST /deploy (the deploy hook), GET /ready. The database password comes"
          + " from PGPASSWORD.")
  static class App implements Callable<Integer> {
    @Option(names = "--host", description = "Interface (default: ${DEFAULT-VALUE}).")
    String host = "0.0.0.0";

    @Option(names = "--port", description = "Port (default: ${DEFAULT-VALUE}).")
    int port = 8080;

    @Option(names = "--env-file", description = "The environment file it reads (default:"
        + " ${DEFAULT-VALUE}).")
    Path envFile = Path.of("/etc/ai-docs/app.env");

    @Option(names = "--initial-env", description = "On the first start, put this environment"
        + " file in place and create the sample database and uploads.")
    Path initialEnv;

    @Option(names = "--installed-marker", description = "Written after the first start; while"
        + " it exists nothing is created again (default: ${DEFAULT-VALUE}).")
    Path marker = Path.of("/app/data/.ai-docs-installed");

    @Override
    public Integer call() throws Exception {
      String password = System.getenv("PGPASSWORD");
      if (initialEnv != null) {
        System.out.println(SampleAppServer.install(envFile, initialEnv, marker, password,
            Duration.ofMinutes(2)));
      }
      try (SampleAppServer app = SampleAppServer.start(host, port, envFile, password)) {
        System.out.println("AI Docs Assistant on " + host + ":" + app.port() + ", environment "
            + envFile);
        Thread.currentThread().join();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "webhook", mixinStandardHelpOptions = true,
      description = "Receive webhook notifications: POST anything; GET /count, /received, /ready.")
  static class Webhook implements Callable<Integer> {
    @Option(names = "--host", description = "Interface (default: ${DEFAULT-VALUE}).")
    String host = "0.0.0.0";

    @Option(names = "--port", description = "Port (default: ${DEFAULT-VALUE}).")
    int port = 8099;

    @Override
    public Integer call() throws Exception {
      try (WebhookReceiver receiver = WebhookReceiver.start(host, port)) {
        System.out.println("webhook receiver on " + host + ":" + receiver.port());
        Thread.currentThread().join();
      }
      return ExitCodes.OK;
    }
  }
}
