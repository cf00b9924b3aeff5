{{/*
Ingress: the gRPC port from pods labelled "<fullname>-client: true" in the release namespace, from
the peers of each networkPolicy.ingress.callers entry and from networkPolicy.ingress.grpcFrom; the
application's HTTP port (gRPC-Web, HTTP/JSON), only when one of them is enabled, from the same
labelled pods and networkPolicy.ingress.httpFrom (e.g. the ingress controller's namespace); the
management port from networkPolicy.ingress.managementFrom (the monitoring namespace by default).
Egress: cluster DNS, PostgreSQL and Redis on their ports, each of grpcChannels on its port, the token
issuer's key set (HTTPS) when security.jwt.jwkSetUri is set, and networkPolicy.egress.extra. The
callers and channels are maps so that a user's override of grpcFrom or extra (lists, which Helm
replaces whole) cannot drop them. Kubelet probes are not subject to NetworkPolicy.
*/}}
{{- define "grpc-service.networkpolicy" -}}
{{- if .Values.networkPolicy.enabled -}}
{{- $np := .Values.networkPolicy -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "grpc-service.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "grpc-service.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "grpc-service.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              {{- include "grpc-service.clientLabel" . | nindent 14 }}
        {{- range $caller, $peers := $np.ingress.callers }}
        {{- with $peers }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- end }}
        {{- with $np.ingress.grpcFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - port: {{ .Values.ports.grpc }}
          protocol: TCP
    {{- if include "grpc-service.httpEnabled" . }}
    - from:
        - podSelector:
            matchLabels:
              {{- include "grpc-service.clientLabel" . | nindent 14 }}
        {{- with $np.ingress.httpFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - port: {{ .Values.ports.http }}
          protocol: TCP
    {{- end }}
    {{- with $np.ingress.managementFrom }}
    - from:
        {{- toYaml . | nindent 8 }}
      ports:
        - port: {{ $.Values.ports.management }}
          protocol: TCP
    {{- end }}
  egress:
    - to:
        {{- toYaml $np.egress.dns.to | nindent 8 }}
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- with .Values.database }}
    - ports:
        - port: {{ .port }}
          protocol: TCP
      {{- with $np.egress.database.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- with .Values.redis }}
    - ports:
        - port: {{ .port }}
          protocol: TCP
      {{- with $np.egress.redis.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- range $name, $channel := .Values.grpcChannels }}
    - ports:
        - port: {{ $channel.port }}
          protocol: TCP
      {{- with $channel.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- if .Values.security.jwt.jwkSetUri }}
    - ports:
        - port: {{ $np.egress.identityProvider.port }}
          protocol: TCP
      {{- with $np.egress.identityProvider.to }}
      to:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
    {{- with $np.egress.extra }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}
