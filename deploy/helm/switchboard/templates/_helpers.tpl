{{/* The release's name for every object, at most 63 characters. */}}
{{- define "switchboard.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "switchboard.headless" -}}
{{- printf "%s-replicas" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "switchboard.labels" -}}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "switchboard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "switchboard.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "switchboard.scheme" -}}
{{- if .Values.tls.enabled }}https{{ else }}http{{ end -}}
{{- end -}}

{{/* Secrets: the one named, else the one the chart creates. */}}
{{- define "switchboard.keyringSecret" -}}
{{- default (printf "%s-keyring" (include "switchboard.fullname" .)) .Values.keyring.existingSecret -}}
{{- end -}}
{{- define "switchboard.usersSecret" -}}
{{- default (printf "%s-users" (include "switchboard.fullname" .)) .Values.auth.users.existingSecret -}}
{{- end -}}
{{- define "switchboard.kafkaSecret" -}}
{{- default (printf "%s-kafka" (include "switchboard.fullname" .)) .Values.kafka.existingSecret -}}
{{- end -}}
{{- define "switchboard.connectSecret" -}}
{{- default (printf "%s-connect" (include "switchboard.fullname" .)) .Values.connect.existingSecret -}}
{{- end -}}
{{- define "switchboard.hasKeyring" -}}
{{- if or .Values.keyring.existingSecret .Values.keyring.value }}true{{ end -}}
{{- end -}}
{{- define "switchboard.hasUsers" -}}
{{- if or .Values.auth.users.existingSecret .Values.auth.users.content }}true{{ end -}}
{{- end -}}
{{- define "switchboard.hasKafkaProperties" -}}
{{- if or .Values.kafka.existingSecret .Values.kafka.properties }}true{{ end -}}
{{- end -}}
{{- define "switchboard.hasOidc" -}}
{{- if .Values.auth.oidc.issuer }}true{{ end -}}
{{- end -}}
{{/*
Environment variables that hold a secret go to the Secret <fullname>-env, never to the ConfigMap:
every extraSecretEnv entry, and an extraEnv entry whose name says it is a key, password, token,
credential or Kafka client setting (SWITCHBOARD_SECRETS_KEY, SWITCHBOARD_TLS_KEYSTORE_PASSWORD,
SWITCHBOARD_KAFKA_PROPERTY) or carries JVM options (JAVA_OPTS), or whose value is a URL with
credentials in it (SWITCHBOARD_CONNECT_CLUSTER=default=https://user:pass@connect:8083).
*/}}
{{- define "switchboard.secretEnvName" -}}
{{- if regexMatch "(KEY|PASSWORD|SECRET|TOKEN|CREDENTIAL|PROPERT|^JAVA_OPTS$)" . }}true{{ end -}}
{{- end -}}
{{/* An extraEnv entry ({name, value}) that holds a secret: by its name, or a URL with credentials in it (https://user:pass@host). */}}
{{- define "switchboard.secretEnvEntry" -}}
{{- if or (include "switchboard.secretEnvName" .name) (regexMatch "[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]+@" (toString .value)) }}true{{ end -}}
{{- end -}}
{{/* The secret environment as a map (JSON), empty when there is none. */}}
{{- define "switchboard.secretEnv" -}}
{{- $env := dict -}}
{{- range $name, $value := .Values.extraEnv -}}
{{- if include "switchboard.secretEnvEntry" (dict "name" $name "value" $value) -}}{{- $_ := set $env $name (toString $value) -}}{{- end -}}
{{- end -}}
{{- range $name, $value := .Values.extraSecretEnv -}}
{{- $_ := set $env $name (toString $value) -}}
{{- end -}}
{{- if .Values.jvm.extraOptions -}}
{{- $_ := set $env "JAVA_TOOL_OPTIONS" (include "switchboard.javaToolOptions" .) -}}
{{- end -}}
{{- toJson $env -}}
{{- end -}}
{{- define "switchboard.javaToolOptions" -}}
{{- printf "-XX:MaxRAMPercentage=%v -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp %s" .Values.jvm.maxRamPercentage .Values.jvm.extraOptions | trim -}}
{{- end -}}
{{- define "switchboard.envSecret" -}}
{{- printf "%s-env" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{/*
Whether a NetworkPolicy peer names whom it admits: an ipBlock, or selectors with labels or
expressions. An empty selector (podSelector: {}) admits every pod of the namespace.
*/}}
{{/*
A peer that names who it admits: a selector by labels, or by expressions of which one is "In" (DoesNotExist,
NotIn or Exists alone admit what carries no such label, or every value); an ipBlock of at least /8 (IPv4)
or /32 (IPv6), never 0.0.0.0/0.
*/}}
{{- define "switchboard.namedPeer" -}}
{{- $named := or (kindIs "map" .ipBlock) (kindIs "map" .podSelector) (kindIs "map" .namespaceSelector) -}}
{{- range $selector := list .podSelector .namespaceSelector -}}
{{- if kindIs "map" $selector -}}
{{- $in := false -}}
{{- range $selector.matchExpressions -}}{{- if eq (toString .operator) "In" -}}{{- $in = true -}}{{- end -}}{{- end -}}
{{- if not (or $selector.matchLabels $in) -}}{{- $named = false -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- if kindIs "map" .ipBlock -}}
{{- $cidr := toString .ipBlock.cidr -}}
{{- $parts := splitList "/" $cidr -}}
{{- $bits := 0 -}}
{{- if eq (len $parts) 2 -}}{{- $bits = atoi (index $parts 1) -}}{{- else -}}{{- $bits = 128 -}}{{- end -}}
{{- if lt $bits (ternary 32 8 (contains ":" $cidr)) -}}{{- $named = false -}}{{- end -}}
{{- end -}}
{{- if $named }}true{{ end -}}
{{- end -}}
{{- define "switchboard.hasConnect" -}}
{{- if or .Values.connect.existingSecret .Values.connect.clusters }}true{{ end -}}
{{- end -}}

{{/* NAME=URL[;status-topic=TOPIC][;config-topic=TOPIC],... as --connect-cluster takes it. */}}
{{- define "switchboard.connectClusters" -}}
{{- $entries := list -}}
{{- range .Values.connect.clusters -}}
{{- $entry := printf "%s=%s" .name .url -}}
{{- if .statusTopic -}}{{- $entry = printf "%s;status-topic=%s" $entry .statusTopic -}}{{- end -}}
{{- if .configTopic -}}{{- $entry = printf "%s;config-topic=%s" $entry .configTopic -}}{{- end -}}
{{- $entries = append $entries $entry -}}
{{- end -}}
{{- join "," $entries -}}
{{- end -}}

{{/*
Rules across values, refused before anything renders (values.schema.json checks each value alone).
*/}}
{{- define "switchboard.validate" -}}
{{- if .Values.kafka.embedded -}}
{{- if ne (int .Values.replicas) 1 -}}
{{- fail (printf "kafka.embedded runs a broker inside the one replica: replicas must be 1, not %v; for more replicas give kafka.bootstrapServers" .Values.replicas) -}}
{{- end -}}
{{- if .Values.kafka.bootstrapServers -}}
{{- fail "kafka.embedded and kafka.bootstrapServers exclude each other: an embedded broker or an external Kafka" -}}
{{- end -}}
{{- else -}}
{{- if not .Values.kafka.bootstrapServers -}}
{{- fail "kafka.bootstrapServers is required with an external Kafka (or set kafka.embedded=true for a one-replica demo)" -}}
{{- end -}}
{{- if not .Values.schemaRegistry.url -}}
{{- fail "schemaRegistry.url is required with an external Kafka: every replica must use one schema registry" -}}
{{- end -}}
{{- if not (include "switchboard.hasKeyring" .) -}}
{{- fail "keyring.existingSecret or keyring.value is required with an external Kafka: every replica must seal and open secret values with the same keyring" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.keyring.existingSecret .Values.keyring.value -}}
{{- fail "keyring.existingSecret and keyring.value exclude each other" -}}
{{- end -}}
{{- if and .Values.auth.users.existingSecret .Values.auth.users.content -}}
{{- fail "auth.users.existingSecret and auth.users.content exclude each other" -}}
{{- end -}}
{{- if and .Values.kafka.existingSecret .Values.kafka.properties -}}
{{- fail "kafka.existingSecret and kafka.properties exclude each other: put every setting in the Secret's kafka.properties" -}}
{{- end -}}
{{- if and .Values.connect.existingSecret .Values.connect.clusters -}}
{{- fail "connect.existingSecret and connect.clusters exclude each other" -}}
{{- end -}}
{{- if not (or (include "switchboard.hasUsers" .) (include "switchboard.hasOidc" .)) -}}
{{- if not .Values.auth.allowAnonymous -}}
{{- fail "No credentials: give auth.users (API keys) or auth.oidc.issuer, or set auth.allowAnonymous=true to serve an API without authentication to the peers networkPolicy.apiFrom names" -}}
{{- end -}}
{{- if not .Values.networkPolicy.enabled -}}
{{- fail "auth.allowAnonymous needs networkPolicy.enabled: without credentials, only the peers networkPolicy.apiFrom names may reach the API" -}}
{{- end -}}
{{- range .Values.networkPolicy.apiFrom -}}
{{- if not (include "switchboard.namedPeer" .) -}}
{{- fail (printf "auth.allowAnonymous: networkPolicy.apiFrom may only name peers (labels, an In expression, or an ipBlock of at least /8 or /32 for IPv6); %s admits every pod, or much of a network" (toJson .)) -}}
{{- end -}}
{{- end -}}
{{- if .Values.metrics.serviceMonitor.enabled -}}
{{- fail "auth.allowAnonymous with metrics.serviceMonitor.enabled would make every pod with Prometheus's labels in its namespace an anonymous admin: give Prometheus an API key instead (auth.users, metrics.serviceMonitor.basicAuthSecret)" -}}
{{- end -}}
{{- end -}}
{{- range $name, $value := .Values.extraSecretEnv -}}
{{- if hasKey $.Values.extraEnv $name -}}
{{- fail (printf "%s is in both extraEnv and extraSecretEnv: give it once" $name) -}}
{{- end -}}
{{- end -}}
{{- if .Values.networkPolicy.enabled -}}
{{- if and (not .Values.kafka.embedded) (not .Values.kafka.networkPeers) -}}
{{- fail "kafka.networkPeers: name where the Kafka brokers and the schema registry are (NetworkPolicy peers); the replicas' egress goes only to named peers" -}}
{{- end -}}
{{- if and (include "switchboard.hasConnect" .) (not .Values.connect.networkPeers) -}}
{{- fail "connect.networkPeers: name where the Connect workers are (NetworkPolicy peers); the replicas' egress goes only to named peers" -}}
{{- end -}}
{{- end -}}
{{- if and .Values.tls.enabled (not .Values.tls.existingSecret) -}}
{{- fail "tls.enabled needs tls.existingSecret: a Secret with keystore.p12 and keystore-password" -}}
{{- end -}}
{{- end -}}

{{/* The embedded worker container's JVM options. */}}
{{- define "switchboard.workerJavaOptions" -}}
{{- printf "-XX:MaxRAMPercentage=%v -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp %s" .Values.worker.maxRamPercentage .Values.worker.extraOptions | trim -}}
{{- end -}}
