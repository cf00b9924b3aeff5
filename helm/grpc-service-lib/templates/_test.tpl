{{/*
"helm test <release>": a Pod that asks the ClusterIP Service for gRPC health (readiness) with
grpc-health-probe. It carries the client label, so the NetworkPolicy lets it in, and not the
service's selector labels (its app.kubernetes.io/name is the probe's): otherwise the Services would
route calls to it, the PDB and topology spread would count it, and the service's own NetworkPolicy,
whose egress allows DNS and the database only, would drop the probe's call.
*/}}
{{- define "grpc-service.test" -}}
{{- if .Values.tests.enabled -}}
{{- $fullname := include "grpc-service.fullname" . -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ printf "%s-test-grpc-health" ($fullname | trunc 46 | trimSuffix "-") }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.releaseLabels" . | nindent 4 }}
    app.kubernetes.io/name: grpc-health-probe
    app.kubernetes.io/instance: {{ .Release.Name }}
    app.kubernetes.io/version: {{ .Values.tests.image.tag | quote }}
    app.kubernetes.io/component: test
    {{- include "grpc-service.clientLabel" . | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  enableServiceLinks: false
  securityContext:
    runAsNonRoot: true
    # The probe image's nonroot user.
    runAsUser: 65532
    runAsGroup: 65532
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: grpc-health-probe
      image: {{ printf "%s:%s" .Values.tests.image.repository .Values.tests.image.tag | quote }}
      imagePullPolicy: {{ .Values.tests.image.pullPolicy }}
      command:
        - /ko-app/grpc-health-probe
      args:
        - {{ printf "-addr=%s.%s.svc:%d" $fullname .Release.Namespace (int .Values.ports.grpc) | quote }}
        - {{ printf "-service=%s" .Values.health.readinessService | quote }}
        - -connect-timeout=5s
        - -rpc-timeout=5s
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        runAsNonRoot: true
        capabilities:
          drop:
            - ALL
      resources:
        requests:
          cpu: 10m
          memory: 16Mi
        limits:
          memory: 32Mi
{{- end -}}
{{- end -}}
