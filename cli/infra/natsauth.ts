/**
 * berth's NATS users: one per role, each with an NKey of its own and the least rights its work
 * needs, enforced by nats-server (static `authorization` users in its config; README,
 * "Security"). The rights are derived from the event catalogue and the consuming services'
 * roster, so a new event or service gets its rights with it.
 */
import { nkeys } from "@nats-io/transport-node";
import type { Domain } from "../../shared/events/mod.ts";
import { catalogue, DLQ_PREFIX, DLQ_STREAM, eventTypes } from "../../shared/events/mod.ts";
import { inboxPrefixOf, seedFileOf } from "../../shared/nats/mod.ts";
import { consumerDefinitions, MEMBERS_SUBJECT, partitionsOf } from "../../consumers/runtime/mod.ts";
import { consumingServices } from "../../consumers/roster.ts";

/** What a user may publish and subscribe to (nats-server `permissions`, allow lists). */
export interface Permissions {
  publish: string[];
  subscribe: string[];
}

/** A user of the server's config: its public NKey and its rights. */
export interface NatsUser {
  role: string;
  nkey: string;
  permissions: Permissions;
}

/** The roles that are not consuming services. */
export const PLATFORM_ROLES = ["api", "relay", "workers", "cli"] as const;

/** Every berth role: the platform's and one per consuming service. */
export function roles(): string[] {
  return [...PLATFORM_ROLES, ...consumingServices.map((s) => s.name)];
}

const API = "$JS.API";
/** Where JetStream announces a consumer's new leader (the receivers listen for their own). */
const LEADER_ELECTED = "$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED";

/** `<domain>.*.<event>` of every event of the catalogue: what the outbox may hold. */
function eventSubjects(): string[] {
  return eventTypes.map((t) => {
    const [domain, event] = t.split(".", 2);
    return `${domain}.*.${event}`;
  });
}

/** What a consuming service may do: its own consumers, their streams' messages, its DLQ. */
function servicePermissions(name: string): Permissions {
  const service = consumingServices.find((s) => s.name === name)!;
  const consumers = consumerDefinitions(service).flatMap((d) => partitionsOf(d));
  const streams = [...new Set(consumers.map((c) => c.stream))];
  // Every consumer it could have had on any stream: provisioning drops those it no longer wants
  // (an event type dropped) after listing every stream's consumers.
  const everyStream = consumerDefinitions({ name, events: eventTypes }).flatMap((d) =>
    partitionsOf(d)
  );
  return {
    publish: [
      `${API}.INFO`,
      `${API}.STREAM.NAMES`,
      `${API}.CONSUMER.LIST.*`,
      ...everyStream.map(({ stream, name: c }) => `${API}.CONSUMER.DELETE.${stream}.${c}`),
      ...consumers.flatMap(({ stream, name: c }) => [
        `${API}.CONSUMER.CREATE.${stream}.${c}`,
        `${API}.CONSUMER.CREATE.${stream}.${c}.>`,
        `${API}.CONSUMER.DURABLE.CREATE.${stream}.${c}`,
        `${API}.CONSUMER.INFO.${stream}.${c}`,
        `${API}.CONSUMER.MSG.NEXT.${stream}.${c}`,
        `${API}.CONSUMER.UNPIN.${stream}.${c}`,
        `$JS.ACK.${stream}.${c}.>`,
      ]),
      // The hand-over barrier reads what an earlier holder had received (direct gets).
      ...streams.map((s) => `${API}.DIRECT.GET.${s}`),
      `${DLQ_PREFIX}.${name}.>`,
    ],
    subscribe: [
      `${inboxPrefixOf(name)}.>`,
      ...consumers.map(({ stream, name: c }) => `${LEADER_ELECTED}.${stream}.${c}`),
    ],
  };
}

/** The rights of a role: least privilege for the work it does (README, "Security"). */
export function permissionsOf(role: string): Permissions {
  const inbox = `${inboxPrefixOf(role)}.>`;
  const streams = (Object.keys(catalogue) as Domain[]).map((d) => catalogue[d].stream);
  switch (role) {
    case "api":
      // Health and the platform metrics: read-only views of streams and consumers.
      return {
        publish: [
          `${API}.INFO`,
          `${API}.STREAM.LIST`,
          `${API}.STREAM.INFO.*`,
          `${API}.CONSUMER.LIST.*`,
          ...[...streams, DLQ_STREAM].map((s) => `${API}.DIRECT.GET.${s}`),
        ],
        subscribe: [inbox],
      };
    case "relay":
      // The events of the outbox, nothing else; the acks of its publishes come to its inbox.
      return { publish: eventSubjects(), subscribe: [inbox] };
    case "workers":
      // The workers processes tell each other they are alive (consumers/runtime/members.ts).
      return { publish: [`${MEMBERS_SUBJECT}.>`], subscribe: [`${MEMBERS_SUBJECT}.>`, inbox] };
    case "cli":
      // The operator's tools: provision and inspect streams, read them (projections rebuild,
      // status), and put dead letters back on their original subjects (dlq replay).
      return { publish: [`${API}.>`, ...eventSubjects()], subscribe: [inbox] };
    default:
      if (!consumingServices.some((s) => s.name === role)) {
        throw new Error(`berth has no NATS role ${JSON.stringify(role)}`);
      }
      return servicePermissions(role);
  }
}

/**
 * The users of `keys` (a folder of `<role>.nk` seeds), creating a seed for every role that has
 * none (readable by its owner only). Rotating a role's key: remove its file (or write a new
 * seed) and start `up` again; see README, "Security".
 */
export async function ensureUsers(keys: string): Promise<NatsUser[]> {
  await Deno.mkdir(keys, { recursive: true, mode: 0o700 });
  const users: NatsUser[] = [];
  for (const role of roles()) {
    const file = seedFileOf(keys, role);
    let seed = await Deno.readTextFile(file).then((s) => s.trim(), () => "");
    if (!seed) {
      seed = new TextDecoder().decode(nkeys.createUser().getSeed());
      await Deno.writeTextFile(file, `${seed}\n`, { mode: 0o600 });
    }
    const nkey = nkeys.fromSeed(new TextEncoder().encode(seed)).getPublicKey();
    users.push({ role, nkey, permissions: permissionsOf(role) });
  }
  return users;
}

/**
 * The `authorization` block of a nats-server config for `users`. With `harness`, a connection
 * without credentials is that user, allowed everything: only the test servers have one, so
 * tests can set up streams and publish what they like while berth's processes sign in as
 * their roles.
 */
export function authorizationConfig(
  users: NatsUser[],
  harness?: { user: string; password: string },
): string[] {
  const q = (s: string) => JSON.stringify(s);
  const list = (xs: string[]) => `[${xs.map(q).join(", ")}]`;
  return [
    "authorization {",
    "  users: [",
    ...users.flatMap((u) => [
      `    # ${u.role}`,
      `    { nkey: ${u.nkey}, permissions: {`,
      `      publish: { allow: ${list(u.permissions.publish)} }`,
      `      subscribe: { allow: ${list(u.permissions.subscribe)} }`,
      "    } }",
    ]),
    ...(harness ? [`    { user: ${q(harness.user)}, password: ${q(harness.password)} }`] : []),
    "  ]",
    "}",
    ...(harness ? [`no_auth_user: ${q(harness.user)}`] : []),
  ];
}
