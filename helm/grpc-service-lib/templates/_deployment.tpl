{{- define "grpc-service.deployment" -}}
{{- include "grpc-service.validate" . -}}
{{- $fullname := include "grpc-service.fullname" . -}}
{{- $jwtPublicKey := include "grpc-service.jwtPublicKeySource" . | fromYaml -}}
{{- $jwtSecret := include "grpc-service.jwtSecretSource" . | fromYaml -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "grpc-service.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      # A new pod must be ready before an old one goes: capacity never drops during a rollout.
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      annotations:
        # A changed configuration or Secret rolls the pods (values taken from an existingSecret are
        # not covered: roll them with "kubectl rollout restart").
        checksum/config: {{ include "grpc-service.configmap" . | sha256sum }}
        checksum/secret: {{ include "grpc-service.secret" . | sha256sum }}
        {{- if .Values.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ .Values.ports.management | quote }}
        prometheus.io/path: {{ .Values.metrics.path | quote }}
        {{- end }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "grpc-service.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "grpc-service.serviceAccountName" . }}
      # The services never call the Kubernetes API.
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        runAsNonRoot: true
        runAsUser: {{ .Values.securityContext.runAsUser }}
        runAsGroup: {{ .Values.securityContext.runAsGroup }}
        fsGroup: {{ .Values.securityContext.runAsGroup }}
        seccompProfile:
          type: RuntimeDefault
      terminationGracePeriodSeconds: {{ include "grpc-service.terminationGracePeriodSeconds" . }}
      {{- if .Values.topologySpread.enabled }}
      topologySpreadConstraints:
        {{- range .Values.topologySpread.topologyKeys }}
        - maxSkew: 1
          topologyKey: {{ . }}
          whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "grpc-service.selectorLabels" $ | nindent 14 }}
        {{- end }}
      {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "grpc-service.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - name: grpc
              containerPort: {{ .Values.ports.grpc }}
              protocol: TCP
            {{- if include "grpc-service.httpEnabled" . }}
            - name: http
              containerPort: {{ .Values.ports.http }}
              protocol: TCP
            {{- end }}
            - name: management
              containerPort: {{ .Values.ports.management }}
              protocol: TCP
          env:
            - name: SPRING_CONFIG_ADDITIONAL_LOCATION
              value: {{ printf "file:%s" (include "grpc-service.configDirectory" .) | quote }}
            - name: JAVA_TOOL_OPTIONS
              value: {{ include "grpc-service.javaToolOptions" . | quote }}
            {{- with .Values.database }}
            {{- if or .password .existingSecret }}
            - name: SPRING_DATASOURCE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ .existingSecret | default $fullname }}
                  key: {{ ternary .existingSecretPasswordKey "database-password" (not (empty .existingSecret)) }}
            {{- end }}
            {{- end }}
            {{- with .Values.redis }}
            {{- if or .password .existingSecret }}
            - name: SPRING_DATA_REDIS_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ .existingSecret | default $fullname }}
                  key: {{ ternary .existingSecretPasswordKey "redis-password" (not (empty .existingSecret)) }}
            {{- end }}
            {{- end }}
            {{- with $jwtSecret }}
            - name: PLATFORM_GRPC_SECURITY_JWT_SECRET
              valueFrom:
                secretKeyRef:
                  name: {{ .secret }}
                  key: {{ .key }}
            {{- end }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: config
              mountPath: {{ include "grpc-service.configDirectory" . | trimSuffix "/" }}
              readOnly: true
            {{- if $jwtPublicKey }}
            - name: jwt
              mountPath: {{ include "grpc-service.jwtDirectory" . }}
              readOnly: true
            {{- end }}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop:
                - ALL
            seccompProfile:
              type: RuntimeDefault
          # Native gRPC probes (grpc.health.v1) on the numeric port: Kubernetes rejects a named
          # port here. "liveness" follows the app's liveness; "readiness" its readiness group
          # (database included), so a pod whose database is down leaves the endpoints but is not
          # restarted. The startup probe asks liveness too: a database outage during a rollout
          # must not turn into a restart loop.
          startupProbe:
            grpc:
              port: {{ .Values.ports.grpc }}
              service: {{ .Values.health.livenessService }}
            {{- include "grpc-service.probeTimings" .Values.probes.startup | nindent 12 }}
          livenessProbe:
            grpc:
              port: {{ .Values.ports.grpc }}
              service: {{ .Values.health.livenessService }}
            {{- include "grpc-service.probeTimings" .Values.probes.liveness | nindent 12 }}
          readinessProbe:
            grpc:
              port: {{ .Values.ports.grpc }}
              service: {{ .Values.health.readinessService }}
            {{- include "grpc-service.probeTimings" .Values.probes.readiness | nindent 12 }}
          lifecycle:
            preStop:
              # Keep serving while the endpoint removal reaches kube-proxy, meshes and the clients'
              # DNS re-resolution; only then does SIGTERM start the app's graceful shutdown.
              exec:
                command:
                  - sleep
                  - {{ .Values.shutdown.preStopSleepSeconds | quote }}
          {{- with .Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ .Values.tmpSizeLimit }}
        - name: config
          configMap:
            name: {{ $fullname }}
        {{- with $jwtPublicKey }}
        - name: jwt
          secret:
            secretName: {{ .secret }}
            items:
              - key: {{ .key }}
                path: public-key.pem
        {{- end }}
{{- end -}}

{{- define "grpc-service.probeTimings" -}}
initialDelaySeconds: {{ .initialDelaySeconds }}
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end -}}
