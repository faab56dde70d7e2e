import { SessionCheckBatcher, type SessionBatchQuery } from './session-check-batcher.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const ALICE = '10000000-0000-4000-8000-000000000001';
const BOB = '10000000-0000-4000-8000-000000000002';

/** A database of live sessions that records every statement and answers when told to. */
function recordingQuery(live: Record<string, string>) {
  const statements: { ids: string[]; answer: () => void; fail: (error: Error) => void }[] = [];
  const query: SessionBatchQuery = (ids) =>
    new Promise((resolve, reject) => {
      statements.push({
        ids,
        answer: () => resolve(ids.filter((id) => id in live).map((id) => ({ id, user_id: live[id], email: `${id}@example.com`, role: 'user' as const }))),
        fail: reject,
      });
    });
  return { query, statements };
}

// Later than any setImmediate queued so far, and the microtasks they start.
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('SessionCheckBatcher', () => {
  it('sends the checks of one event-loop turn as one statement, each session once', async () => {
    const db = recordingQuery({ [A]: ALICE, [B]: BOB });
    const batcher = new SessionCheckBatcher(db.query, 2);
    const checks = [batcher.check(A, ALICE), batcher.check(B, BOB), batcher.check(A, ALICE), batcher.check(C, ALICE)];
    await nextTurn();
    expect(db.statements.map((s) => s.ids)).toEqual([[A, B, C]]);
    db.statements[0].answer();
    expect(await Promise.all(checks)).toEqual([
      { email: `${A}@example.com`, role: 'user' },
      { email: `${B}@example.com`, role: 'user' },
      { email: `${A}@example.com`, role: 'user' },
      undefined,
    ]);
  });

  it('answers nothing for a live session presented with another subject', async () => {
    const db = recordingQuery({ [A]: ALICE });
    const batcher = new SessionCheckBatcher(db.query, 1);
    const asBob = batcher.check(A, BOB);
    await nextTurn();
    db.statements[0].answer();
    expect(await asBob).toBeUndefined();
  });

  it('never lets a check join a statement already sent: it waits for the next one', async () => {
    const db = recordingQuery({ [A]: ALICE, [B]: BOB });
    const batcher = new SessionCheckBatcher(db.query, 1);
    const first = batcher.check(A, ALICE);
    await nextTurn();
    // Sent before this check arrived, so it cannot have seen a revocation committed in between.
    const second = batcher.check(B, BOB);
    const third = batcher.check(A, ALICE);
    await nextTurn();
    expect(db.statements.map((s) => s.ids)).toEqual([[A]]);
    db.statements[0].answer();
    await first;
    await nextTurn();
    expect(db.statements.map((s) => s.ids)).toEqual([[A], [B, A]]);
    db.statements[1].answer();
    expect(await Promise.all([second, third])).toEqual([{ email: `${B}@example.com`, role: 'user' }, { email: `${A}@example.com`, role: 'user' }]);
  });

  it('keeps at most maxInFlight statements out, and splits a backlog at maxBatch', async () => {
    const db = recordingQuery({});
    const batcher = new SessionCheckBatcher(db.query, 2, 2);
    const checks = [A, B, C, A, B].map((id, i) => batcher.check(id, `${i}`));
    await nextTurn();
    expect(db.statements.map((s) => s.ids)).toEqual([[A, B], [C, A]]);
    db.statements[0].answer();
    await nextTurn();
    expect(db.statements.map((s) => s.ids)).toEqual([[A, B], [C, A], [B]]);
    db.statements[1].answer();
    db.statements[2].answer();
    expect(await Promise.all(checks)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('fails every check of a failed statement, and the next statement still goes out', async () => {
    const db = recordingQuery({ [A]: ALICE });
    const batcher = new SessionCheckBatcher(db.query, 1);
    const failing = [batcher.check(A, ALICE), batcher.check(B, BOB)];
    await nextTurn();
    db.statements[0].fail(new Error('connection terminated'));
    await expect(failing[0]).rejects.toThrow('connection terminated');
    await expect(failing[1]).rejects.toThrow('connection terminated');
    const after = batcher.check(A, ALICE);
    await nextTurn();
    db.statements[1].answer();
    expect(await after).toEqual({ email: `${A}@example.com`, role: 'user' });
  });
});
