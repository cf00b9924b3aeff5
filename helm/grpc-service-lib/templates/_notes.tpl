{{- define "grpc-service.notes" -}}
{{- $fullname := include "grpc-service.fullname" . -}}
{{- $jwt := .Values.security.jwt -}}
{{ .Chart.Name }} {{ .Chart.AppVersion }} is deployed as {{ $fullname }} in namespace {{ .Release.Namespace }}.

gRPC (plaintext HTTP/2):
  {{ $fullname }}.{{ .Release.Namespace }}.svc:{{ .Values.ports.grpc }}            one address, connection-level balancing
  dns:///{{ include "grpc-service.headlessName" . }}.{{ .Release.Namespace }}.svc:{{ .Values.ports.grpc }}   every ready pod, for client-side round_robin
{{- if include "grpc-service.httpEnabled" . }}
HTTP ({{ if .Values.http.grpcWeb.enabled }}gRPC-Web{{ end }}{{ if and .Values.http.grpcWeb.enabled .Values.http.json.enabled }}, {{ end }}{{ if .Values.http.json.enabled }}HTTP/JSON{{ end }}): http://{{ $fullname }}.{{ .Release.Namespace }}.svc:{{ .Values.ports.http }}
{{- end }}
Management (Actuator): port {{ .Values.ports.management }}, metrics at {{ .Values.metrics.path }}.
{{- with .Values.grpcChannels }}

It calls (grpcChannels; each host must be the headless Service of that release):
{{- range $name, $channel := . }}
  {{ $name }}: dns:///{{ $channel.host }}:{{ $channel.port }}
{{- end }}
{{- end }}
{{- if .Values.networkPolicy.enabled }}

NetworkPolicy is on: pods that call the gRPC port need the label
  {{ include "grpc-service.clientLabel" . }}
or must match networkPolicy.ingress.callers{{ with .Values.networkPolicy.ingress.callers }} ({{ keys . | sortAlpha | join ", " }}){{ end }} or grpcFrom.
{{- end }}

Check it:
  helm test {{ .Release.Name }} --namespace {{ .Release.Namespace }}
  kubectl --namespace {{ .Release.Namespace }} port-forward svc/{{ $fullname }} {{ .Values.ports.grpc }}:{{ .Values.ports.grpc }}
  buf curl --protocol grpc --http2-prior-knowledge http://localhost:{{ .Values.ports.grpc }}/grpc.health.v1.Health/Check
{{- if not (or $jwt.jwkSetUri $jwt.secret $jwt.publicKey $jwt.existingSecret) }}

WARNING: no JWT key is configured (security.jwt.jwkSetUri, publicKey, secret or existingSecret):
every call that needs a token is refused.
{{- end }}
{{- if and .Values.autoscaling.enabled .Values.autoscaling.targetMemoryUtilizationPercentage }}

WARNING: the HorizontalPodAutoscaler also scales on memory utilisation: a JVM keeps the heap it has
grown, so it scales up with the load but rarely back down. CPU alone is the better signal.
{{- end }}
{{- if and (not .Values.autoscaling.enabled) (lt (int .Values.replicaCount) 2) }}

WARNING: a single replica: every rollout, node drain and crash interrupts the service.
{{- end }}
{{- end -}}
