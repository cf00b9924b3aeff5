{{/*
Prometheus Operator and Grafana objects, each behind its own value: the CRDs (ServiceMonitor,
PrometheusRule) must exist in the cluster, which a template run cannot check.
*/}}
{{- define "grpc-service.servicemonitor" -}}
{{- if .Values.metrics.serviceMonitor.enabled -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "grpc-service.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  # The job label becomes the Service name, which the alerts and the dashboard select on.
  jobLabel: app.kubernetes.io/name
  namespaceSelector:
    matchNames:
      - {{ .Release.Namespace }}
  selector:
    matchLabels:
      {{- include "grpc-service.selectorLabels" . | nindent 6 }}
      grpc-platform.dev/service-type: cluster-ip
  endpoints:
    - port: management
      path: {{ .Values.metrics.path }}
      interval: {{ .Values.metrics.serviceMonitor.interval }}
      scrapeTimeout: {{ .Values.metrics.serviceMonitor.scrapeTimeout }}
{{- end -}}
{{- end -}}

{{/* The PromQL label matchers of this release's series. */}}
{{- define "grpc-service.seriesSelector" -}}
{{- .Values.metrics.prometheusRule.seriesSelector | default (printf "job=%q, namespace=%q" (include "grpc-service.name" .) .Release.Namespace) -}}
{{- end -}}

{{- define "grpc-service.prometheusrule" -}}
{{- if .Values.metrics.prometheusRule.enabled -}}
{{- $rule := .Values.metrics.prometheusRule -}}
{{- $selector := include "grpc-service.seriesSelector" . -}}
{{- $serverErrors := join "|" $rule.errorRatio.codes -}}
{{- $excluded := list -}}
{{- range $rule.latency.excludedMethods }}{{ $excluded = append $excluded (regexQuoteMeta .) }}{{ end -}}
{{- $latencySelector := $selector -}}
{{- if $excluded -}}
{{- $latencySelector = printf "%s, grpc_method!~%q" $selector (join "|" $excluded) -}}
{{- end -}}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "grpc-service.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
    {{- with $rule.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  groups:
    - name: {{ include "grpc-service.fullname" . }}.grpc
      rules:
        - alert: GrpcServerErrorRatioHigh
          # Calls ending with a server-side error code, over all calls; client mistakes
          # (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED ...) do not count.
          expr: |-
            (
              sum by (job, namespace) (rate(grpc_server_call_duration_seconds_count{ {{- $selector }}, grpc_status=~{{ $serverErrors | quote }}}[{{ $rule.errorRatio.window }}]))
            /
              sum by (job, namespace) (rate(grpc_server_call_duration_seconds_count{ {{- $selector }}}[{{ $rule.errorRatio.window }}]))
            ) > {{ $rule.errorRatio.threshold }}
          for: {{ $rule.errorRatio.for }}
          labels:
            severity: {{ $rule.errorRatio.severity }}
          annotations:
            summary: {{ printf "%s: gRPC server errors above %v%% of calls" (include "grpc-service.fullname" .) (mulf $rule.errorRatio.threshold 100) | quote }}
            description: {{ printf "%s of the calls of %s in %s ended with a server error code (%s)." `{{ $value | humanizePercentage }}` `{{ $labels.job }}` `{{ $labels.namespace }}` $serverErrors | quote }}
        - alert: GrpcServerLatencyHigh
          # Streaming methods that stay open by design are excluded (metrics.prometheusRule.latency.excludedMethods).
          expr: |-
            histogram_quantile({{ $rule.latency.quantile }},
              sum by (job, namespace, grpc_method, le) (rate(grpc_server_call_duration_seconds_bucket{ {{- $latencySelector }}}[{{ $rule.latency.window }}]))
            ) > {{ $rule.latency.thresholdSeconds }}
          for: {{ $rule.latency.for }}
          labels:
            severity: {{ $rule.latency.severity }}
          annotations:
            summary: {{ printf "%s: p%v gRPC call latency above %vs" (include "grpc-service.fullname" .) (mulf $rule.latency.quantile 100) $rule.latency.thresholdSeconds | quote }}
            description: {{ printf "%s of %s in %s: %s at the %v quantile." `{{ $labels.grpc_method }}` `{{ $labels.job }}` `{{ $labels.namespace }}` `{{ $value | humanizeDuration }}` $rule.latency.quantile | quote }}
{{- end -}}
{{- end -}}

{{/*
The dashboard of the service chart (files/grpc-service-dashboard.json, a link to the one file in
deploy/grafana/dashboards/ that docker compose loads) with this release's uid, title and job.
*/}}
{{- define "grpc-service.dashboard" -}}
{{- if .Values.metrics.dashboard.enabled -}}
{{- $fullname := include "grpc-service.fullname" . -}}
{{- $dashboard := .Files.Get "files/grpc-service-dashboard.json" | fromJson -}}
{{- $job := include "grpc-service.name" . -}}
{{- $_ := set $dashboard "uid" (printf "grpc-%s" (sha256sum (printf "%s/%s" .Release.Namespace $fullname) | trunc 12)) -}}
{{- $_ := set $dashboard "title" (printf "gRPC: %s (%s)" $fullname .Release.Namespace) -}}
{{- range $dashboard.templating.list -}}
{{- if eq .name "job" -}}
{{- $_ := set . "current" (dict "selected" true "text" (list $job) "value" (list $job)) -}}
{{- end -}}
{{- end -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ printf "%s-dashboard" ($fullname | trunc 53 | trimSuffix "-") }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
    {{- with .Values.metrics.dashboard.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.metrics.dashboard.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
data:
  {{ $fullname }}.json: |-
    {{- toPrettyJson $dashboard | nindent 4 }}
{{- end -}}
{{- end -}}
