package io.drorch.workflows.contracts.plan;

import java.time.Duration;
import java.util.List;

/** Where stakeholders are told what happens, and how often progress is reported. */
public record NotificationSettings(Duration progressInterval, List<NotificationChannel> channels) {}
