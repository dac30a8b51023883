// Examples of the main operations' request and response bodies, shown by documentation tools and
// copied by integrators. Each is typed by the schema it illustrates (examplesOf), and the contract
// test validates every example in the document against its schema, so none can drift from the
// API. One key, one project and their ids recur, so the examples read as one story.
import type { z } from "zod";
import { examplesOf } from "@/lib/api/operation-types";
import {
  createKeyBodySchema,
  createdKeyResponseSchema,
  errorSchema,
  keyListSchema,
  keyResponseSchema,
  projectListSchema,
  revokedKeyResponseSchema,
  rollKeyBodySchema,
  rolledKeyResponseSchema,
  updateKeyBodySchema,
  type apiKeySchema,
  type projectSchema,
} from "@/lib/api/schemas";
import { verifyRequestSchema, verifyResponseSchema } from "@/lib/api/schemas-verify";

type KeyJson = z.input<typeof apiKeySchema>;

const PROJECT_ID = "0b4f6c1e-7d2a-4c3b-9e8f-1a2b3c4d5e6f";
const SECRET = "kd_3xYz9Qnuuiqes0qSGJgfEe0ijQlG9YLCj1OeZCg1V9PCGWq7P";
const ROLLED_SECRET = "kd_Hn4Rt2E1ttCEJieOjngqO5mvrxFbYAiB2i5RO0xnfv9jjk8Zc";

const key: KeyJson = {
  id: "key_ktt4aIuKS0sRTv0W",
  projectId: PROJECT_ID,
  name: "Partner sync",
  description: "Reads orders for the partner portal",
  prefix: "kd_3xYz9Q",
  maskedKey: "kd_3xYz9Q…Wq7P",
  status: "active",
  enabled: true,
  externalId: "partner-17",
  metadata: { plan: "pro" },
  createdAt: "2026-03-01T09:30:00.000Z",
  expiresAt: "2026-05-30T09:30:00.000Z",
  lastUsedAt: "2026-03-02T14:05:12.000Z",
  revokedAt: null,
  replacedBy: null,
  canary: false,
  projectScope: null,
  leakedAt: null,
  constraints: [{ type: "prefix", value: "/orders", methods: ["GET"] }],
  ratelimits: [{ name: "1m", limit: 600, duration: 60_000 }],
  credits: null,
};

const created: KeyJson = { ...key, lastUsedAt: null };

const replacement: KeyJson = {
  ...key,
  id: "key_RuIO7tRD5vF1Z9Je",
  prefix: "kd_Hn4Rt2",
  maskedKey: "kd_Hn4Rt2…k8Zc",
  createdAt: "2026-03-10T08:00:00.000Z",
  expiresAt: "2026-06-08T08:00:00.000Z",
  lastUsedAt: null,
};

const project: z.input<typeof projectSchema> = {
  id: PROJECT_ID,
  name: "Default",
  slug: "default",
  keyPrefix: "kd",
  activeKeyLimit: 100,
  maxLifetimeDays: 365,
  allowNoExpiry: false,
  requestRetentionDays: 30,
  logUnknownKeys: true,
  defaultRatelimits: [{ name: "1m", limit: 600, duration: 60_000 }],
  defaultCredits: null,
  capLimitsAtDefaults: false,
  leakPolicy: "revoke",
  isSystem: false,
  archived: false,
  createdAt: "2026-01-15T12:00:00.000Z",
};

// A read answers from the route, a write from the key service; both are not_found.
const notFoundAs = (message: string) =>
  examplesOf(errorSchema, { notFound: { summary: "No such key, or one outside the management key's project scope", value: { error: { code: "not_found", message } } } });

export const createKeyExamples = {
  request: examplesOf(createKeyBodySchema, {
    scoped: {
      summary: "A read-only key for one partner, with an owner, metadata and a rate limit",
      value: {
        name: "Partner sync",
        description: "Reads orders for the partner portal",
        expiry: "90d",
        constraints: [{ type: "prefix", value: "orders", methods: ["GET"] }],
        externalId: "partner-17",
        metadata: { plan: "pro" },
        ratelimits: [{ limit: 600, duration: 60_000 }],
        credits: null,
      },
    },
    minimal: { summary: "Only a name: 30 days, unrestricted, the project's default limits", value: { name: "Nightly export" } },
  }),
  created: examplesOf(createdKeyResponseSchema, {
    created: { summary: "The new key and its secret, shown this once", value: { key: created, secret: SECRET } },
  }),
  conflict: examplesOf(errorSchema, {
    nameTaken: {
      summary: "An active key of the project already has that name",
      value: {
        error: {
          code: "conflict",
          message: "An active key in this project already has that name. Names say which app uses a key, so make it unique.",
          issues: { name: ["An active key in this project already has that name. Names say which app uses a key, so make it unique."] },
        },
      },
    },
  }),
};

