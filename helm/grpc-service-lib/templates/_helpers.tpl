{{/*
Names, labels and values computed from other values. Every template of this library is called with
the service chart's root context.
*/}}

{{- define "grpc-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The release's object names: the release name when it already contains the chart name
("helm install user-service helm/user-service" gives "user-service", the name chat-service's
default address points at), otherwise "<release>-<chart>".
*/}}
{{- define "grpc-service.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The headless Service's name; "-headless" needs 9 of the 63 characters. */}}
{{- define "grpc-service.headlessName" -}}
{{- printf "%s-headless" (include "grpc-service.fullname" . | trunc 54 | trimSuffix "-") -}}
{{- end -}}

{{- define "grpc-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "grpc-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "grpc-service.labels" -}}
{{ include "grpc-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{ include "grpc-service.releaseLabels" . }}
{{- end -}}

{{/* Labels of every object of the release, the helm test pod included; no selector reads them. */}}
{{- define "grpc-service.releaseLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: grpc-platform
{{- end -}}

{{/* Label that lets a pod through the NetworkPolicy to the gRPC port (the helm test pod has it). */}}
{{- define "grpc-service.clientLabel" -}}
{{ include "grpc-service.fullname" . | trunc 56 | trimSuffix "-" }}-client: "true"
{{- end -}}

{{- define "grpc-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "grpc-service.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "grpc-service.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/*
terminationGracePeriodSeconds: the preStop sleep, then the gRPC grace period for calls in flight,
then the rest of the application context, then a margin; the kubelet kills the container only after
all four, so never while the context is still closing.
*/}}
{{- define "grpc-service.terminationGracePeriodSeconds" -}}
{{- with .Values.shutdown -}}
{{- add .preStopSleepSeconds .gracePeriodSeconds .contextCloseSeconds .terminationMarginSeconds -}}
{{- end -}}
{{- end -}}

{{/*
A memory quantity of the values ("768Mi", "1Gi", "500M", or a number of bytes) in MiB, as a float.
*/}}
{{- define "grpc-service.mebibytes" -}}
{{- if or (kindIs "float64" .) (kindIs "int" .) (kindIs "int64" .) -}}
{{- divf . 1048576 -}}
{{- else -}}
{{- $number := regexFind "^[0-9]+([.][0-9]+)?" . -}}
{{- $factors := dict "" (divf 1 1048576) "k" (divf 1000 1048576) "Ki" (divf 1 1024) "M" (divf 1000000 1048576) "Mi" 1 "G" (divf 1000000000 1048576) "Gi" 1024 "T" (divf 1000000000000 1048576) "Ti" 1048576 -}}
{{- $suffix := trimPrefix $number . -}}
{{- if or (not $number) (not (hasKey $factors $suffix)) -}}
{{- fail (printf "%s is not a memory size the chart can read: use a number with Ki, Mi, Gi, k, M or G" .) -}}
{{- end -}}
{{- mulf (float64 $number) (get $factors $suffix) -}}
{{- end -}}
{{- end -}}

{{/*
JAVA_TOOL_OPTIONS: memory flags sized to fit resources.limits.memory, then jvm.options. Every area
the JVM may grow is capped (direct buffers, metaspace, code cache, thread stacks) and, with
jvm.nativeOverhead for what no flag caps and 5 % headroom, taken from the limit; the heap (-Xmx) gets
the rest. So the JVM throws OutOfMemoryError (and exits, -XX:+ExitOnOutOfMemoryError) before the
container reaches its limit, instead of being killed by the kernel.
*/}}
{{- define "grpc-service.javaToolOptions" -}}
{{- $jvm := .Values.jvm -}}
{{- $limitQuantity := dig "limits" "memory" "" (.Values.resources | default dict) -}}
{{- if not $limitQuantity -}}
{{- fail "resources.limits.memory is required: the JVM's heap, direct memory, metaspace, code cache and thread stacks are sized to fit it" -}}
{{- end -}}
{{- $forbidden := regexFind "(-Xmx|-Xss|-XX:(Max|Initial|Min)RAMPercentage|-XX:MaxRAM=|-XX:MaxDirectMemorySize|-XX:MaxMetaspaceSize|-XX:ReservedCodeCacheSize|-XX:ThreadStackSize|io[.]netty[.]maxDirectMemory|io[.]netty[.]tryReflectionSetAccessible)" $jvm.options -}}
{{- if $forbidden -}}
{{- fail (printf "jvm.options must not set %s: the chart sizes the JVM's memory from resources.limits.memory and jvm.maxDirectMemory, maxMetaspace, reservedCodeCache, threadStackSize, threads and nativeOverhead" $forbidden) -}}
{{- end -}}
{{- $limit := include "grpc-service.mebibytes" $limitQuantity | float64 -}}
{{- $direct := include "grpc-service.mebibytes" $jvm.maxDirectMemory | float64 | ceil -}}
{{- $metaspace := include "grpc-service.mebibytes" $jvm.maxMetaspace | float64 | ceil -}}
{{- $codeCache := include "grpc-service.mebibytes" $jvm.reservedCodeCache | float64 | ceil -}}
{{- $stackKiB := mulf (include "grpc-service.mebibytes" $jvm.threadStackSize | float64) 1024 | ceil -}}
{{- $stacks := divf (mulf $stackKiB $jvm.threads) 1024 -}}
{{- $native := include "grpc-service.mebibytes" $jvm.nativeOverhead | float64 | ceil -}}
{{- $heap := subf (mulf $limit 0.95) $direct $metaspace $codeCache $stacks $native | floor -}}
{{- if lt $heap 128.0 -}}
{{- fail (printf "resources.limits.memory %s leaves %d MiB for the heap, less than 128 MiB: 95 %% of it (%d MiB) goes first to jvm.maxDirectMemory (%d MiB), maxMetaspace (%d MiB), reservedCodeCache (%d MiB), %d threads x threadStackSize (%d MiB) and nativeOverhead (%d MiB); raise the limit to at least %dMi or lower those" (toString $limitQuantity) (int64 $heap) (int64 (floor (mulf $limit 0.95))) (int64 $direct) (int64 $metaspace) (int64 $codeCache) (int64 $jvm.threads) (int64 (ceil $stacks)) (int64 $native) (int64 (ceil (divf (addf $direct $metaspace $codeCache $stacks $native 128) 0.95)))) -}}
{{- end -}}
{{- printf "-Xmx%dm -XX:MaxDirectMemorySize=%dm -XX:MaxMetaspaceSize=%dm -XX:ReservedCodeCacheSize=%dm -Xss%dk %s" (int64 $heap) (int64 $direct) (int64 $metaspace) (int64 $codeCache) (int64 $stackKiB) $jvm.options | trim -}}
{{- end -}}

{{/* Where the ConfigMap's application.yaml and the JWT public key are mounted. */}}
{{- define "grpc-service.configDirectory" -}}/etc/grpc-service/config/{{- end -}}
{{- define "grpc-service.jwtDirectory" -}}/etc/grpc-service/jwt{{- end -}}

{{/* JDBC URL from database.host, port, name and parameters. */}}
{{- define "grpc-service.jdbcUrl" -}}
{{- $db := .Values.database -}}
{{- $url := printf "jdbc:postgresql://%s:%d/%s" $db.host (int $db.port) $db.name -}}
{{- if $db.parameters -}}
{{- $pairs := list -}}
{{- range $key, $value := $db.parameters -}}
{{- $pairs = append $pairs (printf "%s=%s" $key (toString $value)) -}}
{{- end -}}
{{- $url = printf "%s?%s" $url (join "&" $pairs) -}}
{{- end -}}
{{- $url -}}
{{- end -}}

{{/*
The chart's Secret holds the secret values given in the values file; values taken from an
existingSecret are not copied. Keys: database-password, redis-password, jwt-secret,
jwt-public-key.pem.
*/}}
{{- define "grpc-service.secretData" -}}
{{- $data := dict -}}
{{- with .Values.database -}}
{{- if and .password (not .existingSecret) -}}
{{- $_ := set $data "database-password" .password -}}
{{- end -}}
{{- end -}}
{{- with .Values.redis -}}
{{- if and .password (not .existingSecret) -}}
{{- $_ := set $data "redis-password" .password -}}
{{- end -}}
{{- end -}}
{{- with .Values.security.jwt -}}
{{- if .secret -}}
{{- $_ := set $data "jwt-secret" .secret -}}
{{- end -}}
{{- if .publicKey -}}
{{- $_ := set $data "jwt-public-key.pem" .publicKey -}}
{{- end -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/* Where the JWT public key comes from: a Secret name and key, or nothing. */}}
{{- define "grpc-service.jwtPublicKeySource" -}}
{{- $jwt := .Values.security.jwt -}}
{{- if $jwt.publicKey -}}
{{- toYaml (dict "secret" (include "grpc-service.fullname" .) "key" "jwt-public-key.pem") -}}
{{- else if and $jwt.existingSecret $jwt.existingSecretKeys.publicKey -}}
{{- toYaml (dict "secret" $jwt.existingSecret "key" $jwt.existingSecretKeys.publicKey) -}}
{{- else -}}
{{- toYaml dict -}}
{{- end -}}
{{- end -}}

{{/* Where the JWT HS256 secret comes from: a Secret name and key, or nothing. */}}
{{- define "grpc-service.jwtSecretSource" -}}
{{- $jwt := .Values.security.jwt -}}
{{- if $jwt.secret -}}
{{- toYaml (dict "secret" (include "grpc-service.fullname" .) "key" "jwt-secret") -}}
{{- else if and $jwt.existingSecret $jwt.existingSecretKeys.secret -}}
{{- toYaml (dict "secret" $jwt.existingSecret "key" $jwt.existingSecretKeys.secret) -}}
{{- else -}}
{{- toYaml dict -}}
{{- end -}}
{{- end -}}

{{/*
"true" when gRPC-Web or HTTP/JSON is enabled (http.grpcWeb.enabled, http.json.enabled): only then
do the container, the Service and the NetworkPolicy open the application's HTTP port.
*/}}
{{- define "grpc-service.httpEnabled" -}}
{{- if or .Values.http.grpcWeb.enabled .Values.http.json.enabled -}}true{{- end -}}
{{- end -}}

{{/*
Spring properties of the release (the ConfigMap's application.yaml). The chart sets the ports,
health service names, shutdown grace period, connections and JWT settings from their values;
`config` adds any other property and may not set one of these.
*/}}
{{- define "grpc-service.properties" -}}
{{- $props := dict -}}
{{- /* The gRPC port and channels in the keys of both Spring Boot lines: Spring Boot 4.1's (the image's
default build) and net.devh's (Spring Boot 3.5); each line reads its own keys and ignores the other's. */ -}}
{{- $_ := set $props "spring.grpc.server.port" (int .Values.ports.grpc) -}}
{{- $_ := set $props "grpc.server.port" (int .Values.ports.grpc) -}}
{{- $_ := set $props "server.port" (int .Values.ports.http) -}}
{{- $_ := set $props "management.server.port" (int .Values.ports.management) -}}
{{- $_ := set $props "platform.grpc.http.grpc-web.enabled" .Values.http.grpcWeb.enabled -}}
{{- $_ := set $props "platform.grpc.http.json.enabled" .Values.http.json.enabled -}}
{{- if .Values.http.cors.allowedOrigins -}}
{{- $_ := set $props "platform.grpc.http.cors.allowed-origins" (join "," .Values.http.cors.allowedOrigins) -}}
{{- end -}}
{{- $_ := set $props "platform.grpc.health.liveness-service-name" .Values.health.livenessService -}}
{{- $_ := set $props "platform.grpc.health.readiness-service-name" .Values.health.readinessService -}}
{{- $_ := set $props "platform.grpc.shutdown.grace-period" (printf "%ds" (int .Values.shutdown.gracePeriodSeconds)) -}}
{{- with .Values.database -}}
{{- $_ := set $props "spring.datasource.url" (include "grpc-service.jdbcUrl" $) -}}
{{- $_ := set $props "spring.datasource.username" .username -}}
{{- end -}}
{{- with .Values.redis -}}
{{- $_ := set $props "spring.data.redis.host" .host -}}
{{- $_ := set $props "spring.data.redis.port" (int .port) -}}
{{- end -}}
{{- range $name, $channel := .Values.grpcChannels -}}
{{- $_ := set $props (printf "spring.grpc.client.channel.%s.target" $name) (printf "dns:///%s:%d" $channel.host (int $channel.port)) -}}
{{- $_ := set $props (printf "grpc.client.%s.address" $name) (printf "dns:///%s:%d" $channel.host (int $channel.port)) -}}
{{- end -}}
{{- $jwt := .Values.security.jwt -}}
{{- if $jwt.jwkSetUri -}}
{{- $_ := set $props "platform.grpc.security.jwt.jwk-set-uri" $jwt.jwkSetUri -}}
{{- end -}}
{{- if (include "grpc-service.jwtPublicKeySource" . | fromYaml) -}}
{{- $_ := set $props "platform.grpc.security.jwt.public-key-location" (printf "file:%s/public-key.pem" (include "grpc-service.jwtDirectory" .)) -}}
{{- end -}}
{{- if $jwt.issuer -}}
{{- $_ := set $props "platform.grpc.security.jwt.issuer" $jwt.issuer -}}
{{- end -}}
{{- if $jwt.audiences -}}
{{- $_ := set $props "platform.grpc.security.jwt.audiences" (join "," $jwt.audiences) -}}
{{- end -}}
{{- $managed := list "spring.grpc.server.port" "grpc.server.port" "server.port" "management.server.port" "platform.grpc.http.grpc-web.enabled" "platform.grpc.http.json.enabled" "platform.grpc.http.cors.allowed-origins" "platform.grpc.health.liveness-service-name" "platform.grpc.health.readiness-service-name" "platform.grpc.shutdown.grace-period" "platform.grpc.security.jwt.jwk-set-uri" "platform.grpc.security.jwt.public-key-location" "platform.grpc.security.jwt.issuer" "platform.grpc.security.jwt.audiences" -}}
{{- if .Values.database -}}
{{- $managed = concat $managed (list "spring.datasource.url" "spring.datasource.username") -}}
{{- end -}}
{{- if .Values.redis -}}
{{- $managed = concat $managed (list "spring.data.redis.host" "spring.data.redis.port") -}}
{{- end -}}
{{- range $name, $_ := .Values.grpcChannels -}}
{{- $managed = concat $managed (list (printf "spring.grpc.client.channel.%s.target" $name) (printf "grpc.client.%s.address" $name)) -}}
{{- end -}}
{{- range $key, $value := .Values.config -}}
{{- if has $key $managed -}}
{{- fail (printf "config.%s is set by the chart from other values (ports, health, shutdown, database, redis, grpcChannels, security.jwt); set those instead" $key) -}}
{{- end -}}
{{- if or (hasPrefix "spring.datasource.password" $key) (hasPrefix "spring.data.redis.password" $key) (hasPrefix "platform.grpc.security.jwt.secret" $key) -}}
{{- fail (printf "config.%s is a secret: use the password/secret values or an existingSecret, which are kept in a Secret" $key) -}}
{{- end -}}
{{- $_ := set $props $key $value -}}
{{- end -}}
{{- toYaml $props -}}
{{- end -}}

{{/*
Checks across values that the schema cannot express; called by the Deployment so that a bad
combination fails the install with a message instead of a crash-looping pod.
*/}}
{{- define "grpc-service.validate" -}}
{{- $jwt := .Values.security.jwt -}}
{{- $keys := list -}}
{{- if $jwt.jwkSetUri -}}{{- $keys = append $keys "security.jwt.jwkSetUri" -}}{{- end -}}
{{- if $jwt.secret -}}{{- $keys = append $keys "security.jwt.secret" -}}{{- end -}}
{{- if $jwt.publicKey -}}{{- $keys = append $keys "security.jwt.publicKey" -}}{{- end -}}
{{- if $jwt.existingSecretKeys.secret -}}{{- $keys = append $keys "security.jwt.existingSecretKeys.secret" -}}{{- end -}}
{{- if $jwt.existingSecretKeys.publicKey -}}{{- $keys = append $keys "security.jwt.existingSecretKeys.publicKey" -}}{{- end -}}
{{- if gt (len $keys) 1 -}}
{{- fail (printf "configure one JWT key source, not %s: the service refuses to start with more than one" (join ", " $keys)) -}}
{{- end -}}
{{- if and $jwt.existingSecret (not (or $jwt.existingSecretKeys.secret $jwt.existingSecretKeys.publicKey)) -}}
{{- fail "security.jwt.existingSecret needs security.jwt.existingSecretKeys.secret or .publicKey: the key of that Secret that holds the HS256 secret or the PEM public key" -}}
{{- end -}}
{{- if and (not $jwt.existingSecret) (or $jwt.existingSecretKeys.secret $jwt.existingSecretKeys.publicKey) -}}
{{- fail "security.jwt.existingSecretKeys needs security.jwt.existingSecret, the name of the Secret" -}}
{{- end -}}
{{- if and $jwt.secret (lt (len $jwt.secret) 32) -}}
{{- fail "security.jwt.secret must be at least 32 bytes: the service refuses shorter HS256 secrets" -}}
{{- end -}}
{{- with .Values.podDisruptionBudget -}}
{{- if and .enabled (not (kindIs "invalid" .minAvailable)) (not (kindIs "invalid" .maxUnavailable)) -}}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable, not both" -}}
{{- end -}}
{{- end -}}
{{- include "grpc-service.validateDisruptionBudget" . -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
{{- fail "autoscaling.minReplicas must not be greater than autoscaling.maxReplicas" -}}
{{- end -}}
{{- end -}}

{{/*
A PodDisruptionBudget must leave at least one pod evictable at the fewest replicas the release runs
(replicaCount, or autoscaling.minReplicas): one that allows no disruption blocks every node drain
and cluster upgrade. Percentages round up, as Kubernetes does.
*/}}
{{- define "grpc-service.validateDisruptionBudget" -}}
{{- $pdb := .Values.podDisruptionBudget -}}
{{- $replicas := int .Values.replicaCount -}}
{{- $replicasFrom := "replicaCount" -}}
{{- if .Values.autoscaling.enabled -}}
{{- $replicas = int .Values.autoscaling.minReplicas -}}
{{- $replicasFrom = "autoscaling.minReplicas" -}}
{{- end -}}
{{- $blocks := "podDisruptionBudget.%s %v %s: node drains and cluster upgrades would wait for it forever; %s" -}}
{{- if and $pdb.enabled (gt $replicas 0) -}}
{{- if not (kindIs "invalid" $pdb.minAvailable) -}}
{{- $minAvailable := int $pdb.minAvailable -}}
{{- if kindIs "string" $pdb.minAvailable -}}
{{- $minAvailable = divf (mulf $replicas (trimSuffix "%" $pdb.minAvailable | float64)) 100 | ceil | int -}}
{{- end -}}
{{- if ge $minAvailable $replicas -}}
{{- fail (printf $blocks "minAvailable" $pdb.minAvailable (printf "keeps all %d pods (%s) available: it allows no voluntary disruption" $replicas $replicasFrom) (printf "set it below %d, or maxUnavailable" $replicas)) -}}
{{- end -}}
{{- else if not (kindIs "invalid" $pdb.maxUnavailable) -}}
{{- if eq (toString $pdb.maxUnavailable | trimSuffix "%" | float64) 0.0 -}}
{{- fail (printf $blocks "maxUnavailable" $pdb.maxUnavailable "allows no voluntary disruption" "set at least 1") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
