{{- define "grpc-service.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "grpc-service.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
data:
  # Read by Spring Boot through SPRING_CONFIG_ADDITIONAL_LOCATION, over the jar's application.yaml.
  application.yaml: |
    {{- include "grpc-service.properties" . | nindent 4 }}
{{- end -}}

{{- define "grpc-service.secret" -}}
{{- $data := include "grpc-service.secretData" . | fromYaml -}}
{{- if $data -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "grpc-service.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
type: Opaque
data:
  {{- range $key, $value := $data }}
  {{ $key }}: {{ $value | b64enc | quote }}
  {{- end }}
{{- end -}}
{{- end -}}

{{- define "grpc-service.serviceaccount" -}}
{{- if .Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "grpc-service.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
  {{- with .Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end -}}
{{- end -}}