export const getKeyExamples = {
  found: examplesOf(keyResponseSchema, { active: { summary: "An active key", value: { key } } }),
  notFound: notFoundAs("Key not found."),
};

export const listKeysExamples = {
  page: examplesOf(keyListSchema, {
    page: {
      summary: "A page with more to come: pass nextCursor as starting_after",
      value: {
        keys: [key],
        hasMore: true,
        nextCursor: "eyJzIjoiY3JlYXRlZEF0OmRlc2MiLCJ2IjoiMjAyNi0wMy0wMVQwOTozMDowMC4wMDBaIiwiaSI6IjVkMWMyYjNhLTRlNWYtNGE2Yi04YzdkLTllMGYxYTJiM2M0ZCJ9",
      },
    },
    last: { summary: "The last page", value: { keys: [], hasMore: false, nextCursor: null } },
  }),
};

export const updateKeyExamples = {
  request: examplesOf(updateKeyBodySchema, {
    disable: { summary: "Disable the key (verification answers DISABLED until it is enabled again)", value: { enabled: false } },
    limits: {
      summary: "New metadata and a monthly credit allowance",
      value: { metadata: { plan: "enterprise" }, credits: { remaining: 10_000, refill: { interval: "monthly", amount: 10_000, refillDay: 1 } } },
    },
  }),
  updated: examplesOf(keyResponseSchema, {
    disabled: { summary: "The key, disabled", value: { key: { ...key, enabled: false, status: "disabled" } } },
  }),
  notFound: notFoundAs("That key does not exist."),
};

export const rollKeyExamples = {
  request: examplesOf(rollKeyBodySchema, { oneHour: { summary: "The old key keeps working for an hour", value: { grace: "1h" } } }),
  rolled: examplesOf(rolledKeyResponseSchema, {
    rolled: {
      summary: "The replacement with its secret, and the old key now expiring at the end of the grace period",
      value: { key: replacement, secret: ROLLED_SECRET, previous: { ...key, replacedBy: replacement.id, expiresAt: "2026-03-10T09:00:00.000Z" } },
    },
  }),
  notFound: notFoundAs("That key does not exist."),
};

export const revokeKeyExamples = {
  revoked: examplesOf(revokedKeyResponseSchema, {
    revoked: { summary: "The key, revoked", value: { key: { ...key, status: "revoked", revokedAt: "2026-03-12T16:20:00.000Z" } } },
    cascade: {
      summary: "With ?cascade=true: a management key and the keys it created",
      value: {
        key: { ...key, name: "CI provisioning", status: "revoked", revokedAt: "2026-03-12T16:20:00.000Z", constraints: [], projectScope: "all" },
        cascaded: ["key_WpVn2y2GFpCkuwGY", replacement.id],
      },
    },
  }),
  notFound: notFoundAs("That key does not exist."),
};

export const verifyExamples = {
  request: examplesOf(verifyRequestSchema, {
    request: {
      summary: "A key presented to your API, with the request it should authorise",
      value: { key: SECRET, project: "default", method: "GET", path: "/orders/12", ip: "203.0.113.7" },
    },
  }),
  verdict: examplesOf(verifyResponseSchema, {
    valid: {
      summary: "VALID, with the rule that allowed the request and the rate limit's state",
      value: {
        valid: true,
        code: "VALID",
        key: { id: key.id, name: key.name, projectId: PROJECT_ID, externalId: "partner-17", metadata: { plan: "pro" }, expiresAt: "2026-05-30T09:30:00.000Z" },
        matchedConstraint: { type: "prefix", value: "/orders", methods: ["GET"] },
        ratelimits: [{ name: "1m", limit: 600, remaining: 599, reset: 1_772_445_960_000 }],
      },
    },
    forbidden: {
      summary: "FORBIDDEN: the key's constraints do not allow this method or path",
      value: {
        valid: false,
        code: "FORBIDDEN",
        key: { id: key.id, name: key.name, projectId: PROJECT_ID, externalId: "partner-17", metadata: { plan: "pro" }, expiresAt: "2026-05-30T09:30:00.000Z" },
      },
    },
    notFound: { summary: "Unknown, or a key of another project", value: { valid: false, code: "NOT_FOUND" } },
  }),
};

export const listProjectsExamples = {
  page: examplesOf(projectListSchema, { page: { summary: "Every project on one page", value: { projects: [project], hasMore: false, nextCursor: null } } }),
};
