/**
 * The Pod Security Standards' "restricted" profile (which includes "baseline"), one row per control
 * as the Kubernetes documentation's table lists it (concepts/security/pod-security-standards), each
 * with the fields it restricts and the values it allows. `restrictedViolations(podSpec)` names every
 * control a pod spec breaks, as the Pod Security admission controller would refuse it.
 */
type Json = Record<string, any>;

const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const BASELINE_CAPABILITIES = new Set([
  "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
  "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);
const SELINUX_TYPES = new Set([undefined, "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
const RESTRICTED_VOLUMES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

function containersOf(pod: Json): Json[] {
  return [...(pod.initContainers ?? []), ...(pod.containers ?? []), ...(pod.ephemeralContainers ?? [])];
}

/** The pod's and every container's securityContext, for controls that apply to both. */
function contexts(pod: Json): Json[] {
  return [pod.securityContext ?? {}, ...containersOf(pod).map((c) => c.securityContext ?? {})];
}

export interface Control {
  profile: "baseline" | "restricted";
  control: string;
  /** True when the pod spec meets the control. */
  allows(pod: Json): boolean;
}

export const POD_SECURITY_CONTROLS: Control[] = [
  { profile: "baseline", control: "HostProcess", allows: (pod) => contexts(pod).every((c) => c.windowsOptions?.hostProcess !== true) },
  { profile: "baseline", control: "Host Namespaces", allows: (pod) => !pod.hostNetwork && !pod.hostPID && !pod.hostIPC },
  { profile: "baseline", control: "Privileged Containers", allows: (pod) => containersOf(pod).every((c) => c.securityContext?.privileged !== true) },
  {
    profile: "baseline",
    control: "Capabilities (baseline)",
    allows: (pod) => containersOf(pod).every((c) => (c.securityContext?.capabilities?.add ?? []).every((cap: string) => BASELINE_CAPABILITIES.has(cap))),
  },
  { profile: "baseline", control: "HostPath Volumes", allows: (pod) => (pod.volumes ?? []).every((v: Json) => v.hostPath === undefined) },
  { profile: "baseline", control: "Host Ports", allows: (pod) => containersOf(pod).every((c) => (c.ports ?? []).every((p: Json) => !p.hostPort)) },
  {
    profile: "baseline",
    control: "AppArmor",
    allows: (pod) => contexts(pod).every((c) => [undefined, "RuntimeDefault", "Localhost"].includes(c.appArmorProfile?.type)),
  },
  {
    profile: "baseline",
    control: "SELinux",
    allows: (pod) => contexts(pod).every((c) => SELINUX_TYPES.has(c.seLinuxOptions?.type) && !c.seLinuxOptions?.user && !c.seLinuxOptions?.role),
  },
  { profile: "baseline", control: "/proc Mount Type", allows: (pod) => containersOf(pod).every((c) => [undefined, "Default"].includes(c.securityContext?.procMount)) },
  { profile: "baseline", control: "Seccomp (baseline)", allows: (pod) => contexts(pod).every((c) => c.seccompProfile?.type !== "Unconfined") },
  { profile: "baseline", control: "Sysctls", allows: (pod) => (pod.securityContext?.sysctls ?? []).every((s: Json) => SAFE_SYSCTLS.has(s.name)) },
  {
    profile: "restricted",
    control: "Volume Types",
    allows: (pod) => (pod.volumes ?? []).every((v: Json) => Object.keys(v).filter((k) => k !== "name").every((k) => RESTRICTED_VOLUMES.has(k))),
  },
  { profile: "restricted", control: "Privilege Escalation", allows: (pod) => containersOf(pod).every((c) => c.securityContext?.allowPrivilegeEscalation === false) },
  {
    profile: "restricted",
    control: "Running as Non-root",
    allows: (pod) =>
      containersOf(pod).every((c) => c.securityContext?.runAsNonRoot !== false) &&
      (pod.securityContext?.runAsNonRoot === true || containersOf(pod).every((c) => c.securityContext?.runAsNonRoot === true)),
  },
  { profile: "restricted", control: "Running as Non-root user", allows: (pod) => contexts(pod).every((c) => c.runAsUser !== 0) },
  {
    profile: "restricted",
    control: "Seccomp (restricted)",
    allows: (pod) => {
      const allowed = (c: Json) => ["RuntimeDefault", "Localhost"].includes(c.seccompProfile?.type);
      const containers = containersOf(pod).map((c) => c.securityContext ?? {});
      return containers.every((c) => c.seccompProfile === undefined || allowed(c)) && (allowed(pod.securityContext ?? {}) || containers.every(allowed));
    },
  },
  {
    profile: "restricted",
    control: "Capabilities (restricted)",
    allows: (pod) =>
      containersOf(pod).every((c) => {
        const capabilities = c.securityContext?.capabilities ?? {};
        return (capabilities.drop ?? []).includes("ALL") && (capabilities.add ?? []).every((cap: string) => cap === "NET_BIND_SERVICE");
      }),
  },
];

/** The controls of the restricted profile (and baseline, which it includes) that `pod` breaks. */
export function restrictedViolations(pod: Json): string[] {
  return POD_SECURITY_CONTROLS.filter((control) => !control.allows(pod)).map((control) => control.control);
}

/** The pod specs inside a rendered object: a workload's template, or a Pod's own spec. */
export function podSpecsOf(object: Json): Json[] {
  if (object.kind === "Pod") return [object.spec ?? {}];
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(object.kind)) return [object.spec?.template?.spec ?? {}];
  if (object.kind === "CronJob") return [object.spec?.jobTemplate?.spec?.template?.spec ?? {}];
  return [];
}
