#!/usr/bin/env node
// Validates rendered Kubernetes YAML offline: every object against its schema (kubernetes-models, and the External
// Secrets models for ExternalSecret), then what someone applying it would want to hold (checks below). Reads the
// file named as the argument, or standard input:
//   kubectl kustomize deploy/kubernetes/overlays/production | node deploy/kubernetes/validate/validate.js
// Prints one line per problem ("Deployment/gateway: ..."), then "validated N objects, M problems"; exits 1 when
// there is a problem or nothing to validate. With --json it prints {"objects": [...], "problems": [...]} instead, for
// tests that look further into the objects (tests/EStore.Deployment.Tests).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// API versions Kubernetes no longer serves (the models still describe some of them).
const removedApiVersions = new Set([
  "extensions/v1beta1", "apps/v1beta1", "apps/v1beta2", "autoscaling/v2beta1", "autoscaling/v2beta2",
  "policy/v1beta1", "networking.k8s.io/v1beta1", "batch/v1beta1",
]);
const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]);

const problems = [];
const problem = (object, message) => problems.push(`${object.kind ?? "?"}/${object.metadata?.name ?? "?"}: ${message}`);

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const module = group === "external-secrets.io"
    ? `@kubernetes-models/external-secrets/external-secrets.io/${version}`
    : group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
  try {
    return (await import(module))[kind];
  } catch {
    return undefined;
  }
}

async function validateSchema(object) {
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    problem(object, "has no apiVersion or kind");
    return;
  }
  if (removedApiVersions.has(object.apiVersion)) {
    problem(object, `${object.apiVersion} is no longer served by Kubernetes`);
    return;
  }
  const Model = await modelFor(object.apiVersion, object.kind);
  if (!Model) {
    problem(object, `no schema for ${object.apiVersion} ${object.kind}`);
    return;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problem(object, `schema: ${error.message}`);
  }
}

const podTemplate = (object) => (workloadKinds.has(object.kind) ? object.spec?.template : undefined);
const matches = (selector, labels) =>
  selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

function checkContainers(object, pod) {
  const spec = pod.spec ?? {};
  const podSecurity = spec.securityContext ?? {};
  const mounts = (container) => container.volumeMounts ?? [];
  for (const [index, container] of (spec.containers ?? []).entries()) {
    const where = `container ${container.name ?? index}`;
    const ports = new Set((container.ports ?? []).map((p) => p.name).filter(Boolean));
    for (const probe of ["readinessProbe", "livenessProbe"]) {
      const value = container[probe];
      if (!value) {
        problem(object, `${where} has no ${probe}`);
        continue;
      }
      const port = value.httpGet?.port ?? value.tcpSocket?.port;
      if (typeof port === "string" && !ports.has(port)) {
        problem(object, `${where}'s ${probe} names port '${port}', which the container does not declare`);
      }
    }
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        if (!container.resources?.[kind]?.[resource]) problem(object, `${where} has no ${resource} ${kind.slice(0, -1)}`);
      }
    }
    const security = container.securityContext ?? {};
    if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) problem(object, `${where} may run as root (runAsNonRoot)`);
    if ((security.runAsUser ?? podSecurity.runAsUser) === 0) problem(object, `${where} runs as user 0`);
    if (security.readOnlyRootFilesystem !== true) problem(object, `${where} has a writable root filesystem`);
    if (security.allowPrivilegeEscalation !== false) problem(object, `${where} allows privilege escalation`);
    if (!(security.capabilities?.drop ?? []).includes("ALL")) problem(object, `${where} does not drop all capabilities`);
    const tmp = mounts(container).find((m) => m.mountPath === "/tmp");
    if (!tmp) {
      problem(object, `${where} has no writable /tmp (the root filesystem is read-only)`);
    } else if (!(spec.volumes ?? []).some((v) => v.name === tmp.name && v.emptyDir)) {
      problem(object, `${where}'s /tmp is not an emptyDir volume`);
    }
    for (const mount of mounts(container)) {
      if (!(spec.volumes ?? []).some((v) => v.name === mount.name)) problem(object, `${where} mounts volume '${mount.name}', which the pod does not declare`);
    }
  }
}

function checkReferences(object, pod, exists) {
  const spec = pod.spec ?? {};
  const refer = (kind, name, key, optional) => {
    if (optional) return;
    const found = exists(kind, name);
    if (!found) problem(object, `refers to ${kind} '${name}', which is not in the rendered objects`);
    else if (key && found.keys && !found.keys.has(key)) problem(object, `refers to key '${key}' of ${kind} '${name}', which has no such key`);
  };
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef) refer("ConfigMap", source.configMapRef.name, undefined, source.configMapRef.optional);
      if (source.secretRef) refer("Secret", source.secretRef.name, undefined, source.secretRef.optional);
    }
    for (const variable of container.env ?? []) {
      const from = variable.valueFrom ?? {};
      if (from.configMapKeyRef) refer("ConfigMap", from.configMapKeyRef.name, from.configMapKeyRef.key, from.configMapKeyRef.optional);
      if (from.secretKeyRef) refer("Secret", from.secretKeyRef.name, from.secretKeyRef.key, from.secretKeyRef.optional);
    }
  }
  for (const volume of spec.volumes ?? []) {
    if (volume.configMap) refer("ConfigMap", volume.configMap.name, undefined, volume.configMap.optional);
    if (volume.secret) refer("Secret", volume.secret.secretName, undefined, volume.secret.optional);
    if (volume.persistentVolumeClaim) refer("PersistentVolumeClaim", volume.persistentVolumeClaim.claimName);
  }
}

