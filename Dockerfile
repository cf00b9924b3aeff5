# syntax=docker/dockerfile:1
# One image per service, built from a clean checkout with the Maven wrapper:
#   docker build --build-arg SERVICE=user-service -t grpc-platform/user-service:0.1.0-SNAPSHOT .
#   docker build --build-arg SERVICE=chat-service --build-arg GRPC_PORT=9091 --build-arg HTTP_PORT=8083 \
#     --build-arg MANAGEMENT_PORT=8082 \
#     -t grpc-platform/chat-service:0.1.0-SNAPSHOT .
# docker compose build does both (docker-compose.yml passes the same arguments).

# The Maven module to package: user-service or chat-service.
ARG SERVICE=user-service
# ---- start-up cache: the Java the image runs on ------------------------------------------------
# 25 (the default) starts with an AOT cache, 17 to 24 with a dynamic CDS archive; both are trained
# at build time by deploy/jvm/start-up-cache (see the runtime stage). The jar is built for Java 17.
ARG JAVA_VERSION=25
# ------------------------------------------------------------------------------------------------

FROM eclipse-temurin:17-jdk AS build
ARG SERVICE
# Node.js and npm build chat-service's page (chat-service/web: protoc-gen-es and esbuild from npm).
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /workspace
COPY . .
# The services' default build, on Spring Boot 4.1 (-Pboot3 would build them on Spring Boot 3.5/net.devh).
# -P !install-buf: packaging needs no buf CLI (it only lints the contracts in the test phase), so
# the build image needs Node.js only for chat-service's page. The cache mount keeps ~/.m2 between builds.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl "${SERVICE}" -am -P '!install-buf' -DskipTests package \
    && cp "${SERVICE}/target/${SERVICE}-"*.jar /workspace/application.jar

FROM eclipse-temurin:${JAVA_VERSION}-jre AS layers
WORKDIR /layers
COPY --from=build /workspace/application.jar application.jar
# Spring Boot's layers (dependencies, spring-boot-loader, snapshot-dependencies, application), so
# that a code change rebuilds and pushes only the small last layer. Without --launcher: the
# application is a plain application.jar whose manifest names lib/*.jar, the layout a class data
# cache needs (one jar per class path entry, no nested jars).
RUN java -Djarmode=tools -jar application.jar extract --layers --destination extracted

FROM eclipse-temurin:${JAVA_VERSION}-jre
ARG SERVICE
ARG GRPC_PORT=9090
ARG HTTP_PORT=8080
ARG MANAGEMENT_PORT=8081
LABEL org.opencontainers.image.title="grpc-platform ${SERVICE}" \
      org.opencontainers.image.description="grpc-platform sample service ${SERVICE}"
# A numeric user, so that Kubernetes can verify runAsNonRoot without reading /etc/passwd.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
WORKDIR /app
# Owned by root and read-only for the service's user.
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
# The heap follows the container's memory limit; an OutOfMemoryError ends the process, so that the
# orchestrator restarts it instead of leaving it half-working. The Helm charts replace this with
# flags that size heap, direct memory, metaspace, code cache and thread stacks to the pod's limit.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# ---- start-up cache ----------------------------------------------------------------------------
# A training run (the same script `./platform up` and bench/'s StartupBench run) starts the
# application until its context is refreshed and records the classes it loaded: app.aot on Java 25
# (-XX:AOTCacheOutput), app.jsa on Java 17 (-XX:ArchiveClassesAtExit), and start-up.args with the
# option that uses it. No database is reachable here: user-service trains against its embedded
# PostgreSQL in a directory that is removed afterwards (chat-service ignores the variable).
COPY --from=build /workspace/deploy/jvm/start-up-cache /usr/local/bin/start-up-cache
RUN USER_SERVICE_EMBEDDED_POSTGRES_DATA_DIRECTORY=/tmp/training-pg start-up-cache application.jar \
    && rm -rf /tmp/training-pg
# ------------------------------------------------------------------------------------------------
EXPOSE ${GRPC_PORT} ${HTTP_PORT} ${MANAGEMENT_PORT}
USER 10001:10001
# Exec form: java is PID 1 and gets SIGTERM directly, which starts the graceful gRPC shutdown.
# @start-up.args is the cache option the training run wrote (the java launcher reads it from the file).
ENTRYPOINT ["java", "@start-up.args", "-jar", "application.jar"]
