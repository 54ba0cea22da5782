# syntax=docker/dockerfile:1
# The DR Orchestrator worker image: `docker compose up --build` builds it from this repository.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The cache mount keeps downloaded dependencies between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests package -pl starter -am

FROM eclipse-temurin:17-jre-noble
# pg_dump/pg_restore must match the application's PostgreSQL 15 (PGDG repository: Ubuntu has
# only 16), zstd for database.compression: zstd.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl zstd; \
    install -d /usr/share/postgresql-common/pgdg; \
    curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
      https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    . /etc/os-release; \
    echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends postgresql-client-15; \
    apt-get purge -y --auto-remove curl; \
    rm -rf /var/lib/apt/lists/*; \
    pg_dump --version; zstd --version

RUN useradd --system --uid 10001 --home-dir /app dr \
    && mkdir -p /app/uploads && chown -R dr:dr /app
WORKDIR /app
COPY --from=build /src/starter/target/lib/ /app/lib/
COPY --from=build /src/starter/target/dr.jar /app/dr.jar
USER dr
ENV DR_PLAN=/app/dr-plan.yaml
# the worker's Prometheus metrics (DR_METRICS_PORT, default 9464); `dr codec-server` (8888)
EXPOSE 9464 8888
ENTRYPOINT ["java", "-jar", "/app/dr.jar"]
CMD ["worker"]