async function main() {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const file = args.find((a) => a !== "--json");
  const source = file && file !== "-" ? file : 0;
  const documents = parseAllDocuments(readFileSync(source, "utf8"));
  const objects = [];
  for (const document of documents) {
    if (document.errors.length > 0) {
      problems.push(`YAML: ${document.errors[0].message}`);
      continue;
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }

  // What exists: rendered objects, plus Secrets that an ExternalSecret or cert-manager (an Ingress's TLS) will make.
  const known = new Map();
  const add = (kind, name, keys) => known.set(`${kind}/${name}`, { keys });
  for (const object of objects) {
    const name = object.metadata?.name;
    if (object.kind === "ConfigMap") add("ConfigMap", name, new Set([...Object.keys(object.data ?? {}), ...Object.keys(object.binaryData ?? {})]));
    else if (object.kind === "Secret") add("Secret", name, new Set([...Object.keys(object.data ?? {}), ...Object.keys(object.stringData ?? {})]));
    else if (object.kind === "ExternalSecret") add("Secret", object.spec?.target?.name ?? name, undefined);
    else add(object.kind, name, undefined);
  }
  const exists = (kind, name) => known.get(`${kind}/${name}`);
  const pods = objects.filter(podTemplate).map((o) => ({ owner: o, template: podTemplate(o) }));

  for (const object of objects) {
    await validateSchema(object);
    const pod = podTemplate(object);
    if (pod) {
      if (!matches(object.spec?.selector?.matchLabels, pod.metadata?.labels)) {
        problem(object, "selector.matchLabels does not match the pod template's labels");
      }
      checkContainers(object, pod);
      checkReferences(object, pod, exists);
      if (object.kind === "StatefulSet") {
        const headless = objects.find((o) => o.kind === "Service" && o.metadata?.name === object.spec?.serviceName);
        if (headless?.spec?.clusterIP !== "None") problem(object, `serviceName '${object.spec?.serviceName}' is not a headless Service`);
      }
    }
    if (object.kind === "Service") {
      const selected = pods.filter((p) => matches(object.spec?.selector, p.template.metadata?.labels));
      if (selected.length === 0) {
        problem(object, "selects no pod");
      }
      for (const port of object.spec?.ports ?? []) {
        const declared = selected.flatMap((p) => p.template.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
        const target = port.targetPort ?? port.port;
        if (selected.length > 0 && !declared.some((d) => d.name === target || d.containerPort === target)) {
          problem(object, `port ${port.name ?? port.port} targets '${target}', which the selected pods do not declare`);
        }
      }
    }
    if (object.kind === "HorizontalPodAutoscaler") {
      const target = object.spec?.scaleTargetRef;
      if (!exists(target?.kind, target?.name)) problem(object, `scales ${target?.kind} '${target?.name}', which is not in the rendered objects`);
    }
    if (object.kind === "PodDisruptionBudget" && !pods.some((p) => matches(object.spec?.selector?.matchLabels, p.template.metadata?.labels))) {
      problem(object, "selects no pod");
    }
    if (object.kind === "Ingress") {
      const issued = Object.keys(object.metadata?.annotations ?? {}).some((a) => a === "cert-manager.io/cluster-issuer" || a === "cert-manager.io/issuer");
      for (const tls of object.spec?.tls ?? []) {
        if (!issued && !exists("Secret", tls.secretName)) problem(object, `TLS Secret '${tls.secretName}' is neither rendered nor issued by cert-manager`);
      }
      for (const rule of object.spec?.rules ?? []) {
        for (const path of rule.http?.paths ?? []) {
          const backend = path.backend?.service;
          const service = objects.find((o) => o.kind === "Service" && o.metadata?.name === backend?.name);
          if (!service) problem(object, `routes ${path.path} to Service '${backend?.name}', which is not in the rendered objects`);
          else if (!(service.spec?.ports ?? []).some((p) => (backend.port?.name ? p.name === backend.port.name : p.port === backend.port?.number))) {
            problem(object, `routes ${path.path} to a port Service '${backend.name}' does not have`);
          }
        }
      }
    }
  }

  if (json) {
    console.log(JSON.stringify({ objects, problems }));
  } else {
    for (const line of problems) console.log(line);
    console.log(`validated ${objects.length} objects, ${problems.length} problems`);
  }
  process.exitCode = problems.length > 0 || objects.length === 0 ? 1 : 0;
}

await main();
