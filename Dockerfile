# syntax=docker/dockerfile:1
# The DR Orchestrator image: `docker compose up --build` builds it from this repository. The
# worker (CMD), and with other commands the stack's sample application (`sample app`) and webhook
# receiver (`sample webhook`). It carries the sample application's Flyway migrations (the
# recovery applies pending ones; the app creates its database with them) and the app's deploy
# hook at the path the plan names (/opt/ai-docs/deploy.sh).

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps downloaded dependencies between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests package -pl starter -am

FROM eclipse-temurin:17-jre-noble
# pg_dump/pg_restore must match the application's PostgreSQL 15 (PGDG repository: Ubuntu has
# only 16), zstd for database.compression: zstd, curl for the deploy hook and the health checks,
# ssh-keygen (openssh-client) for `dr approve`, which signs decisions.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl zstd openssh-client; \
    install -d /usr/share/postgresql-common/pgdg; \
    curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
      https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    . /etc/os-release; \
    echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends postgresql-client-15; \
    rm -rf /var/lib/apt/lists/*; \
    pg_dump --version; zstd --version; curl --version

# /app/data (uploads) and /etc/ai-docs (the app's environment file) are volumes shared by the
# worker and the app: created here owned by dr, so that new named volumes are too.
RUN useradd --system --uid 10001 --home-dir /app dr \
    && mkdir -p /app/data /etc/ai-docs && chown -R dr:dr /app /etc/ai-docs
WORKDIR /app
COPY --from=build /src/starter/target/lib/ /app/lib/
COPY --from=build /src/starter/target/dr.jar /app/dr.jar
COPY sample/ /app/sample/
COPY --chmod=755 deploy/app/deploy.sh /opt/ai-docs/deploy.sh
USER dr
ENV DR_PLAN=/app/dr-plan.yaml
# the worker's Prometheus metrics (DR_METRICS_PORT, default 9464); `dr codec-server` (8888)
EXPOSE 9464 8888
ENTRYPOINT ["java", "-jar", "/app/dr.jar"]
CMD ["worker"]
