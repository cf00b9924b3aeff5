# syntax=docker/dockerfile:1
# One image per service, built from a clean checkout with the Maven wrapper:
#   docker build --build-arg SERVICE=user-service -t grpc-platform/user-service:0.1.0-SNAPSHOT .
#   docker build --build-arg SERVICE=chat-service --build-arg GRPC_PORT=9091 --build-arg HTTP_PORT=8083 \
#     --build-arg MANAGEMENT_PORT=8082 \
#     -t grpc-platform/chat-service:0.1.0-SNAPSHOT .
# docker compose build does both (docker-compose.yml passes the same arguments).

# The Maven module to package: user-service or chat-service.
ARG SERVICE=user-service

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

FROM eclipse-temurin:17-jre AS layers
WORKDIR /layers
COPY --from=build /workspace/application.jar application.jar
# Spring Boot's layers (dependencies, spring-boot-loader, snapshot-dependencies, application) with
# the launcher, so that a code change rebuilds and pushes only the small last layer.
RUN java -Djarmode=tools -jar application.jar extract --layers --launcher --destination extracted

FROM eclipse-temurin:17-jre
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
EXPOSE ${GRPC_PORT} ${HTTP_PORT} ${MANAGEMENT_PORT}
USER 10001:10001
# Exec form: java is PID 1 and gets SIGTERM directly, which starts the graceful gRPC shutdown.
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
