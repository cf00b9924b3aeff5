{{/*
Two Services over the same pods. The ClusterIP Service gives one stable address (connection-level
balancing: a gRPC client keeps its HTTP/2 connection to one pod), the application's HTTP port when
gRPC-Web or HTTP/JSON is enabled, and the management port for scraping. The headless Service resolves to every ready pod's IP, for clients that balance
calls themselves ("dns:///<name>-headless:<port>" with the round_robin policy).
*/}}
{{- define "grpc-service.services" -}}
{{- $fullname := include "grpc-service.fullname" . -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullname }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
    grpc-platform.dev/service-type: cluster-ip
  {{- with .Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.service.type }}
  selector:
    {{- include "grpc-service.selectorLabels" . | nindent 4 }}
  ports:
    - name: grpc
      port: {{ .Values.ports.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: {{ .Values.service.appProtocol }}
    {{- if include "grpc-service.httpEnabled" . }}
    - name: http
      port: {{ .Values.ports.http }}
      targetPort: http
      protocol: TCP
      appProtocol: http
    {{- end }}
    - name: management
      port: {{ .Values.ports.management }}
      targetPort: management
      protocol: TCP
      appProtocol: http
---
apiVersion: v1
kind: Service
metadata:
  name: {{ include "grpc-service.headlessName" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
    grpc-platform.dev/service-type: headless
  {{- with .Values.service.headlessAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  clusterIP: None
  # Only ready pods: a pod that is shutting down or whose database is down drops out of DNS.
  publishNotReadyAddresses: false
  selector:
    {{- include "grpc-service.selectorLabels" . | nindent 4 }}
  ports:
    - name: grpc
      port: {{ .Values.ports.grpc }}
      targetPort: grpc
      protocol: TCP
      appProtocol: {{ .Values.service.appProtocol }}
{{- end -}}
