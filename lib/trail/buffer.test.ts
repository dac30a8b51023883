import { afterEach, describe, expect, it } from "vitest";
import { configureTrailBuffer, countTrailOutcome, pushTrailEvent, recordLostBatch, setTrailKick, takeTrailBatch, trailBufferStats } from "@/lib/trail/buffer";

const PROJECT = "00000000-0000-4000-8000-000000000001";
const push = (at: number, path = "/a", project = PROJECT) => pushTrailEvent(at, project, "key", "VALID", "GET", path, null, null, null, null);

afterEach(() => {
  setTrailKick(null);
  configureTrailBuffer({ enabled: true });
});

describe("the trail's buffer", () => {
  it("keeps the newest events when full and accounts for the oldest it drops, per project", () => {
    configureTrailBuffer({ capacity: 3, enabled: true });
    for (let at = 1; at <= 5; at++) push(at);
    expect(trailBufferStats()).toMatchObject({ buffered: 3, recorded: 5, dropped: 2 });
    const batch = takeTrailBatch(10);
    expect([...(batch?.events.at ?? [])]).toEqual([3, 4, 5]);
    expect(batch?.drops).toEqual([{ projectId: PROJECT, events: 2, firstAt: 1, lastAt: 2 }]);
    expect(takeTrailBatch(10)).toBeNull();
  });

  it("bounds the text it holds, not only the number of events", () => {
    configureTrailBuffer({ capacity: 1000, maxBytes: 3 * (96 + 3 + 998), enabled: true });
    for (let at = 1; at <= 10; at++) push(at, "/".repeat(998));
    expect(trailBufferStats().buffered).toBe(3);
    expect(trailBufferStats().bufferedBytes).toBe(3 * (96 + 3 + 998));
  });

  it("takes the oldest events in batches and wraps around the ring", () => {
    configureTrailBuffer({ capacity: 4, enabled: true });
    for (let at = 1; at <= 3; at++) push(at);
    expect([...(takeTrailBatch(2)?.events.at ?? [])]).toEqual([1, 2]);
    for (let at = 4; at <= 6; at++) push(at);
    expect([...(takeTrailBatch(10)?.events.at ?? [])]).toEqual([3, 4, 5, 6]);
  });

  it("gives back each event's own text when consecutive events repeat or change it", () => {
    configureTrailBuffer({ capacity: 3, enabled: true });
    // Equal text arriving as a fresh string each time, as a parsed request body delivers it.
    const fresh = (text: string) => [...text].join("");
    const sent = [["GET", "/a", "ua"], ["GET", "/a", null], ["POST", "/b", "ua"], ["POST", "/b", "ua"], [null, "/a", "ua"]] as const;
    for (const [at, [method, path, agent]] of sent.entries()) {
      pushTrailEvent(at, PROJECT, "key", "VALID", method && fresh(method), fresh(path), null, agent && fresh(agent), fresh(`req-${at}`), null);
      if (at === 1) takeTrailBatch(10);
    }
    const events = takeTrailBatch(10)?.events;
    expect(events?.method).toEqual(["POST", "POST", null]);
    expect(events?.path).toEqual(["/b", "/b", "/a"]);
    expect(events?.userAgent).toEqual(["ua", "ua", "ua"]);
    expect(events?.requestId).toEqual(["req-2", "req-3", "req-4"]);
  });

  it("counts unknown keys per project, hour and code, and never drops counts", () => {
    configureTrailBuffer({ capacity: 1, enabled: true });
    const hour = 3_600_000;
    for (let i = 0; i < 1000; i++) countTrailOutcome(PROJECT, i % 2 ? "MALFORMED" : "NOT_FOUND", 5 * hour + i);
    countTrailOutcome(PROJECT, "NOT_FOUND", 6 * hour);
    const batch = takeTrailBatch(10);
    expect(batch?.counts).toEqual([
      { projectId: PROJECT, hour: 5 * hour, outcome: "NOT_FOUND", count: 500 },
      { projectId: PROJECT, hour: 5 * hour, outcome: "MALFORMED", count: 500 },
      { projectId: PROJECT, hour: 6 * hour, outcome: "NOT_FOUND", count: 1 },
    ]);
    // Given back when their batch cannot be written, with its events counted as dropped.
    push(7);
    const lost = takeTrailBatch(10);
    recordLostBatch({ ...lost!, counts: batch!.counts });
    const retried = takeTrailBatch(10);
    expect(retried?.counts.reduce((sum, c) => sum + c.count, 0)).toBe(1001);
    expect(retried?.drops).toEqual([{ projectId: PROJECT, events: 1, firstAt: 7, lastAt: 7 }]);
  });

  it("records nothing when the trail is off", () => {
    configureTrailBuffer({ enabled: false });
    push(1);
    countTrailOutcome(PROJECT, "MALFORMED", 1);
    expect(trailBufferStats()).toMatchObject({ buffered: 0, recorded: 0 });
    expect(takeTrailBatch(10)).toBeNull();
  });

  it("asks the writer to come early once a batch's worth waits", () => {
    configureTrailBuffer({ capacity: 100, enabled: true });
    let kicks = 0;
    setTrailKick(() => (kicks += 1), 3);
    push(1);
    push(2);
    expect(kicks).toBe(0);
    push(3);
    expect(kicks).toBe(1);
  });
});
