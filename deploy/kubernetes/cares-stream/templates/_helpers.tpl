{{/*
The container Quarkus generated for a service at build (generated/<service>.yml, copied there by
./deploy/kubernetes/generate.sh): its ports, probes, resources and environment, as a dict.
*/}}
{{- define "cares.generatedContainer" -}}
{{- $file := printf "generated/%s.yml" .service -}}
{{- $text := .root.Files.Get $file -}}
{{- if not $text -}}
{{- fail (printf "%s is missing: run ./deploy/kubernetes/generate.sh" $file) -}}
{{- end -}}
{{- range $doc := splitList "\n---" $text -}}
{{- $object := fromYaml $doc -}}
{{- if eq (default "" $object.kind) "Deployment" -}}
{{- toYaml (index $object.spec.template.spec.containers 0) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A port of the generated container, by name (http, management). */}}
{{- define "cares.port" -}}
{{- $container := include "cares.generatedContainer" . | fromYaml -}}
{{- range $container.ports -}}
{{- if eq .name $.port -}}{{ .containerPort }}{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels of one workload: the service it runs and the instance (one per model or judge). */}}
{{- define "cares.selector" -}}
app.kubernetes.io/name: {{ .service }}
app.kubernetes.io/instance: {{ .name }}
{{- end -}}

{{- define "cares.labels" -}}
{{ include "cares.selector" . }}
app.kubernetes.io/part-of: cares-stream
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{/* The Kafka bootstrap address of the Strimzi cluster: TLS on 9093 when security is on. */}}
{{- define "cares.bootstrap" -}}
{{- if .Values.kafka.security -}}
{{ .Values.kafka.name }}-kafka-bootstrap:9093
{{- else -}}
{{ .Values.kafka.name }}-kafka-bootstrap:9092
{{- end -}}
{{- end -}}

{{/*
A topic name for a model or judge id, as events.topics.Topics.topicSafe makes it: characters other than letters,
digits, '.', '_' and '-' become '_', and a changed or long id gets 8 hex digits of its SHA-256.
*/}}
{{- define "cares.topicSafe" -}}
{{- $safe := regexReplaceAll "[^A-Za-z0-9._-]" . "_" -}}
{{- if and (eq $safe .) (le (len $safe) 180) -}}
{{ $safe }}
{{- else -}}
{{ trunc 180 $safe }}-{{ sha256sum . | trunc 8 }}
{{- end -}}
{{- end -}}

{{/*
The most instances worth starting for a model or judge: never more than the partitions (an instance without a
partition idles), nor than maxReplicas, nor than the provider's rate limit can feed: an instance makes
concurrency calls per latency, so requestsPerMinute x latencyMs / (60,000 x concurrency) instances use it all.
*/}}
{{- define "cares.maxReplicas" -}}
{{- $max := int .root.Values.topics.partitions -}}
{{- if .worker.maxReplicas -}}{{- $max = min $max (int .worker.maxReplicas) -}}{{- end -}}
{{- if and .worker.requestsPerMinute .worker.latencyMs -}}
{{- $perInstance := mul 60000 (int (default 16 .worker.concurrency)) -}}
{{- $fed := div (add (mul (int .worker.requestsPerMinute) (int .worker.latencyMs)) (sub $perInstance 1)) $perInstance -}}
{{- $max = min $max (max 1 $fed) -}}
{{- end -}}
{{ $max }}
{{- end -}}

{{/*
A service's Deployment: the chart's pod (service account, security context, volumes, replicas) around the
container Quarkus generated, with the image and the environment of this instance added.
Arguments: root, service, name, replicas (omitted when KEDA scales it), env, volumes, volumeMounts, annotations.
*/}}
{{- define "cares.deployment" -}}
{{- $root := .root -}}
{{- $container := include "cares.generatedContainer" . | fromYaml -}}
{{- $_ := set $container "image" (printf "%s/%s/%s:%s" $root.Values.image.registry $root.Values.image.group .service $root.Values.image.tag) -}}
{{- $_ := set $container "imagePullPolicy" $root.Values.image.pullPolicy -}}
{{- $env := concat (default list $container.env) (default list .env) -}}
{{- $mounts := default list .volumeMounts -}}
{{- $volumes := default list .volumes -}}
{{- if $root.Values.auth.publicKeySecret -}}
{{- $env = append $env (dict "name" "CARES_AUTH_PUBLIC_KEY" "value" (printf "/etc/cares/auth/%s" $root.Values.auth.publicKeySecret.key)) -}}
{{- $mounts = append $mounts (dict "name" "auth-public-key" "mountPath" "/etc/cares/auth" "readOnly" true) -}}
{{- $volumes = append $volumes (dict "name" "auth-public-key" "secret" (dict "secretName" $root.Values.auth.publicKeySecret.name)) -}}
{{- end -}}
{{- if $root.Values.kafka.security -}}
{{- $user := .kafkaUser | default .service -}}
{{- $env = append $env (dict "name" "KAFKA_SASL_JAAS_CONFIG" "valueFrom" (dict "secretKeyRef" (dict "name" $user "key" "sasl.jaas.config"))) -}}
{{- $env = append $env (dict "name" "KAFKA_SSL_TRUSTSTORE_PASSWORD" "valueFrom" (dict "secretKeyRef" (dict "name" (printf "%s-cluster-ca-cert" $root.Values.kafka.name) "key" "ca.password"))) -}}
{{- $mounts = append $mounts (dict "name" "kafka-cluster-ca" "mountPath" "/etc/kafka-ca" "readOnly" true) -}}
{{- $volumes = append $volumes (dict "name" "kafka-cluster-ca" "secret" (dict "secretName" (printf "%s-cluster-ca-cert" $root.Values.kafka.name))) -}}
{{- end -}}
{{- $_ := set $container "env" $env -}}
{{- if $mounts -}}{{- $_ := set $container "volumeMounts" $mounts -}}{{- end -}}
{{- $_ := set $container "securityContext" (dict "allowPrivilegeEscalation" false "capabilities" (dict "drop" (list "ALL"))) -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  labels:
    {{- include "cares.labels" . | nindent 4 }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- if not (kindIs "invalid" .replicas) }}
  replicas: {{ .replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "cares.selector" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "cares.labels" . | nindent 8 }}
    spec:
      serviceAccountName: {{ .service }}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 1001
        fsGroup: 1001
        seccompProfile:
          type: RuntimeDefault
      # A stopping instance finishes its calls in flight and commits (README, "Reliability").
      terminationGracePeriodSeconds: 60
      containers:
        - {{- toYaml $container | nindent 10 }}
      {{- with $volumes }}
      volumes:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{/* A ClusterIP Service on a workload's http port. */}}
{{- define "cares.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
  labels:
    {{- include "cares.labels" . | nindent 4 }}
spec:
  selector:
    {{- include "cares.selector" . | nindent 4 }}
  ports:
    - name: http
      port: 80
      targetPort: http
{{- end -}}

{{/* A PodDisruptionBudget: a drain takes at most one instance at a time. */}}
{{- define "cares.pdb" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  labels:
    {{- include "cares.labels" . | nindent 4 }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      {{- include "cares.selector" . | nindent 6 }}
{{- end -}}
